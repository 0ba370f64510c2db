/** Spark's executor-loss scenarios (DAGSchedulerSuite, TaskSetManagerSuite) on the scripted backend. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { shuffleBlockId, type BlockInfo } from '../protocol';
import { flush, type Launched } from '../testing/scriptedBackend';
import { count, harness, ownerOf, twoStages, shuffleReadOf } from '../testing/schedulerHarness';

beforeEach(() => void vi.useFakeTimers());
afterEach(() => void vi.useRealTimers());

/** Map tasks report the shuffle blocks they wrote, as real executors do. */
const shuffleBlocks = (l: Launched): BlockInfo[] =>
  l.task.sink.kind === 'shuffleWrite'
    ? [...Array(l.task.sink.numReducers).keys()].map((r) => ({
        id: shuffleBlockId('app-test', 0, l.task.partition, r),
        app: 'app-test' as const,
        owner: l.executorId,
        encoding: 'records' as const,
        bytes: 1,
        records: 1,
        checksum: 0,
      }))
    : [];

describe('executor loss', () => {
  it('shuffle files lost when executor failure without shuffle service', async () => {
    const h = harness(2);
    const job = twoStages(h.ctx).count();
    await h.complete(0, 0, undefined, shuffleBlocks);
    h.backend.loseExecutor(1, 'killed', 'killed by the user', true);
    await h.settle();
    expect(h.of('blocks.removed').map((e) => e.explanation)).toEqual([
      '2 blocks of worker 1 died with it (killed by the user).',
    ]);
    expect(
      h.ctx
        .blocks()
        .map((b) => b.id)
        .sort(),
    ).toEqual([shuffleBlockId('app-test', 0, 1, 0), shuffleBlockId('app-test', 0, 1, 1)]);
    // The reducer that ran on worker 1 is retried elsewhere; its read of map 0 fails; map 0 reruns.
    const retry = h.backend.find(1, 0);
    expect(retry.task.attempt).toBe(1);
    h.backend.fetchFailed(retry, 0, 0, ownerOf(retry, 0));
    await h.complete(1, 0);
    await h.complete(0, 1);
    await h.complete(1, 1);
    expect(h.submitted()).toEqual(['0.0[0,1]', '1.0[0,1]', '0.1[0]', '1.1[0]']);
    await expect(job).resolves.toBe(2);
  });

  it('a worker killed from a task.ended listener loses the blocks of the task that just ended', async () => {
    const h = harness(2);
    const job = twoStages(h.ctx).count();
    // The kill lands inside the success event of map 0 on worker 1 (announced by the task scheduler),
    // before the DAG scheduler handles that result: the loss is handled first, whole, and the result
    // then finds its worker removed.
    const off = h.ctx.events.subscribe((e) => {
      if (e.type === 'task.ended' && e.executorId === 1 && e.outcome === 'success') {
        off();
        h.backend.loseExecutor(1, 'killed', 'killed by the user', true);
      }
    });
    await h.complete(0, 0, undefined, shuffleBlocks);
    expect(h.of('blocks.removed').map((e) => e.explanation)).toEqual([
      '2 blocks written by worker 1 after it was removed died with it.',
    ]);
    expect(h.ctx.blocks().every((b) => b.owner !== 1)).toBe(true);
    await h.complete(0, 1, undefined, shuffleBlocks);
    await h.complete(1, 0);
    expect(h.submitted()).toEqual(['0.0[0,1]', '0.1[0]', '1.0[0,1]']);
    await expect(job).resolves.toBe(2);
  });

  it('shuffle files not lost when executor failure with shuffle service', async () => {
    const h = harness(2);
    h.ctx.configure({ shuffleService: true });
    const job = twoStages(h.ctx).count();
    await h.complete(0, 0, undefined, shuffleBlocks);
    h.backend.loseExecutor(1, 'killed', 'killed by the user', true);
    await h.settle();
    expect(h.of('blocks.removed')).toEqual([]);
    expect(h.ctx.blocks()).toHaveLength(4);
    // The retried reducer reads every map output where it was: no map stage reruns.
    const retry = h.backend.find(1, 0);
    expect(shuffleReadOf(retry).maps).toEqual([
      { map: 0, owner: 1 },
      { map: 1, owner: 2 },
    ]);
    await h.complete(1, 0);
    expect(h.submitted()).toEqual(['0.0[0,1]', '1.0[0,1]']);
    await expect(job).resolves.toBe(2);
  });

  it('SPARK-32003: All shuffle files for executor should be cleaned up on fetch failure', async () => {
    const h = harness(2);
    h.ctx.configure({ shuffleService: true });
    const job = twoStages(h.ctx, 3, 2).count();
    await h.settle();
    // Maps 0 and 2 run on worker 1, map 1 on worker 2.
    h.backend.succeed(h.backend.find(0, 0));
    await h.settle();
    h.backend.succeed(h.backend.find(0, 2));
    h.backend.succeed(h.backend.find(0, 1));
    await h.settle();
    expect(shuffleReadOf(h.backend.find(1, 0)).maps.map((m) => m.owner)).toEqual([1, 2, 1]);
    // Worker 1 dies; the shuffle service keeps its outputs registered.
    h.backend.loseExecutor(1, 'killed', 'killed by the user', true);
    await h.settle();
    expect(shuffleReadOf(h.backend.find(1, 0)).maps.map((m) => m.owner)).toEqual([1, 2, 1]);
    const lostLogs = () => h.of('log').filter((e) => e.message.startsWith('Shuffle output of stage 0'));
    expect(lostLogs()).toEqual([]);
    // A fetch failure of map 0 from worker 1 unregisters every output of worker 1 (maps 0 and 2) …
    const [r0, r1] = [h.backend.find(1, 0), h.backend.find(1, 1)];
    h.backend.fetchFailed(r1, 0, 0, 1);
    await flush();
    expect(lostLogs().map((e) => e.message)).toEqual([
      "Shuffle output of stage 0 for 2 partitions (0, 2) on worker 1 is no longer trusted: one of its shuffle blocks could not be read, so all of that worker's outputs are recomputed.",
    ]);
    // … and a second one in the same epoch removes nothing more.
    h.backend.fetchFailed(r0, 0, 2, 1);
    await h.settle();
    expect(lostLogs()).toHaveLength(1);
    expect(h.submitted()).toEqual(['0.0[0,1,2]', '1.0[0,1]', '0.1[0,2]']);
    expect(h.explanation(0, 1)).toBe(
      'Stage 0 resubmitted for partitions 0, 2: their shuffle output on worker 1 could not be read.',
    );
    await h.complete(0, 1);
    await h.complete(1, 1);
    await expect(job).resolves.toBe(2);
  });

  it('ignore late map task completions', async () => {
    const h = harness(3);
    const job = twoStages(h.ctx).count();
    await h.settle();
    const [m0, m1] = [h.backend.find(0, 0), h.backend.find(0, 1)];
    expect(m0.executorId).toBe(1);
    // Worker 1 is declared lost while its result is already on the way.
    h.backend.loseExecutor(1, 'heartbeatTimeout', 'no heartbeat for 2000 ms', false, true);
    h.backend.succeed(m0); // launched before the loss: ignored as possibly bogus
    h.backend.succeed(m1);
    await h.settle();
    expect(h.submitted()).toEqual(['0.0[0,1]', '0.1[0]']);
    expect(h.explanation(0, 1)).toBe(
      'Stage 0 resubmitted for partitions 0: their output came from worker 1 after it was declared lost, so it was not trusted.',
    );
    await h.complete(0, 1);
    const r0 = h.backend.find(1, 0);
    expect(
      shuffleReadOf(r0)
        .maps.map((m) => m.owner)
        .includes(1),
    ).toBe(false);
    await h.complete(1, 0, (l) => count(42 + l.task.partition));
    await expect(job).resolves.toBe(85);
  });

  it('register map outputs correctly after ExecutorLost and task Resubmitted', async () => {
    const h = harness(2);
    const job = twoStages(h.ctx, 3, 1).count();
    await h.settle();
    h.backend.succeed(h.backend.find(0, 0)); // worker 1
    await h.settle();
    h.backend.succeed(h.backend.find(0, 2)); // worker 1 again
    await h.settle();
    // Worker 1 dies with two finished map outputs while map 1 still runs on worker 2.
    h.backend.loseExecutor(1, 'killed', 'killed by the user', true);
    await h.settle();
    // Both are resubmitted within the running attempt (Spark's Resubmitted), not as a new attempt.
    expect(
      h
        .started(0, 0)
        .filter((e) => e.attempt === 1)
        .map((e) => e.partition),
    ).toEqual([0]);
    await h.complete(0, 0);
    expect(
      h
        .started(0, 0)
        .filter((e) => e.attempt === 1)
        .map((e) => e.partition)
        .sort(),
    ).toEqual([0, 2]);
    expect(h.submitted()).toEqual(['0.0[0,1,2]', '1.0[0]']);
    const maps = shuffleReadOf(h.backend.find(1, 0)).maps;
    expect(maps.map((m) => m.map)).toEqual([0, 1, 2]);
    expect(maps.every((m) => m.owner !== null && m.owner !== 1)).toBe(true);
    await h.complete(1, 0);
    await expect(job).resolves.toBe(1);
  });

  it('Executors exit for reason unrelated to currently running tasks', async () => {
    const h = harness(1);
    const job = h.ctx
      .parallelize([1, 2, 3], 1)
      .map((x: number) => x * 2)
      .count();
    job.catch(() => undefined);
    // Five workers in a row are killed by the user under the same task: none of it is the task's fault.
    for (let i = 0; i < 5; i++) {
      await h.settle();
      const l = h.backend.find(0, 0);
      h.backend.loseExecutor(l.executorId, 'killed', 'killed by the user', true);
    }
    await h.settle();
    expect(h.of('job.failed')).toEqual([]);
    const ended = h.of('task.ended');
    expect(ended).toHaveLength(5);
    expect(ended[0]!.explanation).toBe(
      'Task 0 of stage 0.0 failed on worker 1 (ExecutorLost(worker 1): killed by the user); retrying as attempt 1; this failure does not count against the task.',
    );
    h.backend.succeed(h.backend.find(0, 0), count(3));
    await expect(job).resolves.toBe(3);
  });

  it('executor lost by heartbeat timeout counts towards task failures (ExecutorLostFailure caused by the app)', async () => {
    const h = harness(1);
    const job = h.ctx
      .parallelize([1, 2, 3], 1)
      .map((x: number) => x * 2)
      .count();
    job.catch(() => undefined);
    for (let i = 0; i < 4; i++) {
      await h.settle();
      const l = h.backend.find(0, 0);
      h.backend.loseExecutor(l.executorId, 'heartbeatTimeout', 'no heartbeat for 2000 ms', true);
    }
    await expect(job).rejects.toThrow(
      'Job aborted due to stage failure: Task 0 in stage 0.0 failed 4 times; most recent failure: ExecutorLost(worker 4): no heartbeat for 2000 ms',
    );
    expect(h.of('task.ended').map((e) => e.explanation)).toEqual([
      'Task 0 of stage 0.0 failed on worker 1 (ExecutorLost(worker 1): no heartbeat for 2000 ms); retrying as attempt 1 (failure 1 of 4 allowed).',
      'Task 0 of stage 0.0 failed on worker 2 (ExecutorLost(worker 2): no heartbeat for 2000 ms); retrying as attempt 2 (failure 2 of 4 allowed).',
      'Task 0 of stage 0.0 failed on worker 3 (ExecutorLost(worker 3): no heartbeat for 2000 ms); retrying as attempt 3 (failure 3 of 4 allowed).',
      'Task 0 of stage 0.0 failed 4 times; the stage is aborted.',
    ]);
  });
});
