import { describe, expect, it } from 'vitest';
import {
  datasetBlockId,
  isRddBlockId,
  kindPrefix,
  rddBlockId,
  shuffleBlockId,
  type BlockRecord,
  type StoredRun,
} from '../protocol';
import { inProcessContext } from '../testing/inProcessContext';

const setup = inProcessContext;

const text = (s: string, name = 'f.txt') => new File([s], name);

describe('stage splitting and pipelining (in-process executor)', () => {
  it('pipelines narrow transformations into one stage with one task per partition', async () => {
    const { ctx, backend, events } = setup();
    const out = await ctx
      .parallelize([1, 2, 3, 4, 5, 6, 7, 8], 4)
      .map((x) => x * 10)
      .filter((x) => x !== 30)
      .flatMap((x) => [x, x + 1])
      .collect();
    expect(out).toEqual([10, 11, 20, 21, 40, 41, 50, 51, 60, 61, 70, 71, 80, 81]);
    expect(backend.launched).toHaveLength(4);
    const job = events.find((e) => e.type === 'job.submitted');
    expect(job?.type === 'job.submitted' && job.stages.map((s) => s.operations)).toEqual([
      ['parallelize', 'map', 'filter', 'flatMap'],
    ]);
  });

  it('splits the sorted word count at its two shuffles into three stages', async () => {
    const { ctx, events } = setup();
    const inputs = await ctx.inputs.add([text('b a b\nc b a\n')]);
    const rows = await ctx.wordCount({ inputs, tokenizer: 'words', inputSplits: 2, shufflePartitions: 2 }).collect();
    expect(rows).toEqual([
      ['b', 3],
      ['a', 2],
      ['c', 1],
    ]);
    const jobs = events.filter((e) => e.type === 'job.submitted');
    const main = jobs.at(-1);
    expect(
      main?.type === 'job.submitted' && main.stages.map((s) => [s.stageId, s.kind, s.operations, s.parentStageIds]),
    ).toEqual([
      [0, 'shuffleMap', ['textFile', 'tokenize', 'pairWithOne', 'combine + shuffle write'], []],
      [2, 'shuffleMap', ['reduceByKey', 'keyBy', 'shuffle write'], [0]],
      [3, 'result', ['sortByKey', 'values'], [2]],
    ]);
    // The range partitioner's sample job ran first; the main job then skipped stage 0.
    expect(jobs).toHaveLength(2);
    expect(events.some((e) => e.type === 'stage.skipped' && e.stageId === 0)).toBe(true);
  });

  it("the page's journaled word count drops its cached counts when done, run after run", async () => {
    const { ctx } = setup();
    const inputs = await ctx.inputs.add([text('b a b\nc b a\n')]);
    for (let run = 0; run < 3; run++) {
      expect(await ctx.runWordCount({ inputs, tokenizer: 'words', inputSplits: 2, shufflePartitions: 2 })).toEqual([
        ['b', 3],
        ['a', 2],
        ['c', 1],
      ]);
      expect(ctx.blocks().filter((b) => isRddBlockId(b.id))).toEqual([]);
    }
  });

  it('skips a map stage whose outputs exist and computes only missing partitions', async () => {
    const { ctx, backend, events } = setup();
    const counts = ctx
      .parallelize(['x', 'y', 'x', 'z', 'x', 'y'], 3)
      .map((w) => [w, 1] as [string, number])
      .reduceByKey((a, b) => a + b, { numPartitions: 2 });
    expect(new Map(await counts.collect())).toEqual(
      new Map([
        ['x', 3],
        ['y', 2],
        ['z', 1],
      ]),
    );
    const before = backend.launched.length;
    expect(await counts.count()).toBe(3);
    // Second job: only the 2 result tasks ran; the 3 map tasks were skipped.
    expect(backend.launched.length - before).toBe(2);
    expect(
      events.filter((e) => e.type === 'stage.skipped').map((e) => e.type === 'stage.skipped' && e.stageId),
    ).toEqual([0]);
  });

  it('collect, count, take, reduce, distinct, groupByKey, union and sortByKey give exact results', async () => {
    const { ctx } = setup();
    const nums = ctx.parallelize([5, 3, 9, 1, 7, 3, 5], 3);
    expect(await nums.count()).toBe(7);
    expect(await nums.take(3)).toEqual([5, 3, 9]);
    expect(await nums.reduce((a, b) => a + b)).toBe(33);
    expect((await nums.distinct(2).collect()).sort()).toEqual([1, 3, 5, 7, 9]);
    const grouped = await nums
      .map((x) => [x % 2 === 0 ? 'even' : 'odd', x] as [string, number])
      .groupByKey(2)
      .collect();
    expect(grouped.map(([k, v]) => [k, [...v].sort()])).toEqual([['odd', [1, 3, 3, 5, 5, 7, 9]]]);
    expect(await nums.union(ctx.parallelize([100], 1)).count()).toBe(8);
    const sorted = await nums
      .map((x) => [x, String(x)] as [number, string])
      .sortByKey(false, 3)
      .collect();
    expect(sorted.map(([k]) => k)).toEqual([9, 7, 5, 5, 3, 3, 1]);
  });

  it('a cached RDD is computed once and read from the cache by the next action', async () => {
    const { ctx, backend } = setup();
    const cached = ctx
      .parallelize([1, 2, 3, 4], 2)
      .map((x) => x * 2)
      .persist('disk');
    expect(await cached.collect()).toEqual([2, 4, 6, 8]);
    expect(
      ctx
        .blocks()
        .map((b) => b.id)
        .sort(),
    ).toEqual([rddBlockId(ctx.app, cached.id, 0), rddBlockId(ctx.app, cached.id, 1)]);
    expect(await cached.map((x) => x + 1).collect()).toEqual([3, 5, 7, 9]);
    expect(backend.launched).toHaveLength(4);
    expect(cached.toDebugString()).toBe(`(2) map (rdd 1) [disk]\n |  (2) parallelize (rdd 0)`);
  });

  it('prints the lineage of a shuffle like Spark', () => {
    const { ctx } = setup();
    const rdd = ctx
      .parallelize(['a'], 2)
      .map((w) => [w, 1] as [string, number])
      .reduceByKey('sum');
    expect(rdd.toDebugString()).toBe(
      ['(2) reduceByKey (rdd 2)', ' +-(2) map (rdd 1)', '    |  (2) parallelize (rdd 0)'].join('\n'),
    );
  });

  it('saves a result as a stored dataset that reads back in order', async () => {
    const { ctx, store } = setup();
    const id = await ctx
      .parallelize(['x', 'y', 'z'], 2)
      .map((w) => w.toUpperCase())
      .saveAsDataset('letters');
    expect(await ctx.readDataset(id)).toEqual(['X', 'Y', 'Z']);
    expect([...store.blocks.keys()].filter((k) => k.startsWith(kindPrefix('dataset'))).sort()).toEqual([
      datasetBlockId(ctx.app, id, 0),
      datasetBlockId(ctx.app, id, 1),
    ]);
  });

  it('memory-cached partitions are reported to the block master and forgotten with their worker', async () => {
    const { ctx, backend } = setup();
    const cached = ctx
      .parallelize([1, 2, 3, 4], 2)
      .map((x) => x + 1)
      .cache();
    expect(await cached.count()).toBe(4);
    const owners = ctx.blocks().map((b) => [b.id, b.owner]);
    expect(owners.map(([id]) => id).sort()).toEqual([
      rddBlockId(ctx.app, cached.id, 0),
      rddBlockId(ctx.app, cached.id, 1),
    ]);
    const owner = ctx.blocks()[0]!.owner!;
    backend.kill(owner, 'killed', 'killed by the test');
    expect(ctx.blocks().every((b) => b.owner !== owner)).toBe(true);
    expect(await cached.collect()).toEqual([2, 3, 4, 5]);
  });

  it('exports every event but heartbeats as JSON lines', async () => {
    const { ctx } = setup();
    await ctx.parallelize([1], 1).count();
    const lines = (await ctx.events.exportJsonLines())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string });
    expect(lines.map((l) => l.type)).toEqual([
      'executor.added',
      'executor.added',
      'job.submitted',
      'stage.submitted',
      'task.started',
      'task.ended',
      'stage.completed',
      'job.succeeded',
    ]);
  });

  it('many small files are grouped into few tasks and still count exactly', async () => {
    const { ctx, backend } = setup();
    const files = Array.from({ length: 500 }, (_, i) => text(`file ${i} word\nWord ${i % 3}\n`, `f${i}.txt`));
    const rows = await ctx
      .textFile(files, { minPartitions: 4 })
      .tokenize('words')
      .pairWithOne()
      .reduceByKey<string, number>('sum', { numPartitions: 2 })
      .collect();
    const counts = new Map(rows);
    expect(counts.get('word')).toBe(1000);
    expect(counts.get('file')).toBe(500);
    expect(counts.get('0')).toBe(1 + 167);
    const mapTasks = backend.launched.filter((t) => t.stageId === 0);
    expect(mapTasks.length).toBeGreaterThanOrEqual(4);
    expect(mapTasks.length).toBeLessThanOrEqual(5);
  });

  it("stop() deletes this engine's blocks only: another app's blocks on the same store stay", async () => {
    const { ctx, store } = setup();
    const foreign: BlockRecord = {
      id: shuffleBlockId('app-other', 0, 0, 0),
      app: 'app-other',
      owner: 1,
      encoding: 'records',
      payload: new ArrayBuffer(4),
      bytes: 4,
      records: 1,
      checksum: 0,
    };
    store.blocks.set(foreign.id, foreign);
    store.live.add('app-other');
    const counts = ctx
      .parallelize(['x', 'y', 'x'], 2)
      .map((w) => [w, 1] as [string, number])
      .reduceByKey('sum', { numPartitions: 2 })
      .persist('disk');
    expect(new Map(await counts.collect())).toEqual(
      new Map([
        ['x', 2],
        ['y', 1],
      ]),
    );
    expect([...store.blocks.keys()].filter((id) => id !== foreign.id).length).toBeGreaterThan(0);
    await ctx.stop();
    expect([...store.blocks.keys()]).toEqual([foreign.id]);
  });

  it('a run journaled by a live engine is not interrupted; the same run of an engine gone is offered', async () => {
    const run = (runId: string, app: 'app-live' | 'app-gone'): StoredRun => ({
      runId,
      app,
      blockApp: app,
      status: 'running',
      startedAt: 1,
      shuffleIds: [0, 1],
      rangeBounds: null,
      options: { inputs: [], tokenizer: 'words', inputSplits: 2, shufflePartitions: 2 },
    });
    const { ctx, store } = setup();
    store.live.add('app-live');
    await store.saveRun(run('other-tab', 'app-live'));
    await store.saveRun(run('closed-tab', 'app-gone'));
    expect((await ctx.interruptedRuns()).map((r) => r.runId)).toEqual(['closed-tab']);
    await expect(ctx.resumeRun('other-tab')).rejects.toThrow("There is no interrupted run 'other-tab'");
  });
});
