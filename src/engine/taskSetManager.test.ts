/**
 * The task set's decisions, driven directly without a scheduler (Spark's TaskSetManagerSuite): what a
 * success or failure of one task attempt means, and what the set then launches.
 */
import { describe, expect, it } from 'vitest';
import type { ExecutorId, TaskFailureReason } from '../protocol';
import { rddBlockId } from '../protocol';
import { TaskSetManager, type Offer, type RunningTask, type TaskSpec } from './taskSetManager';

const MAX_FAILURES = 4;

/** A task set of one stage attempt over `partitions`, with nothing cached. */
function taskSet(partitions: number[], options: { stageAttempt?: number; tasks?: TaskSpec[] } = {}) {
  const tasks =
    options.tasks ??
    partitions.map((partition) => ({
      partition,
      plan: { kind: 'parallel' as const, rddId: 0, records: [] },
      cached: null,
    }));
  return new TaskSetManager(
    {
      jobId: 0,
      stageId: 0,
      stageAttempt: options.stageAttempt ?? 0,
      functions: [],
      sink: { kind: 'result', action: { kind: 'count' } },
      tasks,
    },
    { now: 0, maxTaskFailures: MAX_FAILURES },
  );
}

function offer(executorId: ExecutorId, now = 0, holders: (blockId: string) => ExecutorId[] = () => []): Offer {
  return { executorId, free: new Set([executorId]), now, localityWaitMs: 3000, holders };
}

let nextTaskId = 0;

/** Offers one executor and launches what the set picks there; null if it picks nothing. */
function launch(tsm: TaskSetManager, executorId: ExecutorId, now = 0): RunningTask | null {
  const pick = tsm.next(offer(executorId, now), false);
  if (!pick) return null;
  return tsm.start(pick.index, {
    taskId: nextTaskId++,
    executorId,
    epoch: 0,
    now,
    speculative: false,
    locality: pick.locality,
    holders: [],
  });
}

function speculativeCopy(tsm: TaskSetManager, of: RunningTask, executorId: ExecutorId, now: number): RunningTask {
  return tsm.start(of.index, {
    taskId: nextTaskId++,
    executorId,
    epoch: 0,
    now,
    speculative: true,
    locality: 'noPref',
    holders: [],
  });
}

const boom = (n: number): TaskFailureReason => ({ kind: 'exception', operator: 'map (rdd 1)', message: `boom ${n}` });

describe('TaskSetManager decisions', () => {
  it('TaskSet with no preferences: each index launches once and the first success completes it', () => {
    const tsm = taskSet([0, 1]);
    const a = launch(tsm, 1)!;
    const b = launch(tsm, 2)!;
    expect([a.index, a.attempt, a.locality, b.index, b.attempt]).toEqual([0, 0, 'noPref', 1, 0]);
    expect(launch(tsm, 3)).toBeNull();
    expect(tsm.handleSuccess(a, 10)).toEqual({ kind: 'complete', completesOtherAttempts: true });
    expect(tsm.finished).toBe(false);
    expect(tsm.handleSuccess(b, 10)).toEqual({ kind: 'complete', completesOtherAttempts: true });
    expect(tsm.finished).toBe(true);
    expect(tsm.done).toBe(true);
  });

  it('repeated failures lead to task set abortion', () => {
    const tsm = taskSet([0]);
    for (let n = 1; n < MAX_FAILURES; n++) {
      const t = launch(tsm, 1)!;
      expect(t.attempt).toBe(n - 1);
      expect(tsm.handleFailure(t, boom(n))).toEqual({
        kind: 'retry',
        failures: n,
        counted: true,
        maxFailures: MAX_FAILURES,
      });
    }
    const last = launch(tsm, 1)!;
    expect(tsm.handleFailure(last, boom(MAX_FAILURES))).toEqual({
      kind: 'abort',
      why: 'tooManyFailures',
      failures: 4,
      message: 'Task 0 in stage 0.0 failed 4 times; most recent failure: map (rdd 1) threw: boom 4',
    });
    expect(tsm.zombie).toBe(true);
    expect(tsm.done).toBe(true);
    expect(launch(tsm, 1)).toBeNull();
  });

  it('a failure retrying cannot fix aborts at once, naming the cause', () => {
    const hopeless: TaskFailureReason[] = [
      {
        kind: 'notSerializable',
        operator: 'map (rdd 1)',
        message: 'Record produced by map (rdd 1) cannot be sent between workers: it contains a function.',
      },
      { kind: 'inputUnreadable', fileName: 'gone.txt', message: "The input file 'gone.txt' was deleted." },
      {
        kind: 'storage',
        store: 'blocks',
        bytes: 3,
        message: "IndexedDB refused to store 3 B in 'blocks' (quota exceeded).",
      },
      {
        kind: 'checkpointLost',
        rddId: 3,
        partition: 0,
        blockId: 'checkpoint/app-a/3/0',
        message: 'The checkpoint of rdd 3 partition 0 was lost.',
      },
    ];
    for (const reason of hopeless) {
      const tsm = taskSet([0]);
      const decision = tsm.handleFailure(launch(tsm, 1)!, reason);
      expect(decision).toEqual({
        kind: 'abort',
        why: 'cannotRetry',
        failures: 1,
        message: `Task 0 in stage 0.0 failed and cannot be retried: ${reason.message}`,
      });
      expect(tsm.zombie).toBe(true);
    }
  });

  it('executors that can not run tasks: a kill by the user does not count, a silent worker does', () => {
    const tsm = taskSet([0]);
    const lost = (cause: 'killed' | 'heartbeatTimeout'): TaskFailureReason => ({
      kind: 'executorLost',
      executorId: 1,
      cause,
      message: cause,
    });
    expect(tsm.handleFailure(launch(tsm, 1)!, lost('killed'))).toEqual({
      kind: 'retry',
      failures: 0,
      counted: false,
      maxFailures: 4,
    });
    expect(tsm.handleFailure(launch(tsm, 2)!, lost('heartbeatTimeout'))).toEqual({
      kind: 'retry',
      failures: 1,
      counted: true,
      maxFailures: 4,
    });
    expect(launch(tsm, 2)!.attempt).toBe(2);
  });

  it("fetch failures are the DAG scheduler's to handle: not counted, not retried here", () => {
    const tsm = taskSet([0, 1]);
    const t = launch(tsm, 1)!;
    const reason: TaskFailureReason = {
      kind: 'fetchFailed',
      shuffleId: 0,
      mapPartition: 1,
      reducePartition: 0,
      owner: 2,
      message: 'missing',
    };
    expect(tsm.handleFailure(t, reason)).toEqual({ kind: 'fetchFailed', reason });
    expect(tsm.zombie).toBe(false);
    // Index 0 is not pending again: only index 1 is left to launch.
    expect(launch(tsm, 1)!.index).toBe(1);
    expect(launch(tsm, 2)).toBeNull();
  });

  it('Killing speculative tasks does not count towards aborting the taskset', () => {
    const tsm = taskSet([0]);
    let t: RunningTask | null = null;
    for (let n = 1; n < MAX_FAILURES; n++) {
      t = launch(tsm, 1)!;
      tsm.handleFailure(t, boom(n));
    }
    const straggler = launch(tsm, 1)!;
    const copy = speculativeCopy(tsm, straggler, 2, 500);
    expect(copy.attempt).toBe(4);
    expect(tsm.runningCopies(0).map((r) => r.taskId)).toEqual([straggler.taskId, copy.taskId]);
    expect(tsm.handleSuccess(copy, 10)).toEqual({ kind: 'complete', completesOtherAttempts: true });
    // The scheduler kills the other copies it is left with; the kill is not the fourth failure.
    expect(tsm.runningCopies(0).map((r) => r.taskId)).toEqual([straggler.taskId]);
    expect(tsm.handleFailure(straggler, { kind: 'killed', message: 'attempt 4 finished first' })).toEqual({
      kind: 'ignore',
      why: 'killed',
    });
    expect(tsm.zombie).toBe(false);
    expect(tsm.done).toBe(true);
  });

  it('a copy that succeeds or fails after another copy succeeded changes nothing', () => {
    const tsm = taskSet([0]);
    const first = launch(tsm, 1)!;
    const second = speculativeCopy(tsm, first, 2, 0);
    const third = speculativeCopy(tsm, first, 3, 0);
    expect(tsm.handleSuccess(second, 10).kind).toBe('complete');
    expect(tsm.handleSuccess(first, 10)).toEqual({ kind: 'discard' });
    expect(tsm.handleFailure(third, boom(1))).toEqual({ kind: 'ignore', why: 'otherCopySucceeded' });
    expect(tsm.finished).toBe(true);
    expect(launch(tsm, 1)).toBeNull();
  });

  it('a zombie retries nothing, and is done only once its running tasks reported', () => {
    const tsm = taskSet([0, 1, 2]);
    const a = launch(tsm, 1)!;
    const b = launch(tsm, 2)!;
    tsm.markZombie();
    expect(launch(tsm, 3)).toBeNull();
    expect(tsm.handleFailure(a, boom(1))).toEqual({ kind: 'ignore', why: 'zombie' });
    expect(tsm.done).toBe(false);
    // A zombie's success still counts (Spark: late results of an abandoned attempt may register).
    expect(tsm.handleSuccess(b, 10)).toEqual({ kind: 'complete', completesOtherAttempts: true });
    expect(tsm.done).toBe(true);
    expect(tsm.localityDeadline({ holders: () => [1], localityWaitMs: 3000 })).toBeNull();
  });

  it('Completions in zombie tasksets update status of non-zombie taskset; a rolled-back attempt completes nothing elsewhere', () => {
    const newer = taskSet([0, 1], { stageAttempt: 1 });
    expect(newer.markPartitionCompleted(1)).toBe(true);
    expect(newer.markPartitionCompleted(1)).toBe(false);
    expect(newer.markPartitionCompleted(7)).toBe(false);
    expect(launch(newer, 1)!.index).toBe(0);
    expect(launch(newer, 2)).toBeNull();

    const stale = taskSet([0]);
    const t = launch(stale, 1)!;
    stale.markStale();
    expect(stale.handleSuccess(t, 10)).toEqual({ kind: 'complete', completesOtherAttempts: false });
  });

  it('a resubmitted index (its map output lost) launches again as the next attempt, once', () => {
    const tsm = taskSet([0, 1]);
    const a = launch(tsm, 1)!;
    tsm.handleSuccess(a, 10);
    tsm.resubmit(a.index);
    expect(tsm.hasSucceeded(0)).toBe(false);
    tsm.resubmit(a.index);
    // It queues behind the indexes still pending.
    expect(launch(tsm, 2)!.index).toBe(1);
    const again = launch(tsm, 1)!;
    expect([again.index, again.attempt]).toEqual([0, 1]);
    expect(launch(tsm, 3)).toBeNull();
  });

  it('speculation: after the quantile finished, a task running over multiplier x median with no copy gets one', () => {
    const tsm = taskSet([0, 1, 2, 3]);
    const settings = { multiplier: 1.5, quantile: 0.75 };
    const [a, b, c, d] = [1, 2, 3, 4].map((e) => launch(tsm, e)!) as [
      RunningTask,
      RunningTask,
      RunningTask,
      RunningTask,
    ];
    tsm.handleSuccess(a, 200);
    tsm.handleSuccess(b, 300);
    // Two of four finished: below the 0.75 quantile, nothing is speculated however long it runs.
    expect(tsm.speculatable(10_000, settings)).toEqual([]);
    tsm.handleSuccess(c, 400);
    // Median 300 ms, threshold 450 ms.
    expect(tsm.speculatable(450, settings)).toEqual([]);
    expect(tsm.speculatable(451, settings)).toEqual([{ task: d, medianMs: 300 }]);
    speculativeCopy(tsm, d, 1, 451);
    expect(tsm.speculatable(2000, settings)).toEqual([]);
  });

  it('delay scheduling: a memory-cached partition waits for its busy holder until the locality wait expires', () => {
    const blockId = rddBlockId('app-a', 1, 0);
    const tsm = taskSet([0], {
      tasks: [
        {
          partition: 0,
          plan: { kind: 'parallel', rddId: 1, records: [] },
          cached: { blockId, rddId: 1, partition: 0, level: 'memory' },
        },
      ],
    });
    const heldBy1 = () => [1];
    expect(tsm.next(offer(2, 0, heldBy1), false)).toBeNull();
    expect(tsm.localityDeadline({ holders: heldBy1, localityWaitMs: 3000 })).toBe(3000);
    expect(tsm.next(offer(2, 2999, heldBy1), false)).toBeNull();
    expect(tsm.next(offer(2, 3000, heldBy1), false)).toEqual({ index: 0, locality: 'any' });
  });
});
