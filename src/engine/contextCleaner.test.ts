import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { EmberContext } from './context';
import { isRddBlockId, rddBlockId, type EngineEvent } from '../protocol';
import type { RDD } from './rdd';
import { inProcessContext } from '../testing/inProcessContext';

// A real garbage collection: the cleaner acts on what V8 actually collects, as in the browser.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const setup = inProcessContext;

/**
 * Collects garbage until `done` holds. FinalizationRegistry callbacks run in a task after the
 * collection, and the cleanup they start is asynchronous: each round yields to both.
 */
async function collectUntil(ctx: EmberContext, done: () => boolean, rounds = 20): Promise<boolean> {
  for (let i = 0; i < rounds; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 0));
    await ctx.cleanerSettled();
    if (done()) return true;
  }
  return false;
}

/** Every per-job and per-shuffle structure the scheduler keeps, all empty (Spark's assertDataStructuresEmpty). */
const EMPTY = {
  activeStages: 0,
  idleMapStages: 0,
  shuffles: 0,
  jobs: 0,
  stageJobs: 0,
  waiting: 0,
  running: 0,
  failed: 0,
  lostWhy: 0,
  removedExecutors: 0,
  executorEpochs: 0,
  taskSets: 0,
  resubmitPending: 0,
  trackedShuffles: 0,
  removedBlockIds: 0,
  cachedRdds: 0,
};

const text = (s: string) => new File([s], 'f.txt');

/** A grouped count whose RDDs are garbage once it returns: only the result escapes. */
async function groupedCount(ctx: EmberContext): Promise<[string, number][]> {
  const rows = await ctx
    .parallelize(['a', 'b', 'a', 'c'], 2)
    .map((w) => [w, 1] as [string, number])
    .reduceByKey<string, number>('sum', { numPartitions: 2 })
    .collect();
  return rows.sort();
}

describe('the context cleaner', () => {
  it("releases a shuffle's blocks, map outputs and stage once no RDD can reach it", async () => {
    const { ctx, store, events } = setup();
    expect(await groupedCount(ctx)).toEqual([
      ['a', 2],
      ['b', 1],
      ['c', 1],
    ]);
    const written = ctx.blocks().map((b) => b.id);
    expect(written.length).toBeGreaterThan(0);
    expect(ctx.schedulerState()).toMatchObject({ activeStages: 0, jobs: 0, running: 0, trackedShuffles: 1 });

    expect(await collectUntil(ctx, () => ctx.blocks().length === 0)).toBe(true);
    expect(ctx.schedulerState()).toEqual(EMPTY);
    expect([...store.blocks.keys()].filter((id) => (written as string[]).includes(id))).toEqual([]);
    const removed = events.filter((e) => e.type === 'blocks.removed');
    expect(removed.map((e) => e.type === 'blocks.removed' && e.explanation)).toEqual([
      `${written.length} blocks of shuffle 0 released by the cleaner: no live RDD can read them any more.`,
    ]);
  });

  it('keeps everything an RDD still reachable can read, so a later job skips the stored map stage', async () => {
    const { ctx, events } = setup();
    const counts = ctx
      .parallelize(['a', 'b', 'a'], 2)
      .map((w) => [w, 1] as [string, number])
      .reduceByKey<string, number>('sum', { numPartitions: 2 });
    expect((await counts.collect()).sort()).toEqual([
      ['a', 2],
      ['b', 1],
    ]);
    const blocks = ctx.blocks().length;
    // Nothing to clean: collecting garbage never releases the live shuffle.
    expect(await collectUntil(ctx, () => ctx.blocks().length !== blocks, 5)).toBe(false);
    expect(await counts.count()).toBe(2);
    expect(
      events.filter((e) => e.type === 'stage.skipped').map((e) => e.type === 'stage.skipped' && e.stageId),
    ).toEqual([0]);
    expect(events.some((e) => e.type === 'blocks.removed')).toBe(false);
  });

  it('unpersists the cached partitions of a persisted RDD once it is collected', async () => {
    const { ctx, events } = setup();
    const cachedCount = async () => {
      const cached = ctx
        .parallelize([1, 2, 3, 4], 2)
        .map((x) => x + 1)
        .persist('memory');
      return [
        await cached.count(),
        cached.id,
        ctx
          .blocks()
          .map((b) => b.id)
          .sort(),
      ] as const;
    };
    const [n, rddId, ids] = await cachedCount();
    expect(n).toBe(4);
    expect(ids).toEqual([rddBlockId('app-test', rddId, 0), rddBlockId('app-test', rddId, 1)]);
    expect(await collectUntil(ctx, () => ctx.blocks().length === 0)).toBe(true);
    expect(ctx.schedulerState()).toEqual(EMPTY);
    expect(
      events.filter((e) => e.type === 'blocks.removed').map((e) => e.type === 'blocks.removed' && e.explanation),
    ).toEqual([
      `2 cached blocks of rdd ${rddId} released by the cleaner: the RDD was garbage-collected, so nothing can read them any more.`,
    ]);
  });

  it("releases ctx.wordCount's cached counts when each action on it ends, and caches them again for the next", async () => {
    const { ctx, events } = setup();
    const inputs = await ctx.inputs.add([text('b a b\nc b a\n')]);
    const wc: RDD<[string, number]> = ctx.wordCount({
      inputs,
      tokenizer: 'words',
      inputSplits: 2,
      shufflePartitions: 2,
    });
    for (let i = 0; i < 2; i++) {
      expect(await wc.collect()).toEqual([
        ['b', 3],
        ['a', 2],
        ['c', 1],
      ]);
      expect(ctx.blocks().filter((b) => isRddBlockId(b.id))).toEqual([]);
    }
    const released = events.filter(
      (e) =>
        e.type === 'blocks.removed' &&
        /word count's counts are cached only while an action on it runs/.test(e.explanation),
    );
    expect(released.map((e) => e.type === 'blocks.removed' && e.blockIds.length)).toEqual([2]);
    // The second collect read both stored shuffle outputs: it needed the counts neither cached nor recomputed.
    const jobs = events.filter((e) => e.type === 'job.submitted');
    expect(jobs).toHaveLength(3);
    const last =
      jobs.at(-1)!.type === 'job.submitted'
        ? (jobs.at(-1) as Extract<EngineEvent, { type: 'job.submitted' }>).jobId
        : -1;
    expect(events.filter((e) => e.type === 'stage.skipped' && e.jobId === last)).toHaveLength(2);
  });

  it('after 20 word counts on one context the driver holds what one run holds, and the scheduler nothing', async () => {
    const { ctx, store } = setup();
    const inputs = await ctx.inputs.add([text('b a b\nc b a\n')]);
    for (let run = 0; run < 20; run++) {
      expect(
        await ctx.wordCount({ inputs, tokenizer: 'words', inputSplits: 2, shufflePartitions: 2 }).collect(),
      ).toEqual([
        ['b', 3],
        ['a', 2],
        ['c', 1],
      ]);
    }
    expect(await collectUntil(ctx, () => ctx.blocks().length === 0)).toBe(true);
    expect(store.blocks.size).toBe(0);
    expect(ctx.schedulerState()).toEqual(EMPTY);
  });

  it('forgets the epochs of a removed worker once none of its tasks can report', async () => {
    const { ctx, backend } = setup();
    expect(await groupedCount(ctx)).toEqual([
      ['a', 2],
      ['b', 1],
      ['c', 1],
    ]);
    backend.kill(1, 'killed', 'killed by the test');
    expect(ctx.schedulerState().removedExecutors).toBe(1);
    expect(await groupedCount(ctx)).toEqual([
      ['a', 2],
      ['b', 1],
      ['c', 1],
    ]);
    expect(ctx.schedulerState()).toMatchObject({ removedExecutors: 0, executorEpochs: 0, jobs: 0, activeStages: 0 });
  });
});
