import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EmberContext } from './context';
import { InProcessBackend } from '../testing/inProcessBackend';
import { assertDataStructuresEmptyAfterTest } from '../testing/assertDataStructuresEmpty';
import { MemoryEngineStore } from '../testing/memoryEngineStore';
import { keyArb, objectOf } from '../testing/keyArbitraries';
import { matchGroups, refCompareKeys, refGroups, refKeyEquals, show } from '../testing/keyReference';

/**
 * The keyed operators against the reference equality and order of src/testing/keyReference.ts, with
 * the real executor code in-process: every job goes through a real shuffle (records encoded into
 * blocks, fetched and decoded by the reducers), over 1 or several map and reduce partitions.
 */
function setup() {
  const store = new MemoryEngineStore();
  const ctx = new EmberContext({ resubmitDelayMs: 0 }, { backend: new InProcessBackend(store, 2), store });
  assertDataStructuresEmptyAfterTest(ctx);
  return { ctx };
}

type Pair = [unknown, number];

/** Generated input: keys (often equal ones), and how many map and reduce partitions to use. */
const input = fc.record({
  keys: fc.array(keyArb, { maxLength: 20 }),
  maps: fc.constantFrom(1, 3),
  reducers: fc.constantFrom(1, 4),
});

/** Each key paired with its index: values are distinct, so a lost or doubled record shows. */
const pairsOf = (keys: unknown[]): Pair[] => keys.map((k, i) => [k, i]);

const RUNS = { numRuns: 50 };

describe('keyed operators follow the key equality (property tests, in-process executors)', () => {
  it('reduceByKey merges exactly the keys the reference groups together', async () => {
    const { ctx } = setup();
    await fc.assert(
      fc.asyncProperty(input, fc.boolean(), async ({ keys, maps, reducers }, builtinSum) => {
        const pairs = pairsOf(keys);
        const rdd = ctx.parallelize(pairs, maps);
        const out = await (
          builtinSum
            ? rdd.reduceByKey('sum', { numPartitions: reducers })
            : rdd.reduceByKey((a, b) => a + b, { numPartitions: reducers })
        ).collect();
        const groups = refGroups(pairs);
        for (const [group, sum] of matchGroups(groups, out))
          expect(sum, show(group.key)).toBe(group.values.reduce((a, b) => a + b, 0));
      }),
      RUNS,
    );
  });

  it('groupByKey gathers exactly the values of the reference groups', async () => {
    const { ctx } = setup();
    await fc.assert(
      fc.asyncProperty(input, async ({ keys, maps, reducers }) => {
        const pairs = pairsOf(keys);
        const out = await ctx.parallelize(pairs, maps).groupByKey(reducers).collect();
        for (const [group, values] of matchGroups(refGroups(pairs), out))
          expect(
            [...values].sort((a, b) => a - b),
            show(group.key),
          ).toEqual(group.values);
      }),
      RUNS,
    );
  });

  it('distinct keeps one record per reference class', async () => {
    const { ctx } = setup();
    await fc.assert(
      fc.asyncProperty(input, async ({ keys, maps, reducers }) => {
        const out = await ctx.parallelize(keys, maps).distinct(reducers).collect();
        matchGroups(
          refGroups(keys.map((k) => [k, null] as const)),
          out.map((k) => [k, null] as const),
        );
      }),
      RUNS,
    );
  });

  it('sortByKey and sortBy give the reference order, in both directions, losing no record', async () => {
    const { ctx } = setup();
    await fc.assert(
      fc.asyncProperty(input, fc.boolean(), fc.boolean(), async ({ keys, maps, reducers }, ascending, viaSortBy) => {
        const pairs = pairsOf(keys);
        const rdd = ctx.parallelize(pairs, maps);
        const out = viaSortBy
          ? await rdd.sortBy((p) => p[0], ascending, { numPartitions: reducers }).collect()
          : await rdd.sortByKey(ascending, reducers).collect();
        expect(out.map((p) => p[1]).sort((a, b) => a - b)).toEqual(pairs.map((p) => p[1]));
        for (const [k, i] of out)
          expect(refKeyEquals(k, keys[i]), `${show(k)} came back for ${show(keys[i])}`).toBe(true);
        for (let i = 1; i < out.length; i++) {
          const c = refCompareKeys(out[i - 1][0], out[i][0]);
          expect(ascending ? c <= 0 : c >= 0, `${show(out[i - 1][0])} before ${show(out[i][0])}`).toBe(true);
        }
      }),
      RUNS,
    );
  });
});

describe('keys the JSON text used to merge or break', () => {
  const adversarial: unknown[] = [
    [null],
    [undefined],
    [NaN],
    [Infinity],
    [-Infinity],
    ['a', null],
    ['a', undefined],
    [1],
    [1n],
    ['\uD800'],
    ['\uDBFF'],
    ['\uFFFD'],
  ];

  it('reduceByKey, groupByKey and distinct keep every adversarial key apart, and merge NaN with NaN and -0 with 0', async () => {
    const { ctx } = setup();
    const pairs = [...adversarial, [0 / 0], [-0], [0]].map((k, i) => [k, i] as Pair);
    const sums = new Map(
      (await ctx.parallelize(pairs, 3).reduceByKey('sum', { numPartitions: 4 }).collect()).map(([k, v]) => [
        show(k),
        v,
      ]),
    );
    expect(sums).toEqual(
      new Map([
        ['[null]', 0],
        ['[undefined]', 1],
        ['[NaN]', 2 + 12],
        ['[Infinity]', 3],
        ['[-Infinity]', 4],
        ['["a", null]', 5],
        ['["a", undefined]', 6],
        ['[1]', 7],
        ['[1n]', 8],
        ['["\\ud800"]', 9],
        ['["\\udbff"]', 10],
        ['["�"]', 11],
        // The first of -0 and 0 to reach the reducer is the key shown; either way they are one key.
        [show(sums.has('[-0]') ? [-0] : [0]), 13 + 14],
      ]),
    );
    const groups = await ctx.parallelize(pairs, 2).groupByKey(3).collect();
    expect(groups).toHaveLength(13);
    expect(new Set(groups.map(([k]) => show(k))).size).toBe(13);
    const distinct = await ctx.parallelize(adversarial, 2).distinct(3).collect();
    expect(distinct.map(show).sort()).toEqual(adversarial.map(show).sort());
  });

  it('a bigint inside a tuple key goes through a map-side combine and a user reduce function', async () => {
    const { ctx } = setup();
    const out = await ctx
      .parallelize(
        [
          [[1n, 'a'], 1],
          [[1n, 'a'], 2],
          [[1, 'a'], 4],
          [[2n ** 64n, 'b'], 8],
        ] as [[bigint | number, string], number][],
        2,
      )
      .reduceByKey((a, b) => a + b, { numPartitions: 2 })
      .collect();
    expect(new Map(out.map(([k, v]) => [show(k), v]))).toEqual(
      new Map([
        ['[1n, "a"]', 3],
        ['[1, "a"]', 4],
        ['[18446744073709551616n, "b"]', 8],
      ]),
    );
  });

  it('strings with lone surrogates survive map and collect unchanged', async () => {
    const { ctx } = setup();
    const out = await ctx
      .parallelize(['\uD800', '\uDBFF', '\uFFFD', 'x\uDC00y'], 2)
      .map((s) => s)
      .collect();
    expect(out.map(show)).toEqual(['"\\ud800"', '"\\udbff"', '"�"', '"x\\udc00y"']);
  });

  it('a record with an own "__proto__" field groups as an ordinary key and comes back intact', async () => {
    const { ctx } = setup();
    const withProto = JSON.parse('{"__proto__": {"x": 1}, "a": 1}') as object;
    const reordered = objectOf([
      ['a', 1],
      ['__proto__', { x: 1 }],
    ]);
    const out = await ctx
      .parallelize(
        [
          [withProto, 1],
          [reordered, 2],
          [{ a: 1 }, 4],
        ] as [object, number][],
        2,
      )
      .groupByKey(2)
      .collect();
    expect(out).toHaveLength(2);
    const [protoKey, values] = out.find(([k]) => Object.keys(k).length === 2)!;
    expect(Object.getPrototypeOf(protoKey)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(protoKey, '__proto__')?.value).toEqual({ x: 1 });
    expect([...values].sort()).toEqual([1, 2]);
    expect(out.find(([k]) => Object.keys(k).length === 1)![1]).toEqual([4]);
  });
});

describe('keys that are not supported', () => {
  const hint =
    'A key must be null, undefined, a boolean, a number, a bigint, a string, or an array or plain object of these. ' +
    'Turn the key into one of these before the shuffle (for example a Date into its getTime(), a Map into an array of its entries).';

  it('fail the job naming the shuffling operator, what the bad part is and where', async () => {
    const { ctx } = setup();
    // rdd 0 parallelize, rdd 1 map, rdd 2 the shuffle (distinct: its own map first, then the shuffle).
    const reduce = ctx
      .parallelize([1, 2], 1)
      .map((x) => [['k', new Map([[x, x]])], x] as [unknown, number])
      .reduceByKey((a, b) => a + b);
    await expect(reduce.collect()).rejects.toThrow(
      `failed 4 times; most recent failure: reduceByKey (rdd 2) threw: Unsupported key: got a Map at key[1]. ${hint}`,
    );

    const group = ctx
      .parallelize([1], 1)
      .map((x) => [{ at: new Date(x) }, x] as [unknown, number])
      .groupByKey();
    await expect(group.collect()).rejects.toThrow(
      `groupByKey (rdd 5) threw: Unsupported key: got a Date at key.at. ${hint}`,
    );

    const distinct = ctx
      .parallelize([1], 1)
      .map((x) => [x, () => x])
      .distinct();
    await expect(distinct.collect()).rejects.toThrow(
      `distinct (rdd 9) threw: Unsupported key: got a function at key[1]. ${hint}`,
    );
  });

  it('a combined value that cannot be shuffled is blamed on the map-side combine, not on the map before it', async () => {
    const { ctx } = setup();
    const combined = ctx
      .parallelize([1, 2], 1)
      .map((x) => ['k', x] as [string, unknown])
      .reduceByKey((a, b) => new Map([[a, b]]));
    await expect(combined.collect()).rejects.toThrow(
      'failed and cannot be retried: Record produced by the map-side combine of reduceByKey (rdd 2) cannot be sent between workers: it contains a Map.',
    );
  });

  it('fail a sort in its sampling job, named after the sort, not as a record the codec cannot encode', async () => {
    const { ctx } = setup();
    // rdd 0 parallelize, rdd 1 sortBy's keyBy, rdd 2 the sortByKey shuffle.
    const sorted = ctx.parallelize([1, 2], 1).sortBy((x) => new Date(x));
    await expect(sorted.collect()).rejects.toThrow(
      `most recent failure: sortByKey (rdd 2) threw: Unsupported key: got a Date as the key. ${hint}`,
    );
  });
});
