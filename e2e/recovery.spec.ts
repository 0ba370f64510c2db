import { test, expect } from './fixtures';
import { brownFiles, referenceCounts } from './corpus';
import type { Page } from '@playwright/test';

// Three files of 40 corpus texts each, so that 12 input splits mean 12 map tasks.
const corpus = brownFiles(120);
const files = [0, 1, 2].map((i) => ({
  name: `brown-${i}.txt`,
  text: corpus
    .slice(i * 40, i * 40 + 40)
    .map((f) => f.text)
    .join('\n'),
}));
const expected = referenceCounts(files);

type Fault = 'killMidMap' | 'clearAfterMap' | 'silent' | 'hung' | 'none';

interface Outcome {
  rows: [string, number][];
  events: { type: string; [k: string]: unknown }[];
  faultAt: number;
}

/**
 * Runs a slowed-down word count (so the fault lands mid-job) with 2 workers and injects one fault,
 * timed by the engine's own events. Returns the result and every event.
 */
async function runWithFault(page: Page, fault: Fault): Promise<Outcome> {
  return page.evaluate(
    async ({ files, fault }) => {
      const { createContext } = window.emberflow;
      const ctx = createContext({ workers: 2, name: `recovery-${fault}-${Math.random().toString(36).slice(2)}` });
      const events: { type: string; [k: string]: unknown }[] = [];
      let faultAt = -1;
      let mapTasksDone = 0;
      ctx.configure({ taskDelayMs: 150 });
      ctx.events.subscribe((e) => {
        if (e.type === 'executor.heartbeat') return;
        events.push(JSON.parse(JSON.stringify(e)));
        if (faultAt >= 0) return;
        if (
          fault === 'killMidMap' &&
          e.type === 'task.ended' &&
          e.stageId === 0 &&
          e.outcome === 'success' &&
          ++mapTasksDone === 3
        ) {
          faultAt = e.time;
          ctx.chaos.killExecutor(1);
        }
        if (fault === 'clearAfterMap' && e.type === 'stage.completed' && e.stageId === 0) {
          faultAt = e.time;
          void ctx.chaos.clearBlocks({ executor: 1 });
        }
        if (
          (fault === 'silent' || fault === 'hung') &&
          e.type === 'task.started' &&
          e.stageId === 0 &&
          e.executorId === 1 &&
          e.partition >= 2
        ) {
          faultAt = e.time;
          if (fault === 'silent') ctx.chaos.silenceExecutor(1);
          else ctx.chaos.hangExecutor(1);
        }
      });
      try {
        const inputs = await ctx.inputs.add(files.map((f) => new File([f.text], f.name)));
        const rows = await ctx
          .wordCount({ inputs, tokenizer: 'words', inputSplits: 12, shufflePartitions: 4 })
          .collect();
        return { rows, events, faultAt };
      } finally {
        await ctx.stop();
      }
    },
    { files, fault },
  );
}

type Ev = Outcome['events'][number];
const of = (events: Ev[], type: string) => events.filter((e) => e.type === type);
const submitted = (events: Ev[]) => of(events, 'stage.submitted').map((e) => `${e.stageId}.${e.attempt}`);

/**
 * Tasks lost: attempts that failed because their worker died or their input vanished, plus finished map
 * tasks whose output died afterwards. Tasks recomputed: launches beyond the first of each
 * (stage, partition). Exact recovery means the two are equal.
 */
function lostAndRecomputed(events: Ev[]) {
  const started = of(events, 'task.started');
  const distinct = new Set(started.map((e) => `${e.stageId}/${e.partition}`));
  const recomputed = started.length - distinct.size;
  const failed = of(events, 'task.ended').filter((e) => e.outcome !== 'success');
  // Outputs lost after success: partitions whose first launch succeeded yet were launched again.
  const firstOutcome = new Map<string, string>();
  for (const e of of(events, 'task.ended')) {
    const key = `${e.stageId}/${e.partition}`;
    if (!firstOutcome.has(key)) firstOutcome.set(key, e.outcome as string);
  }
  const relaunched = new Map<string, number>();
  for (const e of started)
    relaunched.set(`${e.stageId}/${e.partition}`, (relaunched.get(`${e.stageId}/${e.partition}`) ?? 0) + 1);
  const succeededThenLost = [...relaunched].filter(([key, n]) => n > 1 && firstOutcome.get(key) === 'success').length;
  return { lost: failed.length + succeededThenLost, recomputed };
}

test.describe('fault recovery in a real browser', () => {
  test('killing a worker mid map stage recomputes exactly what was lost', async ({ harness }) => {
    const out = await runWithFault(harness, 'killMidMap');
    expect(out.faultAt).toBeGreaterThanOrEqual(0);
    expect(out.rows).toEqual(expected);
    const removed = of(out.events, 'executor.removed');
    expect(removed.map((e) => e.reason)).toEqual(['Worker 1 lost: killed by the user.']);
    const added = of(out.events, 'executor.added').map((e) => e.reason);
    expect(added).toContain('replaces worker 1 (killed by the user)');
    const { lost, recomputed } = lostAndRecomputed(out.events);
    expect(lost).toBeGreaterThan(0);
    expect(recomputed).toBe(lost);
    // A user's kill is not the task's fault: no task attempt counted towards maxTaskFailures.
    expect(out.events.some((e) => e.type === 'job.failed')).toBe(false);
  });

  test("clearing a worker's shuffle blocks after the map stage: FetchFailed, only its partitions rerun, attempt 1 succeeds", async ({
    harness,
  }) => {
    const out = await runWithFault(harness, 'clearAfterMap');
    expect(out.rows).toEqual(expected);
    // Map partitions whose output worker 1 wrote in stage 0 attempt 0.
    const onWorker1 = of(out.events, 'task.ended')
      .filter((e) => e.stageId === 0 && e.stageAttempt === 0 && e.outcome === 'success' && e.executorId === 1)
      .map((e) => e.partition as number)
      .sort((a, b) => a - b);
    expect(onWorker1.length).toBeGreaterThan(0);
    const failedStage = of(out.events, 'stage.failed')[0]!;
    expect(failedStage.attempt).toBe(0);
    expect(String(failedStage.reason)).toMatch(/^FetchFailed\(shuffle 0, map \d+, reduce \d+, worker 1\)/);
    const rerun = of(out.events, 'stage.submitted').find((e) => e.stageId === 0 && e.attempt === 1)!;
    expect(rerun.partitions).toEqual(onWorker1);
    expect(rerun.explanation).toBe(
      `Stage 0 resubmitted for partitions ${onWorker1.join(', ')}: their shuffle output on worker 1 could not be read.`,
    );
    expect(submitted(out.events)).toContain(`${failedStage.stageId}.1`);
    const { lost, recomputed } = lostAndRecomputed(out.events);
    expect(recomputed).toBe(lost);
  });

  for (const fault of ['silent', 'hung'] as const) {
    test(`a ${fault} worker is detected by missing heartbeats within the timeout`, async ({ harness }) => {
      const out = await runWithFault(harness, fault);
      expect(out.rows).toEqual(expected);
      const removed = of(out.events, 'executor.removed');
      expect(removed).toHaveLength(1);
      expect(String(removed[0]!.reason)).toMatch(/^Worker 1 lost: no heartbeat for \d+ ms \(timeout 2000 ms\)\.$/);
      const detectedAfter = (removed[0]!.time as number) - out.faultAt;
      expect(detectedAfter).toBeGreaterThan(2000 - 300);
      expect(detectedAfter).toBeLessThan(2000 + 2 * 250 + 300);
      const { lost, recomputed } = lostAndRecomputed(out.events);
      expect(recomputed).toBe(lost);
    });
  }

  test('a cached RDD cleared between two actions is recomputed from lineage', async ({ harness }) => {
    const out = await harness.evaluate(async (files) => {
      const ctx = window.emberflow.createContext({ workers: 2, name: `cache-${Math.random().toString(36).slice(2)}` });
      let started = 0;
      ctx.events.subscribe((e) => {
        if (e.type === 'task.started') started++;
      });
      try {
        const inputs = await ctx.inputs.add(files.map((f) => new File([f.text], f.name)));
        const tokens = ctx.textFile(inputs, { minPartitions: 6 }).tokenize('words').persist('disk');
        const first = await tokens.count();
        const tasksFirst = started;
        const cleared = await ctx.chaos.clearBlocks({ rdd: tokens.id });
        const second = await tokens.count();
        const tasksSecond = started - tasksFirst;
        const third = await tokens.count();
        return {
          first,
          second,
          third,
          cleared: cleared.length,
          tasksFirst,
          tasksSecond,
          tasksThird: started - tasksFirst - tasksSecond,
          partitions: tokens.numPartitions,
          cachedAfter: ctx.blocks().filter((b) => b.id.startsWith(window.emberflow.rddPrefix(ctx.app, tokens.id)))
            .length,
        };
      } finally {
        await ctx.stop();
      }
    }, files);
    const total = expected.reduce((n, [, c]) => n + c, 0);
    expect([out.first, out.second, out.third]).toEqual([total, total, total]);
    expect(out.cleared).toBe(out.partitions);
    expect(out.tasksFirst).toBe(out.partitions);
    expect(out.tasksSecond).toBe(out.partitions);
    expect(out.cachedAfter).toBe(out.partitions);
  });
});

test('unpersisting a memory-cached RDD while a holder is silent ends once that worker is declared lost', async ({
  harness,
}) => {
  const out = await harness.evaluate(async () => {
    const ctx = window.emberflow.createContext({
      workers: 2,
      name: `silent-unpersist-${Math.random().toString(36).slice(2)}`,
    });
    try {
      const cached = ctx
        .parallelize(
          Array.from({ length: 400 }, (_, i) => i),
          4,
        )
        .map((x: number) => x + 1)
        .persist('memory');
      const count = await cached.count();
      const holders = [...new Set(ctx.blocks().map((b) => b.owner))];
      // The worker closes itself without a word: only the heartbeat receiver can tell it is gone.
      ctx.chaos.silenceExecutor(holders[0]!);
      const removed = new Promise<number>((resolve) =>
        ctx.events.subscribe((e) => {
          if (e.type === 'executor.removed') resolve(performance.now());
        }),
      );
      await cached.unpersist();
      const unpersistedAt = performance.now();
      return {
        count,
        holders: holders.length,
        afterRemovalMs: unpersistedAt - (await removed),
        blocksLeft: ctx.blocks().length,
      };
    } finally {
      await ctx.stop();
    }
  });
  expect(out.count).toBe(400);
  expect(out.holders).toBeGreaterThan(0);
  // It waits for the heartbeat timeout (2 s), then ends with the worker: it does not hang.
  expect(out.afterRemovalMs).toBeGreaterThanOrEqual(0);
  expect(out.blocksLeft).toBe(0);
});

test('a checkpoint deleted from IndexedDB fails the next action at once, saying the checkpoint was lost', async ({
  harness,
}) => {
  const out = await harness.evaluate(async () => {
    const name = `checkpoint-${Math.random().toString(36).slice(2)}`;
    const ctx = window.emberflow.createContext({ workers: 2, name });
    const ended: {
      stageId: number;
      stageAttempt: number;
      partition: number;
      outcome: string;
      reason: { kind: string } | null;
      explanation: string | null;
    }[] = [];
    ctx.events.subscribe((e) => {
      if (e.type === 'task.ended')
        ended.push({
          stageId: e.stageId,
          stageAttempt: e.stageAttempt,
          partition: e.partition,
          outcome: e.outcome,
          reason: e.reason,
          explanation: e.explanation,
        });
    });
    try {
      const doubled = ctx.parallelize([1, 2, 3, 4, 5, 6], 2).map((x: number) => x * 2);
      await doubled.checkpoint();
      const before = await doubled.collect();
      const lostId = ctx
        .blocks()
        .map((b) => b.id)
        .find((id) => {
          const p = window.emberflow.parseBlockId(id);
          return p?.kind === 'checkpoint' && p.rdd === doubled.id && p.partition === 1;
        })!;
      const { openEngineDb, engineDbName } = window.emberflowInternals.storage;
      const db = await openEngineDb(engineDbName(name));
      await db.delete('blocks', lostId);
      db.close();
      const endedBefore = ended.length;
      let error = 'no error';
      try {
        await doubled.collect();
      } catch (e) {
        error = (e as Error).message;
      }
      return { before, error, lostId, rddId: doubled.id, app: ctx.app, ended: ended.slice(endedBefore) };
    } finally {
      await ctx.stop();
    }
  });
  expect(out.before).toEqual([2, 4, 6, 8, 10, 12]);
  expect(out.lostId).toBe(`checkpoint/${out.app}/${out.rddId}/1`);
  expect(out.error).toBe(
    `Job aborted due to stage failure: Task 1 in stage ${out.ended[0]!.stageId}.0 failed and cannot be retried: ` +
      `The checkpoint of rdd ${out.rddId} partition 1 (${out.lostId}) was lost; it cannot be recomputed because checkpointing truncated its lineage. Run the job that checkpoints it again.`,
  );
  // Partition 1 ran once: retrying cannot bring a checkpoint back.
  const failed = out.ended.filter((e) => e.partition === 1);
  expect(failed).toEqual([
    {
      stageId: out.ended[0]!.stageId,
      stageAttempt: 0,
      partition: 1,
      outcome: 'failed',
      reason: expect.objectContaining({ kind: 'checkpointLost', rddId: out.rddId, partition: 1, blockId: out.lostId }),
      explanation: `Task 1 of stage ${out.ended[0]!.stageId}.0 could not read the checkpoint of partition 1 of rdd ${out.rddId}, which was lost; retrying cannot help, so the stage is aborted.`,
    },
  ]);
});

test('a Math.random() map is detected as non-deterministic when recomputed, and rolled back in full', async ({
  harness,
}) => {
  const out = await harness.evaluate(async () => {
    const ctx = window.emberflow.createContext({ workers: 2, name: `random-${Math.random().toString(36).slice(2)}` });
    const events: { type: string; [k: string]: unknown }[] = [];
    ctx.configure({ taskDelayMs: 300 });
    let cleared = false;
    ctx.events.subscribe((e) => {
      if (e.type === 'executor.heartbeat') return;
      events.push(JSON.parse(JSON.stringify(e)));
      // The reducer sleeps 300 ms before it reads: clear worker 1's map outputs now.
      if (!cleared && e.type === 'stage.completed' && e.stageId === 0) {
        cleared = true;
        void ctx.chaos.clearBlocks({ executor: 1 });
      }
    });
    try {
      const rows = await ctx
        .parallelize([...Array(400).keys()], 4)
        .map((x) => [x % 5, Math.random()] as [number, number])
        .groupByKey(1)
        .map(([k, values]) => [k, values.length] as [number, number])
        .collect();
      return { rows, events };
    } finally {
      await ctx.stop();
    }
  });
  // The per-key counts do not depend on the random values: the answer is still exact.
  expect([...out.rows].sort((a, b) => a[0] - b[0])).toEqual([
    [0, 80],
    [1, 80],
    [2, 80],
    [3, 80],
    [4, 80],
  ]);
  const warning = out.events.find(
    (e) => e.type === 'log' && String(e.message).includes('produced different output when recomputed'),
  );
  expect(String(warning?.message)).toMatch(
    /^map \(rdd 1\) in stage 0 produced different output when recomputed \(partition \d checksum changed\): it is non-deterministic/,
  );
  const rolledBack = out.events.filter((e) => e.type === 'stage.submitted' && e.stageId === 0).at(-1)!;
  expect(rolledBack.partitions).toEqual([0, 1, 2, 3]);
  expect(String(rolledBack.explanation)).toMatch(
    /^Stage 0 resubmitted for all 4 partitions: partition \d of map \(rdd 1\) produced different output when recomputed/,
  );
  expect(out.events.some((e) => e.type === 'job.failed')).toBe(false);
});
