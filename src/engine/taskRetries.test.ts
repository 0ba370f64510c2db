/** Spark's task-level scenarios (TaskSetManagerSuite, TaskSchedulerImplSuite, DAGSchedulerSuite). */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { count, harness, ownerOf, twoStages } from '../testing/schedulerHarness';

beforeEach(() => void vi.useFakeTimers());
afterEach(() => void vi.useRealTimers());

const boom = (n: number) => ({ kind: 'exception' as const, operator: 'map (rdd 1)', message: `boom ${n}` });

describe('task retries, zombies and speculation', () => {
  it('repeated failures lead to task set abortion', async () => {
    const h = harness(1);
    const job = h.ctx
      .parallelize([1, 2, 3], 1)
      .map((x: number) => x * 2)
      .count();
    job.catch(() => undefined);
    for (let n = 1; n <= 4; n++) {
      await h.settle();
      const l = h.backend.find(0, 0);
      expect(l.task.attempt).toBe(n - 1);
      if (n < 4) expect(h.of('job.failed')).toEqual([]);
      h.backend.fail(l, boom(n));
    }
    await expect(job).rejects.toThrow(
      'Job aborted due to stage failure: Task 0 in stage 0.0 failed 4 times; most recent failure: map (rdd 1) threw: boom 4',
    );
    expect(h.of('task.ended')[0]!.explanation).toBe(
      'Task 0 of stage 0.0 failed on worker 1 (map (rdd 1) threw: boom 1); retrying as attempt 1 (failure 1 of 4 allowed).',
    );
    expect(h.submitted()).toEqual(['0.0[0]']);
  });

  it('a result that cannot be serialized aborts at once, without retries (Spark: TaskResult not serializable)', async () => {
    const h = harness(1);
    const job = h.ctx
      .parallelize([1], 1)
      .map((x: number) => x)
      .collect();
    job.catch(() => undefined);
    await h.settle();
    h.backend.fail(h.backend.find(0, 0), {
      kind: 'notSerializable',
      operator: 'map (rdd 1)',
      message: 'Record produced by map (rdd 1) cannot be sent between workers: it contains a function.',
    });
    await expect(job).rejects.toThrow(
      'Job aborted due to stage failure: Task 0 in stage 0.0 failed and cannot be retried: Record produced by map (rdd 1) cannot be sent between workers: it contains a function.',
    );
    expect(h.started(0)).toHaveLength(1);
  });

  it('an unreadable input file and a write refused for quota abort at once, naming the cause', async () => {
    const cases = [
      {
        reason: {
          kind: 'inputUnreadable' as const,
          fileName: 'gone.txt',
          message:
            "The input file 'gone.txt' was deleted or cannot be read (it is no longer in the input store): lineage ends at the source, so it cannot be recomputed. Add the file again and rerun.",
        },
        explanation:
          'Task 0 of stage 0.0 could not read its input file gone.txt; retrying cannot help, so the stage is aborted.',
      },
      {
        reason: {
          kind: 'storage' as const,
          store: 'blocks',
          bytes: 3 << 20,
          message:
            "IndexedDB refused to store 3.0 MiB in 'blocks' (quota exceeded). Free space or clear stored blocks, then run the job again.",
        },
        explanation:
          "Task 0 of stage 0.0 could not store its output in 'blocks'; retrying cannot help, so the stage is aborted.",
      },
    ];
    for (const { reason, explanation } of cases) {
      const h = harness(2);
      const job = h.ctx
        .parallelize([1], 1)
        .map((x: number) => x)
        .collect();
      job.catch(() => undefined);
      await h.settle();
      h.backend.fail(h.backend.find(0, 0), reason);
      await expect(job).rejects.toThrow(
        `Job aborted due to stage failure: Task 0 in stage 0.0 failed and cannot be retried: ${reason.message}`,
      );
      expect(h.of('task.ended')[0]!.explanation).toBe(explanation);
      expect(h.started(0)).toHaveLength(1);
    }
  });

  it('a lost checkpoint aborts at once and says so, not as a failed write', async () => {
    const h = harness(2);
    const job = h.ctx
      .parallelize([1], 1)
      .map((x: number) => x)
      .collect();
    job.catch(() => undefined);
    await h.settle();
    const message =
      'The checkpoint of rdd 1 partition 0 (checkpoint/app-test/1/0) was lost; it cannot be recomputed because checkpointing truncated its lineage. Run the job that checkpoints it again.';
    h.backend.fail(h.backend.find(0, 0), {
      kind: 'checkpointLost',
      rddId: 1,
      partition: 0,
      blockId: 'checkpoint/app-test/1/0',
      message,
    });
    await expect(job).rejects.toThrow(
      `Job aborted due to stage failure: Task 0 in stage 0.0 failed and cannot be retried: ${message}`,
    );
    expect(h.of('task.ended')[0]!.explanation).toBe(
      'Task 0 of stage 0.0 could not read the checkpoint of partition 0 of rdd 1, which was lost; retrying cannot help, so the stage is aborted.',
    );
    expect(h.started(0)).toHaveLength(1);
  });

  it('run shuffle with map stage failure', async () => {
    const h = harness(2);
    const job = twoStages(h.ctx).count();
    job.catch(() => undefined);
    h.backend.succeed((await h.settle(), h.backend.find(0, 1)));
    for (let n = 1; n <= 4; n++) {
      await h.settle();
      h.backend.fail(h.backend.find(0, 0), boom(n));
    }
    await expect(job).rejects.toThrow(
      'Job aborted due to stage failure: Task 0 in stage 0.0 failed 4 times; most recent failure: map (rdd 1) threw: boom 4',
    );
    // Only the map stage failed; the reduce stage was never submitted.
    expect(h.failedStages()).toEqual(['0.0']);
    expect(h.submitted()).toEqual(['0.0[0,1]']);
  });

  it('accumulator not calculated for resubmitted task in result stage', async () => {
    const h = harness(3);
    const job = twoStages(h.ctx).count();
    await h.complete(0, 0);
    // Attempt 0 of the reduce stage loses partition 0; its partition 1 keeps running.
    const [r0, r1] = [h.backend.find(1, 0), h.backend.find(1, 1)];
    h.backend.fetchFailed(r0, 0, 0, ownerOf(r0, 0));
    await h.complete(0, 1);
    // Attempt 1 runs both partitions; partition 1 then finishes in both attempts.
    expect(h.started(1, 1).map((e) => e.partition)).toEqual([0, 1]);
    h.backend.succeed(r1, count(10));
    await h.settle();
    h.backend.succeed(h.backend.find(1, 1, 1), count(10));
    h.backend.succeed(h.backend.find(1, 0, 1), count(5));
    // Partition 1 is counted once.
    await expect(job).resolves.toBe(15);
    const late = h.of('task.ended').find((e) => e.stageId === 1 && e.stageAttempt === 1 && e.partition === 1)!;
    expect(late.outcome).toBe('killed');
    expect(late.explanation).toBe(
      'Task 1 of stage 1.1: attempt 0 finished after another attempt had already succeeded; its result was discarded.',
    );
  });

  it('Completions in zombie tasksets update status of non-zombie taskset', async () => {
    const h = harness(2);
    const job = twoStages(h.ctx).count();
    await h.complete(0, 0);
    const [r0, r1] = [h.backend.find(1, 0), h.backend.find(1, 1)];
    h.backend.fetchFailed(r0, 0, 0, ownerOf(r0, 0));
    await h.complete(0, 1);
    // Attempt 1 waits for a free worker for partition 1 while the zombie attempt 0 still runs it.
    expect(h.started(1, 1).map((e) => e.partition)).toEqual([0]);
    h.backend.succeed(r1, count(10));
    await h.settle();
    // The zombie's success completes partition 1 for attempt 1 too: it is never launched there.
    expect(h.started(1, 1).map((e) => e.partition)).toEqual([0]);
    expect(h.backend.running).toHaveLength(1);
    h.backend.succeed(h.backend.find(1, 0, 1), count(5));
    await expect(job).resolves.toBe(15);
    expect(h.started(1, 1).map((e) => e.partition)).toEqual([0]);
  });

  it('[SPARK-19263] DAGScheduler should not submit multiple active tasksets, even with late completions from earlier stage attempts', async () => {
    const h = harness(2);
    const c = twoStages(h.ctx)
      .map((kv: [number, number]) => kv)
      .reduceByKey('sum', { numPartitions: 2 });
    const job = c.count();
    await h.complete(0, 0);
    // Stage 1 attempt 0: partition 0 cannot read map 1 of worker 2, where partition 1 still runs.
    const [b0, b1] = [h.backend.find(1, 0), h.backend.find(1, 1)];
    expect(b1.executorId).toBe(2);
    h.backend.fetchFailed(b0, 0, 1, 2);
    await h.complete(0, 1);
    expect(h.submitted()).toEqual(['0.0[0,1]', '1.0[0,1]', '0.1[1]', '1.1[0,1]']);
    // The late success of partition 1 from worker 2 (launched before worker 2 was suspected) is
    // ignored, but it still completes partition 1 in attempt 1, which therefore never launches it.
    h.backend.succeed(b1);
    await h.settle();
    h.backend.succeed(h.backend.find(1, 0, 1));
    await h.settle();
    expect(h.started(1, 1).map((e) => e.partition)).toEqual([0]);
    // Attempt 1 is done, so partition 1 runs again as attempt 2: one active attempt at a time.
    expect(h.submitted()).toEqual(['0.0[0,1]', '1.0[0,1]', '0.1[1]', '1.1[0,1]', '1.2[1]']);
    expect(h.explanation(1, 2)).toBe(
      'Stage 1 resubmitted for partitions 1: their output came from worker 2 after it was declared lost, so it was not trusted.',
    );
    await h.complete(1, 2);
    await h.complete(2, 0);
    expect(h.submitted().at(-1)).toBe('2.0[0,1]');
    await expect(job).resolves.toBe(2);
  });

  it('Killing speculative tasks does not count towards aborting the taskset', async () => {
    const h = harness(4);
    h.ctx.configure({ speculation: true });
    const job = h.ctx
      .parallelize([1, 2, 3, 4], 4)
      .map((x: number) => x)
      .count();
    job.catch(() => undefined);
    await h.settle();
    // Task 3 fails three times (one short of the limit), then its fourth attempt straggles.
    for (let n = 1; n <= 3; n++) {
      h.backend.fail(h.backend.find(0, 3), boom(n));
      await h.settle();
    }
    for (const p of [0, 1, 2]) h.backend.succeed(h.backend.find(0, p));
    await h.settle();
    const straggler = h.backend.find(0, 3);
    expect(straggler.task.attempt).toBe(3);
    h.clock.now = 500;
    vi.advanceTimersByTime(100);
    await h.settle();
    const copies = h.started(0, 0).filter((e) => e.speculative);
    expect(copies.map((e) => [e.partition, e.attempt])).toEqual([[3, 4]]);
    // The copy wins; the straggler is killed, and that kill is not its fourth failure.
    h.backend.succeed(
      h.backend.find(0, 3, 0) === straggler ? h.backend.running.find((l) => l.task.attempt === 4)! : straggler,
    );
    await h.settle();
    await expect(job).resolves.toBe(4);
    expect(h.backend.killed).toEqual([straggler.task.taskId]);
    const killed = h.of('task.ended').find((e) => e.taskId === straggler.task.taskId)!;
    expect(killed.outcome).toBe('killed');
    expect(killed.reason?.kind).toBe('killed');
    expect(h.of('job.failed')).toEqual([]);
  });

  it('launches no speculative copy of a task that already succeeded', async () => {
    const h = harness(3);
    h.ctx.configure({ speculation: true });
    const job = h.ctx.parallelize([1, 2], 2).count();
    await h.settle();
    h.backend.succeed(h.backend.find(0, 0));
    await h.settle();
    h.clock.now = 500;
    vi.advanceTimersByTime(100);
    await h.settle();
    const copy = h.backend.running.find((l) => l.task.attempt === 1)!;
    expect([copy.task.partition, h.started(0, 0).filter((e) => e.speculative).length]).toEqual([1, 1]);
    // The copy wins while the straggler is still running: nothing else of the finished stage may launch.
    h.backend.succeed(copy);
    await h.settle();
    await expect(job).resolves.toBe(2);
    expect(
      h
        .started(0, 0)
        .filter((e) => e.speculative)
        .map((e) => [e.partition, e.attempt]),
    ).toEqual([[1, 1]]);
    expect(h.backend.describe()).toBe('(none)');
  });
});
