/**
 * Delay scheduling for cached partitions (Spark's TaskSetManager with spark.locality.wait) and every
 * in-memory copy of a partition tracked, on the scripted backend with a manual clock.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { BlockInfo } from '../protocol';
import { rddBlockId } from '../protocol';
import type { Launched } from '../testing/scriptedBackend';
import { count, harness, twoStages } from '../testing/schedulerHarness';

/** The app id of the scheduler harness's in-memory store. */
const APP = 'app-test';

beforeEach(() => void vi.useFakeTimers());
afterEach(() => void vi.useRealTimers());

/** What a worker reports when it computed a persist('memory') partition: its own copy. */
const memoryCopy = (rddId: number, l: Launched): BlockInfo => ({
  id: rddBlockId(APP, rddId, l.task.partition),
  app: APP,
  owner: l.executorId,
  encoding: 'records',
  bytes: 8,
  records: 2,
  checksum: 0,
  inMemory: true,
});

/** "partition@worker" for every running task of a stage. */
const placed = (h: ReturnType<typeof harness>, stageId: number) =>
  h.backend.tasksOf(stageId).map((l) => `${l.task.partition}@${l.executorId}`);

/**
 * Eight numbers in 4 partitions, persisted in memory (rdd 1), counted once so that worker 1 caches
 * partition 0 and worker 2 partitions 1, 2 and 3 (worker 1 was busy while worker 2 took them).
 */
async function cachedUnevenly(h: ReturnType<typeof harness>) {
  const cached = h.ctx
    .parallelize([1, 2, 3, 4, 5, 6, 7, 8], 4)
    .map((x: number) => x)
    .cache();
  expect(cached.id).toBe(1);
  const first = cached.count();
  await h.settle();
  expect(placed(h, 0)).toEqual(['0@1', '1@2']);
  for (const p of [1, 2, 3, 0]) {
    const l = h.backend.find(0, p);
    h.backend.succeed(l, count(2), 0, [memoryCopy(1, l)]);
    await h.settle();
  }
  await expect(first).resolves.toBe(8);
  expect(
    h.ctx
      .blocks()
      .map((b) => `${b.id}@${b.owner}`)
      .sort(),
  ).toEqual(['rdd/app-test/1/0@1', 'rdd/app-test/1/1@2', 'rdd/app-test/1/2@2', 'rdd/app-test/1/3@2']);
  return cached;
}

/** The cache use of every successful task of a stage, as "partition:read@worker". */
const reads = (h: ReturnType<typeof harness>, stageId: number) =>
  h
    .of('task.ended')
    .filter((e) => e.stageId === stageId && e.outcome === 'success')
    .map((e) => `${e.partition}:${e.cache?.read}@${e.executorId}`);

describe('locality of memory-cached partitions', () => {
  it('a task waits for the busy worker holding its cached partition and reads it there: nothing is recomputed', async () => {
    const h = harness(2);
    const cached = await cachedUnevenly(h);
    const second = cached.count();
    await h.settle();
    expect(placed(h, 1)).toEqual(['0@1', '1@2']);
    h.backend.succeed(h.backend.find(1, 0), count(2));
    await h.settle();
    // Worker 1 is free, but partitions 2 and 3 are cached on worker 2 only: they wait for it.
    await h.advance(2999);
    expect(placed(h, 1)).toEqual(['1@2']);
    for (const p of [1, 2, 3]) {
      h.backend.succeed(h.backend.find(1, p), count(2));
      await h.settle();
      if (p < 3) expect(placed(h, 1)).toEqual([`${p + 1}@2`]);
    }
    await expect(second).resolves.toBe(8);
    expect(reads(h, 1)).toEqual(['0:cached@1', '1:cached@2', '2:cached@2', '3:cached@2']);
    expect(h.started(1).map((e) => e.attempt)).toEqual([0, 0, 0, 0]);
    expect(h.of('blocks.added')).toHaveLength(4); // only job 1's
  });

  it('when the holder dies during the wait, its partitions are recomputed elsewhere at once', async () => {
    const h = harness(2);
    const cached = await cachedUnevenly(h);
    const second = cached.count();
    await h.settle();
    h.backend.succeed(h.backend.find(1, 0), count(2));
    await h.settle();
    expect(placed(h, 1)).toEqual(['1@2']);
    // No time passes: worker 2's death leaves partitions 1-3 with no copy to wait for.
    h.backend.loseExecutor(2, 'killed', 'killed by the test');
    await h.settle();
    expect(h.of('blocks.removed').map((e) => e.explanation)).toEqual([
      '3 blocks of worker 2 died with it (killed by the test).',
    ]);
    for (const p of [2, 3, 1]) {
      expect(placed(h, 1)).toEqual([`${p}@1`]);
      const l = h.backend.find(1, p);
      h.backend.succeed(l, count(2), 0, [memoryCopy(1, l)]);
      await h.settle();
    }
    await expect(second).resolves.toBe(8);
    expect(h.clock.now).toBe(0);
    expect(reads(h, 1)).toEqual(['0:cached@1', '2:recomputed@1', '3:recomputed@1', '1:recomputed@1']);
    const recomputed = h.of('task.ended').find((e) => e.stageId === 1 && e.partition === 2)!;
    expect(recomputed.cache).toEqual({ rddId: 1, partition: 2, level: 'memory', read: 'recomputed', busyHolders: [] });
    expect(recomputed.explanation).toBe(
      'Task 2 of stage 1.0 recomputed partition 2 of rdd 1 on worker 1: no cached copy of it remained (lost with its worker, or cleared).',
    );
  });

  it('when the cached copies are cleared during the wait, the waiting tasks run elsewhere at once', async () => {
    const h = harness(2);
    const cached = await cachedUnevenly(h);
    const second = cached.count();
    await h.settle();
    h.backend.succeed(h.backend.find(1, 0), count(2));
    await h.settle();
    expect(placed(h, 1)).toEqual(['1@2']);
    expect((await h.ctx.chaos.clearBlocks({ rdd: 1 })).sort()).toEqual([
      'rdd/app-test/1/0',
      'rdd/app-test/1/1',
      'rdd/app-test/1/2',
      'rdd/app-test/1/3',
    ]);
    await h.settle();
    expect(placed(h, 1)).toEqual(['1@2', '2@1']);
    await h.complete(
      1,
      0,
      () => count(2),
      (l) => (l.task.partition === 1 ? [] : [memoryCopy(1, l)]),
    );
    await expect(second).resolves.toBe(8);
    expect(h.clock.now).toBe(0);
  });

  it('when the locality wait expires the task runs on the free worker and recomputes the partition, as Spark does', async () => {
    const h = harness(2);
    const cached = await cachedUnevenly(h);
    const second = cached.count();
    await h.settle();
    h.backend.succeed(h.backend.find(1, 0), count(2));
    await h.settle();
    // A local launch on worker 2 restarts the wait (Spark resets it on every launch at the preferred level).
    await h.advance(2000);
    h.backend.succeed(h.backend.find(1, 1), count(2));
    await h.settle();
    expect(placed(h, 1)).toEqual(['2@2']);
    await h.advance(2999);
    expect(placed(h, 1)).toEqual(['2@2']);
    // Only the timer wakes the scheduler: no task ends at the moment the wait expires.
    await h.advance(1);
    expect(placed(h, 1)).toEqual(['2@2', '3@1']);
    const stolen = h.backend.find(1, 3);
    h.backend.succeed(stolen, count(2), 0, [memoryCopy(1, stolen)]);
    h.backend.succeed(h.backend.find(1, 2), count(2));
    await h.settle();
    await expect(second).resolves.toBe(8);
    expect(reads(h, 1)).toEqual(['0:cached@1', '1:cached@2', '3:recomputed@1', '2:cached@2']);
    const ended = h.of('task.ended').find((e) => e.stageId === 1 && e.partition === 3)!;
    expect(ended.explanation).toBe(
      'Task 3 of stage 1.0 recomputed partition 3 of rdd 1 on worker 1: worker 2, which holds a cached copy, stayed busy for longer than the locality wait.',
    );
    // Now both workers hold partition 3.
    expect(
      h.ctx
        .blocks()
        .filter((b) => b.id === rddBlockId(APP, 1, 3))
        .map((b) => b.owner)
        .sort(),
    ).toEqual([1, 2]);
  });

  it('with two copies of a partition, losing one owner keeps the other, and the survivor is read', async () => {
    const h = harness(2);
    const cached = await cachedUnevenly(h);
    // No wait: worker 1 takes partition 2 while worker 2 is busy, so partition 2 gets a second copy.
    h.ctx.configure({ localityWaitMs: 0 });
    const second = cached.count();
    await h.settle();
    h.backend.succeed(h.backend.find(1, 0), count(2));
    await h.settle();
    expect(placed(h, 1)).toEqual(['1@2', '2@1']);
    const copy = h.backend.find(1, 2);
    h.backend.succeed(copy, count(2), 0, [memoryCopy(1, copy)]);
    await h.settle();
    await h.complete(1, 0, () => count(2));
    await expect(second).resolves.toBe(8);
    expect(
      h.ctx
        .blocks()
        .map((b) => `${b.id}@${b.owner}`)
        .sort(),
    ).toEqual([
      'rdd/app-test/1/0@1',
      'rdd/app-test/1/1@2',
      'rdd/app-test/1/2@1',
      'rdd/app-test/1/2@2',
      'rdd/app-test/1/3@2',
    ]);

    // Worker 1 holds the newer copy of partition 2; when it dies, worker 2's copy is still known.
    h.backend.loseExecutor(1, 'killed', 'killed by the test', true);
    await h.settle();
    expect(h.of('blocks.removed').map((e) => [e.owner, e.explanation])).toEqual([
      [1, '2 blocks of worker 1 died with it (killed by the test); other workers still hold copies of 1 of them.'],
    ]);
    expect(
      h.ctx
        .blocks()
        .map((b) => `${b.id}@${b.owner}`)
        .sort(),
    ).toEqual(['rdd/app-test/1/1@2', 'rdd/app-test/1/2@2', 'rdd/app-test/1/3@2']);

    h.ctx.configure({ localityWaitMs: 3000 });
    const third = cached.count();
    await h.settle();
    // Worker 3 replaced worker 1: partition 0 has no copy left, so it computes it; the rest wait for worker 2.
    expect(placed(h, 2)).toEqual(['1@2', '0@3']);
    for (const p of [0, 1, 2, 3]) {
      const l = h.backend.find(2, p);
      h.backend.succeed(l, count(2), 0, p === 0 ? [memoryCopy(1, l)] : []);
      await h.settle();
    }
    await expect(third).resolves.toBe(8);
    expect(reads(h, 2)).toEqual(['0:recomputed@3', '1:cached@2', '2:cached@2', '3:cached@2']);
  });

  it('when the worker with the newest copies dies, the older copies are still known and read: nothing is recomputed', async () => {
    const h = harness(1);
    const cached = twoStages(h.ctx, 2, 4).cache(); // rdd 2, after shuffle 0
    const first = cached.count();
    await h.complete(0, 0);
    await h.complete(
      1,
      0,
      () => count(1),
      (l) => [memoryCopy(2, l)],
    );
    await expect(first).resolves.toBe(4);
    // A second worker joins; with no locality wait it copies partitions 1-3 while worker 1 reads partition 0.
    expect(h.ctx.addExecutor()).toBe(2);
    h.ctx.configure({ localityWaitMs: 0 });
    const second = cached.count();
    await h.settle();
    expect(placed(h, 2)).toEqual(['0@1', '1@2']);
    for (const p of [1, 2, 3]) {
      const l = h.backend.find(2, p);
      expect(l.executorId).toBe(2);
      h.backend.succeed(l, count(1), 0, [memoryCopy(2, l)]);
      await h.settle();
    }
    h.backend.succeed(h.backend.find(2, 0), count(1));
    await expect(second).resolves.toBe(4);
    // Worker 2 holds the newest copies of partitions 1-3; worker 1 still holds all four.
    h.backend.loseExecutor(2, 'killed', 'killed by the test', true);
    await h.settle();
    expect(h.of('blocks.removed').map((e) => e.explanation)).toEqual([
      '3 blocks of worker 2 died with it (killed by the test); other workers still hold copies of 3 of them.',
    ]);
    h.ctx.configure({ localityWaitMs: 3000 });
    const third = cached.count();
    await h.settle();
    expect(h.submitted()).toEqual(['0.0[0,1]', '1.0[0,1,2,3]', '2.0[0,1,2,3]', '3.0[0,1,2,3]']);
    // Worker 3 (worker 2's replacement) holds nothing: every task waits for worker 1 and reads its copy.
    await h.complete(3, 0, () => count(1));
    await expect(third).resolves.toBe(4);
    expect(reads(h, 3)).toEqual(['0:cached@1', '1:cached@1', '2:cached@1', '3:cached@1']);
  });
});

describe('every copy of a cached partition', () => {
  it("unpersist and clearing by worker remove every copy, or only that worker's", async () => {
    const h = harness(2);
    const cached = await cachedUnevenly(h);
    h.ctx.configure({ localityWaitMs: 0 });
    const second = cached.count();
    await h.settle();
    h.backend.succeed(h.backend.find(1, 0), count(2));
    await h.settle();
    const copy = h.backend.find(1, 2);
    h.backend.succeed(copy, count(2), 0, [memoryCopy(1, copy)]);
    await h.settle();
    await h.complete(1, 0, () => count(2));
    await expect(second).resolves.toBe(8);
    const known = () =>
      h.ctx
        .blocks()
        .map((b) => `${b.id}@${b.owner}`)
        .sort();
    expect(known()).toEqual([
      'rdd/app-test/1/0@1',
      'rdd/app-test/1/1@2',
      'rdd/app-test/1/2@1',
      'rdd/app-test/1/2@2',
      'rdd/app-test/1/3@2',
    ]);
    // Clearing worker 1's blocks leaves worker 2's copy of partition 2.
    expect((await h.ctx.chaos.clearBlocks({ executor: 1 })).sort()).toEqual(['rdd/app-test/1/0', 'rdd/app-test/1/2']);
    expect(known()).toEqual(['rdd/app-test/1/1@2', 'rdd/app-test/1/2@2', 'rdd/app-test/1/3@2']);
    expect(h.of('blocks.removed').at(-1)!.owner).toBe(1);
    await cached.unpersist();
    expect(known()).toEqual([]);
    expect(h.of('blocks.removed').at(-1)).toMatchObject({
      blockIds: ['rdd/app-test/1/1', 'rdd/app-test/1/2', 'rdd/app-test/1/3'],
      explanation: '3 cached blocks of rdd 1 released (unpersisted).',
    });
    expect(h.of('blocks.removed').at(-1)!.owner).toBeUndefined();
  });
});

describe('locality of disk-cached partitions', () => {
  it('a disk-cached partition is read from IndexedDB by a free worker at once: locality is only a preference', async () => {
    const h = harness(2);
    const cached = h.ctx
      .parallelize([1, 2, 3, 4, 5, 6, 7, 8], 4)
      .map((x: number) => x)
      .persist('disk');
    const first = cached.count();
    await h.settle();
    const stored = (l: Launched): BlockInfo => ({
      id: rddBlockId(APP, 1, l.task.partition),
      app: APP,
      owner: l.executorId,
      encoding: 'records',
      bytes: 8,
      records: 2,
      checksum: 0,
    });
    for (const p of [1, 2, 3, 0]) {
      const l = h.backend.find(0, p);
      h.backend.succeed(l, count(2), 0, [stored(l)]);
      await h.settle();
    }
    await expect(first).resolves.toBe(8);
    const second = cached.count();
    await h.settle();
    h.backend.succeed(h.backend.find(1, 0), count(2));
    await h.settle();
    // Worker 2 holds partitions 1-3 and is busy: worker 1 reads partition 2 from IndexedDB without waiting.
    expect(placed(h, 1)).toEqual(['1@2', '2@1']);
    await h.complete(1, 0, () => count(2));
    await expect(second).resolves.toBe(8);
    expect(h.clock.now).toBe(0);
    expect(
      h
        .of('task.ended')
        .filter((e) => e.stageId === 1)
        .every((e) => e.cache?.read === 'cached'),
    ).toBe(true);
  });
});
