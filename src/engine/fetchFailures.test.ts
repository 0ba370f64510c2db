/**
 * Spark's DAGSchedulerSuite fetch-failure scenarios, ported to the scripted backend. Each test names the
 * Spark test it follows and asserts the same observable outcome: which stage attempts ran which
 * partitions, which stage attempts failed, and the job's result or abort message.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EmberContext } from './context';
import { count, harness, ownerOf, twoStages } from '../testing/schedulerHarness';
import { rddBlockId, shuffleBlockId } from '../protocol';

beforeEach(() => void vi.useFakeTimers());
afterEach(() => void vi.useRealTimers());

/** … │ reduceByKey (rdd 2) → map (rdd 3) │ reduceByKey (rdd 4): stages 0 and 1 write shuffles 0 and 1, stage 2 is the result. */
function threeStages(ctx: EmberContext) {
  return twoStages(ctx)
    .map((kv: [number, number]) => [0, kv[1]] as [number, number])
    .reduceByKey('sum', { numPartitions: 1 });
}

describe('fetch failures (DAGSchedulerSuite)', () => {
  it('run trivial shuffle with fetch failure', async () => {
    const h = harness(2);
    const job = twoStages(h.ctx).count();
    await h.complete(0, 0);
    const r0 = h.backend.find(1, 0);
    const owner = ownerOf(r0, 1)!;
    h.backend.fetchFailed(r0, 0, 1, owner);
    h.backend.succeed(h.backend.find(1, 1), count(2));
    await h.settle();
    // Only the lost map output reruns, then only the unfinished reducer, as attempt 1 of each stage.
    expect(h.submitted()).toEqual(['0.0[0,1]', '1.0[0,1]', '0.1[1]']);
    expect(h.explanation(0, 1)).toBe(
      `Stage 0 resubmitted for partitions 1: their shuffle output on worker ${owner} could not be read.`,
    );
    await h.complete(0, 1);
    expect(h.submitted()).toEqual(['0.0[0,1]', '1.0[0,1]', '0.1[1]', '1.1[0]']);
    expect(h.explanation(1, 1)).toBe(
      `Stage 1 resubmitted as attempt 1 after attempt 0 could not read shuffle 0 (map 1 on worker ${owner}).`,
    );
    expect(h.failedStages()).toEqual(['1.0']);
    await h.complete(1, 1, () => count(3));
    await expect(job).resolves.toBe(5);
  });

  it('trivial shuffle with multiple fetch failures', async () => {
    const h = harness(2);
    const job = twoStages(h.ctx).count();
    await h.complete(0, 0);
    const [r0, r1] = [h.backend.find(1, 0), h.backend.find(1, 1)];
    h.backend.fetchFailed(r0, 0, 0, ownerOf(r0, 0));
    h.backend.fetchFailed(r1, 0, 1, ownerOf(r1, 1));
    await h.settle();
    // One failed-stage event and one resubmission, however many fetch failures the attempt met.
    expect(h.failedStages()).toEqual(['1.0']);
    expect(h.submitted()).toEqual(['0.0[0,1]', '1.0[0,1]', '0.1[0,1]']);
    await h.complete(0, 1);
    await h.complete(1, 1);
    expect(h.submitted()).toEqual(['0.0[0,1]', '1.0[0,1]', '0.1[0,1]', '1.1[0,1]']);
    await expect(job).resolves.toBe(2);
  });

  it('Single stage fetch failure should not abort the stage', async () => {
    const h = harness(4);
    const job = twoStages(h.ctx, 4, 4).count();
    await h.complete(0, 0);
    await h.fetchFailAll(1, 0, 0, 0);
    expect(h.submitted()).toEqual(['0.0[0,1,2,3]', '1.0[0,1,2,3]', '0.1[0]']);
    await h.complete(0, 1);
    await h.complete(1, 1);
    expect(h.submitted().at(-1)).toBe('1.1[0,1,2,3]');
    await expect(job).resolves.toBe(4);
    expect(h.of('job.failed')).toEqual([]);
  });

  it('Multiple consecutive stage fetch failures should lead to job being aborted', async () => {
    const h = harness(4);
    const job = twoStages(h.ctx, 4, 4).count();
    job.catch(() => undefined);
    let owner: number | null = null;
    for (let attempt = 0; attempt < 4; attempt++) {
      await h.complete(0, attempt);
      owner = ownerOf(h.backend.find(1, 0, attempt), 0);
      await h.fetchFailAll(1, attempt, 0, 0);
      if (attempt < 3) expect(h.of('job.failed')).toEqual([]);
    }
    await expect(job).rejects.toThrow(
      `Job aborted due to stage failure: Stage 1 (reduceByKey (rdd 2)) has failed the maximum allowable number of times: 4. ` +
        `Most recent failure reason: FetchFailed(shuffle 0, map 0, reduce 0, worker ${owner}): block missing`,
    );
    expect(h.failedStages()).toEqual(['1.0', '1.1', '1.2', '1.3']);
    // Aborted: the map stage is not resubmitted a fifth time.
    expect(h.submitted().filter((s) => s.startsWith('0.'))).toEqual(['0.0[0,1,2,3]', '0.1[0]', '0.2[0]', '0.3[0]']);
  });

  it('Failures in different stages should not trigger an overall abort', async () => {
    const h = harness(2);
    const job = threeStages(h.ctx).count();
    // Stage 1 fails twice reading shuffle 0, then stage 2 fails twice reading shuffle 1: four stage
    // failures in all, but never four in a row of one stage.
    await h.complete(0, 0);
    await h.fetchFailAll(1, 0, 0, 0);
    await h.complete(0, 1);
    await h.fetchFailAll(1, 1, 0, 0);
    await h.complete(0, 2);
    await h.complete(1, 2);
    await h.fetchFailAll(2, 0, 1, 0);
    await h.complete(0, 3);
    await h.complete(1, 3);
    await h.fetchFailAll(2, 1, 1, 0);
    await h.complete(0, 4);
    await h.complete(1, 4);
    await h.complete(2, 2, () => count(42));
    expect(h.failedStages()).toEqual(['1.0', '1.1', '2.0', '2.1']);
    await expect(job).resolves.toBe(42);
  });

  it("Non-consecutive stage failures don't trigger abort", async () => {
    const h = harness(2);
    const job = threeStages(h.ctx).count();
    for (let attempt = 0; attempt < 3; attempt++) {
      await h.complete(0, attempt);
      await h.fetchFailAll(1, attempt, 0, 0);
    }
    await h.complete(0, 3);
    await h.complete(1, 3); // stage 1 succeeds: its consecutive-failure count starts over
    await h.fetchFailAll(2, 0, 1, 0);
    await h.complete(0, 4);
    await h.fetchFailAll(1, 4, 0, 0); // a fourth failure of stage 1, but not a consecutive one
    expect(h.of('job.failed')).toEqual([]);
    await h.complete(0, 5);
    await h.complete(1, 5);
    await h.complete(2, 1, () => count(42));
    expect(h.failedStages()).toEqual(['1.0', '1.1', '1.2', '2.0', '1.4']);
    await expect(job).resolves.toBe(42);
  });

  it("late fetch failures don't cause multiple concurrent attempts for the same map stage", async () => {
    const h = harness(2);
    const job = twoStages(h.ctx).count();
    await h.complete(0, 0);
    const [r0, r1] = [h.backend.find(1, 0), h.backend.find(1, 1)];
    const owner1 = ownerOf(r1, 1);
    h.backend.fetchFailed(r0, 0, 0, ownerOf(r0, 0));
    await h.settle();
    expect(h.submitted()).toEqual(['0.0[0,1]', '1.0[0,1]', '0.1[0]']);
    // The second reducer of the same (latest) attempt fails while map attempt 1 runs.
    h.backend.fetchFailed(r1, 0, 1, owner1);
    await h.settle();
    expect(h.submitted()).toEqual(['0.0[0,1]', '1.0[0,1]', '0.1[0]']);
    // Map attempt 1 finishes, then the newly lost partition reruns as attempt 2: never two at once.
    await h.complete(0, 1);
    expect(h.submitted()).toEqual(['0.0[0,1]', '1.0[0,1]', '0.1[0]', '0.2[1]']);
    expect(h.explanation(0, 2)).toBe(
      `Stage 0 resubmitted for partitions 1: their shuffle output on worker ${owner1} could not be read.`,
    );
    await h.complete(0, 2);
    await h.complete(1, 1);
    expect(h.submitted().at(-1)).toBe('1.1[0,1]');
    await expect(job).resolves.toBe(2);
  });

  it("extremely late fetch failures don't cause multiple concurrent attempts for the same stage", async () => {
    const h = harness(2);
    const job = twoStages(h.ctx).count();
    await h.complete(0, 0);
    const [r0, r1] = [h.backend.find(1, 0), h.backend.find(1, 1)];
    h.backend.fetchFailed(r0, 0, 0, ownerOf(r0, 0));
    await h.complete(0, 1);
    expect(h.submitted()).toEqual(['0.0[0,1]', '1.0[0,1]', '0.1[0]', '1.1[0,1]']);
    // A fetch failure from attempt 0 arrives after attempt 1 started: it is ignored.
    h.backend.fetchFailed(r1, 0, 0, ownerOf(r1, 0));
    await h.settle();
    expect(h.submitted()).toEqual(['0.0[0,1]', '1.0[0,1]', '0.1[0]', '1.1[0,1]']);
    expect(h.failedStages()).toEqual(['1.0']);
    await h.complete(1, 1);
    await expect(job).resolves.toBe(2);
  });

  it('shuffle fetch failure in a reused shuffle dependency', async () => {
    const h = harness(2);
    const reduced = twoStages(h.ctx);
    const first = reduced.count();
    await h.complete(0, 0);
    await h.complete(1, 0, () => count(42));
    await expect(first).resolves.toBe(84);
    // A second job over the same shuffle skips the map stage, then loses one of its outputs.
    const second = reduced.count();
    await h.settle();
    expect(h.of('stage.skipped').map((e) => [e.jobId, e.stageId, e.explanation])).toEqual([
      [1, 0, 'Stage 0 skipped: its shuffle output from an earlier job is still stored.'],
    ]);
    await h.fetchFailAll(2, 0, 0, 0);
    await h.complete(0, 1);
    await h.complete(2, 1, (l) => count(1234 + l.task.partition));
    // Only the missing map partition of the skipped stage reruns.
    expect(h.submitted()).toEqual(['0.0[0,1]', '1.0[0,1]', '2.0[0,1]', '0.1[0]', '2.1[0,1]']);
    await expect(second).resolves.toBe(1234 + 1235);
  });

  it('recursive shuffle failures', async () => {
    const h = harness(3);
    const job = threeStages(h.ctx).count();
    await h.complete(0, 0);
    await h.complete(1, 0);
    // The worker holding map 0 of both shuffles is suspect: both stages rerun partition 0, in order.
    await h.fetchFailAll(2, 0, 1, 0);
    expect(h.submitted()).toEqual(['0.0[0,1]', '1.0[0,1]', '2.0[0]', '0.1[0]']);
    await h.complete(0, 1);
    expect(h.submitted().at(-1)).toBe('1.1[0]');
    await h.complete(1, 1);
    expect(h.submitted().at(-1)).toBe('2.1[0]');
    await h.complete(2, 1, () => count(42));
    await expect(job).resolves.toBe(42);
  });

  it('cached post-shuffle', async () => {
    const h = harness(3);
    const cached = twoStages(h.ctx).cache(); // rdd 2
    const job = cached
      .map((kv: [number, number]) => [0, kv[1]] as [number, number])
      .reduceByKey('sum', { numPartitions: 1 })
      .count();
    await h.complete(0, 0);
    // Stage 1 caches each partition of rdd 2 on the worker that computed it.
    await h.complete(1, 0, undefined, (l) => [
      {
        id: rddBlockId('app-test', 2, l.task.partition),
        app: 'app-test',
        owner: l.executorId,
        encoding: 'records',
        bytes: 8,
        records: 1,
        checksum: 0,
      },
    ]);
    const cachedOn = h.started(1, 0).find((e) => e.partition === 1)!.executorId;
    await h.fetchFailAll(2, 0, 1, 1);
    // rdd 2 is fully cached, so stage 0 need not rerun even though that worker's outputs were dropped;
    // the retried task runs where partition 1 is cached, though worker 1 was free first.
    expect(h.submitted()).toEqual(['0.0[0,1]', '1.0[0,1]', '2.0[0]', '1.1[1]']);
    expect(cachedOn).not.toBe(1);
    expect(h.started(1, 1).map((e) => e.executorId)).toEqual([cachedOn]);
    await h.complete(1, 1);
    await h.complete(2, 1, () => count(42));
    expect(h.submitted()).toEqual(['0.0[0,1]', '1.0[0,1]', '2.0[0]', '1.1[1]', '2.1[0]']);
    await expect(job).resolves.toBe(42);
  });

  it("getMissingParentStages should consider all ancestor RDDs' cache statuses", async () => {
    const h = harness(2);
    const c = twoStages(h.ctx, 2, 1)
      .map((kv: [number, number]) => kv)
      .cache(); // rdd 3
    const d = c.map((kv: [number, number]) => kv[1]);
    const first = c.count();
    await h.complete(0, 0);
    await h.complete(
      1,
      0,
      () => count(4),
      (l) => [
        {
          id: rddBlockId('app-test', 3, l.task.partition),
          app: 'app-test',
          owner: l.executorId,
          encoding: 'records',
          bytes: 8,
          records: 4,
          checksum: 0,
        },
      ],
    );
    await expect(first).resolves.toBe(4);
    const cacheOwner = h.started(1, 0)[0]!.executorId;
    const other = cacheOwner === 1 ? 2 : 1;
    h.backend.loseExecutor(other); // shuffle 0 loses a map output; the cached partition survives
    await h.settle();
    const second = d.count();
    await h.settle();
    // Only the final stage runs: its cached ancestor makes the lost shuffle output irrelevant.
    expect(h.submitted()).toEqual(['0.0[0,1]', '1.0[0]', '2.0[0]']);
    expect(h.of('stage.skipped').map((e) => e.explanation)).toEqual([
      'Stage 0 skipped: the partitions it would feed are cached or checkpointed.',
    ]);
    expect(h.started(2, 0).map((e) => e.executorId)).toEqual([cacheOwner]);
    await h.complete(2, 0, () => count(4));
    await expect(second).resolves.toBe(4);
  });

  it('SPARK-17644: After one stage is aborted for too many failed attempts, subsequent stages still behave correctly on fetch failures', async () => {
    const h = harness(2);
    const final = threeStages(h.ctx);
    const first = final.count();
    first.catch(() => undefined);
    await h.complete(0, 0);
    for (let attempt = 0; attempt < 4; attempt++) {
      if (attempt > 0) await h.complete(0, attempt);
      const r = h.backend.find(1, 0, attempt);
      h.backend.fetchFailed(r, 0, 0, ownerOf(r, 0));
      await h.settle();
    }
    await expect(first).rejects.toThrow(
      /^Job aborted due to stage failure: Stage 1 \(map \(rdd 3\)\) has failed the maximum allowable number of times: 4\./,
    );
    // A straggler of the aborted job fails late: it belongs to no job any more and changes nothing.
    for (const l of h.backend.tasksOf(1)) h.backend.fetchFailed(l, 0, 0, ownerOf(l, 0));
    await h.settle();
    // A second job over the same stages meets one fetch failure and must still succeed.
    const second = final.count();
    await h.complete(0, 4);
    const r = h.backend.find(1, 0, 4);
    h.backend.fetchFailed(r, 0, 0, ownerOf(r, 0));
    await h.settle();
    expect(h.of('job.failed')).toHaveLength(1);
    await h.complete(1, 4);
    await h.complete(0, 5);
    await h.complete(1, 5);
    await h.complete(3, 0, () => count(42));
    await expect(second).resolves.toBe(42);
  });

  it('blocks cleared across several workers are all recomputed after one fetch failure (not one stage attempt per worker)', async () => {
    const h = harness(4);
    const job = twoStages(h.ctx, 4, 1).count();
    await h.complete(0, 0, undefined, (l) => [
      {
        id: shuffleBlockId('app-test', 0, l.task.partition, 0),
        app: 'app-test',
        owner: l.executorId,
        encoding: 'records',
        bytes: 1,
        records: 1,
        checksum: 0,
      },
    ]);
    expect(new Set(h.started(0, 0).map((e) => e.executorId)).size).toBe(4);
    await h.ctx.chaos.clearBlocks({ shuffle: 0 });
    await h.fetchFailAll(1, 0, 0, 2);
    // The block master knows every block of shuffle 0 is gone: one resubmission recomputes all four.
    expect(h.submitted()).toEqual(['0.0[0,1,2,3]', '1.0[0]', '0.1[0,1,2,3]']);
    await h.complete(0, 1);
    await h.complete(1, 1, () => count(7));
    await expect(job).resolves.toBe(7);
  });

  it('forgets the epochs a fetch failure gave a live worker once no task launched before them can report', async () => {
    const h = harness(3);
    const job = twoStages(h.ctx).count();
    await h.complete(0, 0);
    const [r0, r1] = [h.backend.find(1, 0), h.backend.find(1, 1)];
    const owner = ownerOf(r0, 1)!;
    h.backend.fetchFailed(r0, 0, 1, owner);
    await h.complete(0, 1);
    await h.complete(1, 1, () => count(2));
    await expect(job).resolves.toBe(4);
    expect(h.backend.liveExecutors()).toContain(owner);
    // Reducer 1 of attempt 0 was launched before the failure and still runs: the epochs judge its report.
    expect(h.ctx.schedulerState()).toMatchObject({ jobs: 0, executorEpochs: 2, taskSets: 1 });
    h.backend.succeed(r1, count(2));
    await h.settle();
    expect(h.ctx.schedulerState()).toMatchObject({ executorEpochs: 0, removedExecutors: 0, taskSets: 0 });
  });
});
