import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from './errors';
import { partitionsToScan } from './takeScan';
import type { EngineEvent } from '../protocol';
import { inProcessContext } from '../testing/inProcessContext';

const setup = inProcessContext;

/** The partitions each result stage attempt computed, job by job. */
function scannedPerJob(events: EngineEvent[]): number[][] {
  const finals = new Map<number, number>();
  for (const e of events) if (e.type === 'job.submitted') finals.set(e.jobId, e.finalStageId);
  return events.flatMap((e) =>
    e.type === 'stage.submitted' && finals.get(e.jobId) === e.stageId ? [e.partitions] : [],
  );
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe('take(n) scans incrementally, as Spark does', () => {
  it('take(1) on 50 partitions runs one task when the first partition has a row', async () => {
    const { ctx, backend, events } = setup();
    const rows = await ctx
      .parallelize(range(0, 500), 50)
      .map((x) => x * 2)
      .take(1);
    expect(rows).toEqual([0]);
    expect(backend.launched.map((t) => t.partition)).toEqual([0]);
    expect(
      events.filter((e) => e.type === 'job.submitted').map((e) => e.type === 'job.submitted' && e.description),
    ).toEqual(['take of map (rdd 1) (partition 0 of 50)']);
  });

  it('quadruples the scan after rounds that found nothing', async () => {
    const { ctx, backend, events } = setup();
    // 50 partitions of one record each; only partitions 30 and later keep theirs.
    const rows = await ctx
      .parallelize(range(0, 50), 50)
      .filter((x) => x >= 30)
      .take(3);
    expect(rows).toEqual([30, 31, 32]);
    expect(scannedPerJob(events)).toEqual([[0], range(1, 5), range(5, 25), range(25, 50)]);
    expect(backend.launched).toHaveLength(50);
  });

  it('estimates the partitions still needed from the rows found, 50% over', async () => {
    const { ctx, backend, events } = setup();
    // 20 partitions of 2 records: after 1 partition (2 rows) 5 are left: ceil(1.5 * 5 * 1 / 2) = 4 more.
    const rows = await ctx.parallelize(range(0, 40), 20).take(7);
    expect(rows).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(scannedPerJob(events)).toEqual([[0], range(1, 5)]);
    expect(backend.launched).toHaveLength(5);
  });

  it('returns every record, in partition order, when n exceeds the count', async () => {
    const { ctx, events } = setup();
    const rows = await ctx
      .parallelize(range(0, 10), 10)
      .map((x) => `r${x}`)
      .take(100);
    expect(rows).toEqual(range(0, 10).map((x) => `r${x}`));
    expect(scannedPerJob(events)).toEqual([[0], range(1, 5), range(5, 10)]);
  });

  it('after a shuffle runs the whole map stage once and as few result tasks as needed', async () => {
    const { ctx, backend, events } = setup();
    const counts = ctx
      .parallelize(['a', 'b', 'a', 'c', 'b', 'a'], 3)
      .map((w) => [w, 1] as [string, number])
      .reduceByKey((x, y) => x + y, { numPartitions: 8 });
    const all = new Map(await counts.collect());
    const before = backend.launched.length;
    const [first] = await counts.take(1);
    expect(all.get(first![0])).toBe(first![1]);
    // The map stage's output is reused; each round is one job over a few reduce partitions.
    const rounds = scannedPerJob(events).slice(1);
    expect(backend.launched.length - before).toBe(rounds.flat().length);
    expect(rounds[0]).toEqual([0]);
  });

  it('take(0) and take(-1) return [] without running a job', async () => {
    const { ctx, events } = setup();
    const rdd = ctx.parallelize([1, 2, 3], 3);
    expect(await rdd.take(0)).toEqual([]);
    expect(await rdd.take(-1)).toEqual([]);
    expect(events.filter((e) => e.type === 'job.submitted')).toEqual([]);
  });

  it('rejects a count that is not a whole number before running anything', async () => {
    const { ctx, events } = setup();
    const rdd = ctx.parallelize([1, 2, 3], 3);
    await expect(rdd.take(1.5)).rejects.toThrow(
      new InvalidArgumentError('take(n) needs a whole number of records, got 1.5: pass an integer such as 1.'),
    );
    await expect(rdd.take(NaN)).rejects.toThrow(
      'take(n) needs a whole number of records, got NaN: pass an integer such as 10.',
    );
    await expect(rdd.take(Infinity)).rejects.toThrow('got Infinity');
    await expect(rdd.take('3' as unknown as number)).rejects.toThrow('got "3" (a string)');
    await expect(rdd.take(2.5)).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(events.filter((e) => e.type === 'job.submitted')).toEqual([]);
  });
});

describe('partitionsToScan', () => {
  it("follows Spark's RDD.take: 1 first, x4 after nothing, else 1.5x the estimate capped at x4", () => {
    expect(partitionsToScan(1, 0, 0)).toBe(1);
    expect(partitionsToScan(10, 0, 1)).toBe(4);
    expect(partitionsToScan(10, 0, 5)).toBe(20);
    expect(partitionsToScan(7, 2, 1)).toBe(4); // ceil(1.5 * 5 * 1 / 2) = 4
    expect(partitionsToScan(10, 9, 10)).toBe(2); // ceil(1.5 * 1 * 10 / 9) = 2
    expect(partitionsToScan(1000, 1, 2)).toBe(8); // the estimate (2997) is capped at 2 * 4
    expect(partitionsToScan(2, 1, 100)).toBe(150);
  });
});
