import { test, expect } from './fixtures';

/**
 * The pair API in a real browser (real workers, real IndexedDB) with a worker killed mid-job: a join of
 * a reduced RDD with a partitioned one, a broadcast read in mapValues, and accumulators added to in a
 * foreach. The result must equal the reference computed here, and the accumulators must count every
 * joined row exactly once, however many task attempts the kill caused.
 */
const LEFT = Array.from({ length: 400 }, (_, i): [number, number] => [i % 50, i]);
const RIGHT = Array.from({ length: 120 }, (_, i): [number, string] => [i % 60, `r${i}`]);
const FACTOR = 3;

/** The reference: reduceByKey(+) on the left, inner join with the right, values times the factor. */
function reference(): [number, [number, string]][] {
  const sums = new Map<number, number>();
  for (const [k, v] of LEFT) sums.set(k, (sums.get(k) ?? 0) + v);
  const rows: [number, [number, string]][] = [];
  for (const [k, w] of RIGHT) {
    const s = sums.get(k);
    if (s !== undefined) rows.push([k, [s * FACTOR, w]]);
  }
  return rows;
}

const sortRows = (rows: [number, [number, string]][]) =>
  [...rows].sort((a, b) => a[0] - b[0] || a[1][1].localeCompare(b[1][1]));

test('a join with a broadcast and accumulators survives a worker killed during its result stage', async ({
  harness,
}) => {
  const out = await harness.evaluate(
    async ({ left, right, factor }) => {
      const { createContext } = window.emberflow;
      const ctx = createContext({ workers: 2, name: `pairapi-${Math.random().toString(36).slice(2)}` });
      const events: { type: string; [k: string]: unknown }[] = [];
      let resultStage: number | null = null;
      let killed: number | null = null;
      ctx.configure({ taskDelayMs: 150 });
      ctx.events.subscribe((e) => {
        if (e.type === 'executor.heartbeat') return;
        events.push(JSON.parse(JSON.stringify(e)));
        if (e.type === 'job.submitted' && resultStage === null) resultStage = e.finalStageId;
        // The worker that starts the result stage's partition 2 dies with that task running (and with the
        // map outputs it wrote): the task is retried elsewhere and the lost outputs are recomputed.
        if (e.type === 'task.started' && e.stageId === resultStage && e.partition === 2 && killed === null) {
          killed = ctx.chaos.killExecutor(e.executorId);
        }
      });
      try {
        const f = ctx.broadcast({ k: factor });
        const seen = ctx.accumulator(0);
        const total = ctx.accumulator(0);
        const sums = ctx.parallelize(left, 6).reduceByKey((a, b) => a + b, { numPartitions: 4 });
        const parted = ctx.parallelize(right, 4).partitionBy(4);
        const joined = sums
          .join(parted)
          .mapValues(([v, w], p) => [v * p.f.value.k, w] as [number, string], { params: { f } });
        await joined.foreach(
          (r, p) => {
            p.seen.add(1);
            p.total.add(r[1][0]);
          },
          { params: { seen, total } },
        );
        const rows = await joined.collect();
        return { rows, seen: seen.value, total: total.value, events, killed };
      } finally {
        await ctx.stop();
      }
    },
    { left: LEFT, right: RIGHT, factor: FACTOR },
  );
  const expected = reference();
  expect(out.killed).not.toBeNull();
  expect(sortRows(out.rows)).toEqual(sortRows(expected));
  expect(out.rows).toHaveLength(100);
  // Exactly once per joined row, whatever was retried after the kill.
  expect(out.seen).toBe(100);
  expect(out.total).toBe(expected.reduce((n, [, [v]]) => n + v, 0));
  const first = out.events.find((e) => e.type === 'job.submitted')!;
  const lost = out.events.filter(
    (e) =>
      e.type === 'task.ended' &&
      e.outcome !== 'success' &&
      (e.reason as { kind: string } | null)?.kind === 'executorLost',
  );
  expect(lost.length).toBeGreaterThan(0);
  // The co-partitioned join adds no stage of its own: two map stages and the result stage.
  expect((first.stages as unknown[]).length).toBe(3);
  // The foreach's result stage launched more tasks than its 4 partitions: the kill caused retries, and
  // the accumulators still counted each partition once.
  const resultLaunches = out.events.filter((e) => e.type === 'task.started' && e.stageId === first.finalStageId);
  expect(resultLaunches.length).toBeGreaterThan(4);
});
