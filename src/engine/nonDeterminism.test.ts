/**
 * Non-determinism detection (docs/ARCHITECTURE.md, semantics table): a recomputed map partition whose checksum differs from its
 * first computation rolls its consumers back, or aborts a job whose result stage cannot be rolled back.
 * Ports of SPARK-25341 and SPARK-23207 with checksums instead of declared determinism levels.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PartitionPlan } from '../protocol';
import type { EmberContext } from './context';
import type { Launched } from '../testing/scriptedBackend';
import { count, harness, ownerOf } from '../testing/schedulerHarness';

beforeEach(() => void vi.useFakeTimers());
afterEach(() => void vi.useRealTimers());

/** parallelize → map (rdd 1), a stand-in for a non-deterministic operator such as a random shuffle key. */
function source(ctx: EmberContext) {
  return ctx.parallelize([1, 2, 3, 4, 5, 6, 7, 8], 2).map((x: number) => [x % 4, x] as [number, number]);
}

const readsCheckpoint = (plan: PartitionPlan): boolean =>
  plan.kind === 'checkpointRead' ||
  ((plan.kind === 'narrow' || plan.kind === 'cached') && readsCheckpoint(plan.parent));

/**
 * What a worker would report as the checksum: the non-deterministic map gives different bytes on every
 * computation, unless its partition is read back from a checkpoint.
 */
const checksum = (l: Launched) => (readsCheckpoint(l.task.plan) ? 42 + l.task.partition : 1000 * (l.task.taskId + 1));

function succeedAll(h: ReturnType<typeof harness>, stageId: number, attempt: number) {
  for (const l of h.backend.tasksOf(stageId, attempt)) h.backend.succeed(l, undefined, checksum(l));
}

async function complete(h: ReturnType<typeof harness>, stageId: number, attempt: number) {
  await h.settle();
  while (h.backend.tasksOf(stageId, attempt).length > 0) {
    succeedAll(h, stageId, attempt);
    await h.settle();
  }
}

describe('non-determinism', () => {
  it('SPARK-25341: retry all the succeeding stages when the map stage is indeterminate', async () => {
    const h = harness(2);
    const job = source(h.ctx)
      .reduceByKey('sum', { numPartitions: 2 })
      .map((kv: [number, number]) => kv)
      .reduceByKey('sum', { numPartitions: 2 })
      .count();
    await complete(h, 0, 0);
    await complete(h, 1, 0);
    // Both result tasks fail to read map 0 of shuffle 1; its worker also held map 0 of shuffle 0.
    await h.fetchFailAll(2, 0, 1, 0);
    expect(h.submitted()).toEqual(['0.0[0,1]', '1.0[0,1]', '2.0[0,1]', '0.1[0]']);
    // Map 0 recomputes with a different checksum: stage 0 and every stage after it start over in full.
    await complete(h, 0, 1);
    expect(h.submitted()).toEqual(['0.0[0,1]', '1.0[0,1]', '2.0[0,1]', '0.1[0]', '0.2[0,1]']);
    expect(h.explanation(0, 2)).toBe(
      'Stage 0 resubmitted for all 2 partitions: partition 0 of map (rdd 1) produced different output when recomputed, so it and stages 1, 2, which read it, start over.',
    );
    await complete(h, 0, 2);
    expect(h.submitted().at(-1)).toBe('1.1[0,1]');
    expect(h.explanation(1, 1)).toBe(
      'Stage 1 resubmitted for all its partitions: it read output of stage 0 that was recomputed differently, so it starts over.',
    );
    await complete(h, 1, 1);
    expect(h.submitted().at(-1)).toBe('2.1[0,1]');
    for (const l of h.backend.tasksOf(2, 1)) h.backend.succeed(l, count(11 + l.task.partition));
    await expect(job).resolves.toBe(23);
  });

  it('SPARK-23207: cannot rollback a result stage', async () => {
    const h = harness(2);
    const job = source(h.ctx).reduceByKey('sum', { numPartitions: 2 }).count();
    job.catch(() => undefined);
    await complete(h, 0, 0);
    const [r0, r1] = [h.backend.find(1, 0), h.backend.find(1, 1)];
    h.backend.succeed(r0, count(42));
    h.backend.fetchFailed(r1, 0, 0, ownerOf(r1, 0));
    await h.settle();
    await complete(h, 0, 1);
    await expect(job).rejects.toThrow(
      'Job aborted due to stage failure: map (rdd 1) in stage 0 produced different output when recomputed (partition 0 checksum changed), ' +
        'so its consumers cannot be rolled back: stage 1 already returned 1 partition (0). ' +
        'Make it deterministic, or checkpoint it before the shuffle with rdd.checkpoint().',
    );
    expect(h.submitted()).toEqual(['0.0[0,1]', '1.0[0,1]', '0.1[0]']);
  });

  it('SPARK-23207: reliable checkpoint can avoid rollback', async () => {
    const h = harness(2);
    const mapped = source(h.ctx);
    const checkpointed = mapped.checkpoint();
    await h.settle();
    for (const l of h.backend.tasksOf(0)) h.backend.succeed(l, { kind: 'stored', count: 4 }, checksum(l));
    await checkpointed;
    expect(mapped.checkpointed).toBe(true);
    const job = mapped.reduceByKey('sum', { numPartitions: 2 }).count();
    await complete(h, 1, 0);
    const [r0, r1] = [h.backend.find(2, 0), h.backend.find(2, 1)];
    h.backend.succeed(r0, count(42));
    h.backend.fetchFailed(r1, 0, 0, ownerOf(r1, 0));
    await h.settle();
    // The lost map partition is read back from the checkpoint: same output, nothing to roll back.
    expect(h.backend.find(1, 0, 1).task.plan.kind).toBe('checkpointRead');
    await complete(h, 1, 1);
    expect(h.submitted()).toEqual(['0.0[0,1]', '1.0[0,1]', '2.0[0,1]', '1.1[0]', '2.1[1]']);
    h.backend.succeed(h.backend.find(2, 1, 1), count(1));
    await expect(job).resolves.toBe(43);
  });
});
