/**
 * Stages of joins and cogroups, after Spark's DAGSchedulerSuite on the scripted backend: a cogroup
 * whose inputs already share its hash partitioning reads them in place (narrow, no new shuffle), and a
 * stage that reads several shuffles waits for all of them and recovers each one on its own. Every
 * scenario ends with assertDataStructuresEmpty (in the harness).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PartitionPlan } from '../protocol';
import { count, harness } from '../testing/schedulerHarness';
import type { Launched } from '../testing/scriptedBackend';
import type { EmberContext } from './context';

beforeEach(() => void vi.useFakeTimers());
afterEach(() => void vi.useRealTimers());

const pairs = (ctx: EmberContext, n: number) =>
  ctx.parallelize(
    [...Array(8).keys()].map((i): [number, number] => [i % 4, i]),
    n,
  );

/** The shuffles a task's plan reads, in plan order. */
function shufflesRead(l: Launched): number[] {
  const out: number[] = [];
  const walk = (p: PartitionPlan): void => {
    if (p.kind === 'shuffleRead') out.push(p.shuffleId);
    else if (p.kind === 'narrow' || p.kind === 'cached') walk(p.parent);
    else if (p.kind === 'cogroup') p.inputs.forEach(walk);
  };
  walk(l.task.plan);
  return out;
}

describe('co-partitioned joins and multiple shuffle dependencies (DAGSchedulerSuite)', () => {
  it('a join of two RDDs hash-partitioned alike is narrow: no shuffle beyond their own', async () => {
    const h = harness(2);
    const left = pairs(h.ctx, 2).reduceByKey('sum', { numPartitions: 2 });
    const right = pairs(h.ctx, 3).partitionBy(2);
    const joined = left.join(right);
    const job = joined.count();
    await h.settle();
    const [submitted] = h.of('job.submitted');
    // Two map stages (the reduceByKey's and the partitionBy's) and the result stage: three, as Spark.
    expect(submitted!.stages).toHaveLength(3);
    expect(submitted!.stages.find((s) => s.kind === 'result')!.parentStageIds).toEqual([0, 1]);
    await h.complete(0, 0);
    await h.complete(1, 0);
    // Each result task reads partition p of both shuffles in place.
    expect(h.backend.tasksOf(2, 0).map(shufflesRead)).toEqual([
      [0, 1],
      [0, 1],
    ]);
    await h.complete(2, 0, () => count(3));
    await expect(job).resolves.toBe(6);
    expect(h.submitted()).toEqual(['0.0[0,1]', '1.0[0,1,2]', '2.0[0,1]']);
  });

  it('a join of RDDs partitioned differently shuffles the one that does not match', async () => {
    const h = harness(2);
    const left = pairs(h.ctx, 2).reduceByKey('sum', { numPartitions: 3 });
    const right = pairs(h.ctx, 2).partitionBy(2);
    // The result takes the left's 3 partitions (the larger partitioned input): only the right is shuffled again.
    const job = left.join(right).count();
    await h.settle();
    expect(h.of('job.submitted')[0]!.stages).toHaveLength(4);
    await h.complete(0, 0);
    await h.complete(1, 0);
    await h.complete(2, 0);
    // Two running result tasks (two workers), each reading two shuffles: the left's own and the new one.
    const reads = h.backend.tasksOf(3, 0).map(shufflesRead);
    expect(reads).toHaveLength(2);
    for (const r of reads) expect(new Set(r).size).toBe(2);
    expect(new Set(reads.flat()).size).toBe(2);
    await h.complete(3, 0, () => count(1));
    await expect(job).resolves.toBe(3);
  });

  it('getShuffleDependencies returns only direct shuffle parents: a cogroup of two shuffles has two parent stages', async () => {
    const h = harness(2);
    // Each side is itself behind a shuffle: only the cogroup's own two shuffles are the result stage's parents.
    const a = pairs(h.ctx, 2)
      .reduceByKey('sum', { numPartitions: 2 })
      .map((kv: [number, number]) => kv);
    const b = pairs(h.ctx, 2)
      .groupByKey(3)
      .mapValues((vs) => vs.length);
    const job = a.cogroup(b, 2).count();
    await h.settle();
    const stages = h.of('job.submitted')[0]!.stages;
    const result = stages.find((s) => s.kind === 'result')!;
    expect(result.parentStageIds).toHaveLength(2);
    expect(stages).toHaveLength(5);
    // Run whatever is running until the job ends: map stages in the order the scheduler submits them.
    for (let guard = 0; h.backend.running.length > 0 && guard < 20; guard++) {
      for (const l of [...h.backend.running])
        h.backend.succeed(l, l.task.stageId === result.stageId ? count(2) : undefined);
      await h.settle();
    }
    await expect(job).resolves.toBe(4);
    // Every stage ran once: no stage was built twice for the shuffles it shares.
    expect(
      h
        .submitted()
        .map((s) => s.split('[')[0])
        .sort(),
    ).toEqual(stages.map((s) => `${s.stageId}.0`).sort());
  });

  it('a fetch failure on one of two shuffles reruns only that map output, then the reader', async () => {
    const h = harness(2);
    const job = pairs(h.ctx, 2).cogroup(pairs(h.ctx, 2), 2).count();
    await h.complete(0, 0);
    await h.complete(1, 0);
    const reader = h.backend.find(2, 0);
    h.backend.fetchFailed(reader, 1, 0, null);
    h.backend.succeed(h.backend.find(2, 1), count(2));
    await h.settle();
    // Shuffle 1's map 0 is unregistered and recomputed; shuffle 0 is intact and does not rerun.
    expect(h.failedStages()).toEqual(['2.0']);
    expect(h.submitted()).toEqual(['0.0[0,1]', '1.0[0,1]', '2.0[0,1]', '1.1[0]']);
    await h.complete(1, 1);
    expect(h.submitted()).toEqual(['0.0[0,1]', '1.0[0,1]', '2.0[0,1]', '1.1[0]', '2.1[0]']);
    await h.complete(2, 1, () => count(2));
    await expect(job).resolves.toBe(4);
  });
});
