import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inProcessContext } from '../testing/inProcessContext';
import { keyArb } from '../testing/keyArbitraries';
import { matchGroups, refCompareKeys, refGroups, refKeyEquals, show } from '../testing/keyReference';
import { canonicalRows, refCogroup, refJoin, refSubtractByKey, type JoinKind } from '../testing/pairReference';

/**
 * The pair operations against the pure references of src/testing/pairReference.ts and keyReference.ts,
 * over generated keys of every supported type, with the real executor code in-process: every shuffle
 * writes and reads encoded blocks, over 1 or several partitions on each side.
 */
type Pair = [unknown, number];

/** Two sides sharing some keys; values are distinct numbers, so a lost or doubled row shows. */
const twoSides = fc
  .record({
    left: fc.array(keyArb, { maxLength: 12 }),
    right: fc.array(keyArb, { maxLength: 8 }),
    shared: fc.array(fc.nat(), { maxLength: 6 }),
    leftParts: fc.constantFrom(1, 3),
    rightParts: fc.constantFrom(1, 2),
    reducers: fc.constantFrom(undefined, 1, 4),
  })
  .map(({ left, right, shared, ...rest }) => {
    const rightKeys = [...right, ...(left.length > 0 ? shared.map((i) => left[i % left.length]) : [])];
    return {
      left: left.map((k, i): Pair => [k, i]),
      right: rightKeys.map((k, i): Pair => [k, 100 + i]),
      ...rest,
    };
  });

// Few runs each: every run is a real job of two shuffles, and no unit test may take over a second.
const RUNS = { numRuns: 12 };
const keysOf = (pairs: readonly Pair[]) => pairs.map(([k]) => k);

describe('pair operations against the reference (property tests, in-process executors)', () => {
  for (const kind of ['join', 'leftOuterJoin', 'rightOuterJoin', 'fullOuterJoin'] as JoinKind[]) {
    it(`${kind} gives exactly the reference's rows (missing side undefined)`, async () => {
      const { ctx } = inProcessContext();
      await fc.assert(
        fc.asyncProperty(twoSides, async ({ left, right, leftParts, rightParts, reducers }) => {
          const l = ctx.parallelize(left, leftParts);
          const out = await l[kind](ctx.parallelize(right, rightParts), reducers).collect();
          const universe = [...keysOf(left), ...keysOf(right)];
          expect(canonicalRows(out as [unknown, unknown][], universe)).toEqual(
            canonicalRows(refJoin(kind, left, right), universe),
          );
        }),
        RUNS,
      );
    });
  }

  it('cogroup gives every key once with its values from each side, in input order per side', async () => {
    const { ctx } = inProcessContext();
    await fc.assert(
      fc.asyncProperty(twoSides, async ({ left, right, leftParts, rightParts, reducers }) => {
        const out = await ctx
          .parallelize(left, leftParts)
          .cogroup(ctx.parallelize(right, rightParts), reducers)
          .collect();
        const ref = refCogroup(left, right);
        const groups = ref.map(([key, values]) => ({ key, values: [values] }));
        for (const [group, [vs, ws]] of matchGroups(groups, out)) {
          // Values of one side arrive from its partitions in map order, and inside one in record order.
          expect([vs, ws], show(group.key)).toEqual(group.values[0]);
        }
      }),
      RUNS,
    );
  });

  it('subtractByKey keeps exactly the left pairs whose key the right lacks', async () => {
    const { ctx } = inProcessContext();
    await fc.assert(
      fc.asyncProperty(twoSides, async ({ left, right, leftParts, rightParts, reducers }) => {
        const out = await ctx
          .parallelize(left, leftParts)
          .subtractByKey(ctx.parallelize(right, rightParts), reducers)
          .collect();
        const universe = keysOf(left);
        expect(canonicalRows(out, universe)).toEqual(canonicalRows(refSubtractByKey(left, right), universe));
      }),
      RUNS,
    );
  });

  it('subtract keeps duplicates of records absent on the right; intersection is distinct', async () => {
    const { ctx } = inProcessContext();
    await fc.assert(
      fc.asyncProperty(fc.array(keyArb, { maxLength: 12 }), fc.array(keyArb, { maxLength: 8 }), async (a, b) => {
        const both = [...a, ...b];
        const sub = await ctx
          .parallelize([...a, ...a], 3)
          .subtract(ctx.parallelize(b, 2))
          .collect();
        const refSub = [...a, ...a].filter((x) => !b.some((y) => refKeyEquals(x, y)));
        const asRows = (xs: unknown[]) =>
          canonicalRows(
            xs.map((x) => [x, null]),
            both,
          );
        expect(asRows(sub)).toEqual(asRows(refSub));
        const inter = await ctx
          .parallelize([...a, ...a], 2)
          .intersection(ctx.parallelize(b, 3))
          .collect();
        const refInter = refGroups(a.map((x) => [x, 0])).filter((g) => b.some((y) => refKeyEquals(g.key, y)));
        expect(asRows(inter)).toEqual(asRows(refInter.map((g) => g.key)));
      }),
      { numRuns: 6 },
    );
  });

  it('aggregateByKey, combineByKey and foldByKey merge exactly the reference groups', async () => {
    const { ctx } = inProcessContext();
    await fc.assert(
      fc.asyncProperty(twoSides, async ({ left, leftParts, reducers }) => {
        const rdd = ctx.parallelize(left, leftParts);
        const groups = refGroups(left);
        const sorted = (xs: number[]) => [...xs].sort((x, y) => x - y);
        // The zero is an array that seqOp mutates: each key must start from its own copy.
        const agg = await rdd
          .aggregateByKey(
            [] as number[],
            (acc, v) => {
              acc.push(v);
              return acc;
            },
            (x, y) => x.concat(y),
            { numPartitions: reducers },
          )
          .collect();
        for (const [g, values] of matchGroups(groups, agg))
          expect(sorted(values), show(g.key)).toEqual(sorted(g.values));
        const combined = await rdd
          .combineByKey(
            (v) => ({ n: 1, sum: v }),
            (c, v) => ({ n: c.n + 1, sum: c.sum + v }),
            (a, b) => ({ n: a.n + b.n, sum: a.sum + b.sum }),
            { numPartitions: reducers },
          )
          .collect();
        for (const [g, c] of matchGroups(groups, combined))
          expect(c, show(g.key)).toEqual({ n: g.values.length, sum: g.values.reduce((x, y) => x + y, 0) });
        // foldByKey applies the zero once per key per map partition, as Spark's does: zero 0 keeps the sum.
        const folded = await rdd.foldByKey(0, (x, y) => x + y, { numPartitions: reducers }).collect();
        for (const [g, sum] of matchGroups(groups, folded))
          expect(sum, show(g.key)).toBe(g.values.reduce((x, y) => x + y, 0));
      }),
      { numRuns: 6 },
    );
  });

  it('countByKey and countByValue return Maps where 1 and "1" stay distinct', async () => {
    const { ctx } = inProcessContext();
    const byValue = await ctx.parallelize<unknown>([1, '1', 1, 1n, -0, 0, NaN, NaN, null, undefined], 3).countByValue();
    expect([...byValue].sort(([a], [b]) => refCompareKeys(a, b))).toEqual(
      [
        [null, 1],
        [undefined, 1],
        [0, 2],
        [1, 2],
        [1n, 1],
        [NaN, 2],
        ['1', 1],
      ].sort(([a], [b]) => refCompareKeys(a, b)),
    );
    const byKey = await ctx
      .parallelize<[unknown, string]>(
        [
          [1, 'a'],
          ['1', 'b'],
          [1, 'c'],
          [[1, 2], 'd'],
          [[1, 2], 'e'],
        ],
        2,
      )
      .countByKey();
    expect(byKey.get(1)).toBe(2);
    expect(byKey.get('1')).toBe(1);
    expect([...byKey].find(([k]) => Array.isArray(k))).toEqual([[1, 2], 2]);
    expect(byKey.size).toBe(3);
  });

  it('mapValues, flatMapValues, keys and values keep keys and order', async () => {
    const { ctx } = inProcessContext();
    const rdd = ctx.parallelize<[string, number]>(
      [
        ['a', 1],
        ['b', 2],
        ['a', 3],
      ],
      2,
    );
    expect(await rdd.mapValues((v, p) => v * p.k, { params: { k: 10 } }).collect()).toEqual([
      ['a', 10],
      ['b', 20],
      ['a', 30],
    ]);
    expect(await rdd.flatMapValues((v) => Array.from({ length: v }, (_, i) => i)).collect()).toEqual([
      ['a', 0],
      ['b', 0],
      ['b', 1],
      ['a', 0],
      ['a', 1],
      ['a', 2],
    ]);
    expect(await rdd.keys().collect()).toEqual(['a', 'b', 'a']);
    expect(await rdd.values().collect()).toEqual([1, 2, 3]);
  });

  it('cartesian pairs every record of one side with every record of the other', async () => {
    const { ctx } = inProcessContext();
    const a = ctx.parallelize([1, 2, 3], 2);
    const b = ctx.parallelize(['x', 'y'], 2);
    const out = a.cartesian(b);
    expect(out.numPartitions).toBe(4);
    expect((await out.collect()).map((p) => p.join('')).sort()).toEqual(['1x', '1y', '2x', '2y', '3x', '3y']);
  });
});

describe('partitioning and other transformations', () => {
  it('coalesce never raises the partition count and keeps every record in order', async () => {
    const { ctx } = inProcessContext();
    const rdd = ctx.parallelize([...Array(10).keys()], 5);
    expect(rdd.coalesce(2).numPartitions).toBe(2);
    expect(await rdd.coalesce(2).glom().collect()).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7, 8, 9],
    ]);
    expect(rdd.coalesce(50).numPartitions).toBe(5);
    expect(await rdd.coalesce(50).collect()).toEqual([...Array(10).keys()]);
  });

  it('repartition spreads records over the new partitions and loses none', async () => {
    const { ctx } = inProcessContext();
    const parts = await ctx
      .parallelize([...Array(40).keys()], 2)
      .repartition(4)
      .glom()
      .collect();
    expect(parts).toHaveLength(4);
    expect(parts.every((p) => p.length > 0)).toBe(true);
    expect(parts.flat().sort((x, y) => x - y)).toEqual([...Array(40).keys()]);
  });

  it('partitionBy puts equal keys in one partition (hash), or sorted key ranges (range)', async () => {
    const { ctx } = inProcessContext();
    const pairs: [number, number][] = [...Array(30).keys()].map((i) => [i % 7, i]);
    const hashed = await ctx.parallelize(pairs, 3).partitionBy(4).glom().collect();
    expect(hashed).toHaveLength(4);
    for (let k = 0; k < 7; k++) expect(hashed.filter((p) => p.some(([key]) => key === k))).toHaveLength(1);
    const ranged = await ctx.parallelize(pairs, 3).partitionBy(3, 'range').glom().collect();
    const maxes = ranged
      .filter((p) => p.length > 0)
      .map((p) => [Math.min(...p.map(([k]) => k)), Math.max(...p.map(([k]) => k))]);
    for (let i = 1; i < maxes.length; i++) expect(maxes[i]![0]).toBeGreaterThan(maxes[i - 1]![1]!);
    expect(ranged.flat()).toHaveLength(30);
  });

  it('zipWithIndex numbers records 0.. in partition order after a job counting all but the last partition', async () => {
    const { ctx, events } = inProcessContext();
    const rdd = ctx.parallelize(['a', 'b', 'c', 'd', 'e'], 3).filter((x) => x !== 'b');
    const zipped = rdd.zipWithIndex();
    expect(await zipped.collect()).toEqual([
      ['a', 0],
      ['c', 1],
      ['d', 2],
      ['e', 3],
    ]);
    const jobs = events.filter((e) => e.type === 'job.submitted').map((e) => e.description);
    expect(jobs).toEqual([`partitionCounts of ${rdd.label} (partitions 0-1 of 3)`, `collect of ${zipped.label}`]);
    // The offsets are counted once: a second action runs one job.
    expect(await zipped.count()).toBe(4);
    expect(events.filter((e) => e.type === 'job.submitted')).toHaveLength(3);
  });

  it('sample is seeded: the same seed gives the same records, recomputed or not; fractions hold roughly', async () => {
    const { ctx } = inProcessContext();
    const rdd = ctx.parallelize([...Array(2000).keys()], 4);
    const a = rdd.sample(false, 0.1, 42);
    const first = await a.collect();
    expect(await a.collect()).toEqual(first);
    expect(await rdd.sample(false, 0.1, 42).collect()).toEqual(first);
    expect(await rdd.sample(false, 0.1, 43).collect()).not.toEqual(first);
    expect(first.length).toBeGreaterThan(140);
    expect(first.length).toBeLessThan(260);
    const withReplacement = await rdd.sample(true, 2, 7).count();
    expect(withReplacement).toBeGreaterThan(3700);
    expect(withReplacement).toBeLessThan(4300);
    expect(() => rdd.sample(false, 1.5)).toThrow('sample() needs a fraction between 0 and 1, got 1.5.');
  });

  it('glom gives each partition as one array, empty partitions included', async () => {
    const { ctx } = inProcessContext();
    expect(await ctx.parallelize([1, 2, 3], 4).glom().collect()).toEqual([[], [1], [2], [3]]);
  });
});

describe('actions', () => {
  it('first, top and takeOrdered use the key order; first fails on an empty RDD', async () => {
    const { ctx } = inProcessContext();
    const rdd = ctx.parallelize([5, 1, 'b', 4, 'a', 9, 2n], 3);
    expect(await rdd.first()).toBe(5);
    expect(await rdd.takeOrdered(3)).toEqual([1, 2n, 4]);
    expect(await rdd.top(2)).toEqual(['b', 'a']);
    expect(await rdd.top(0)).toEqual([]);
    await expect(ctx.parallelize([], 2).first()).rejects.toThrow(
      /first\(\) of parallelize \(rdd \d+\) found no records/,
    );
  });

  it('fold and aggregate start each partition and the final merge from their own copy of zero', async () => {
    const { ctx } = inProcessContext();
    const rdd = ctx.parallelize([1, 2, 3, 4, 5], 3);
    expect(await rdd.fold(0, (a, b) => a + b)).toBe(15);
    // Spark's fold adds the zero once per partition and once more on the driver: 3 partitions + 1.
    expect(await rdd.fold(1, (a, b) => a + b)).toBe(19);
    const agg = await rdd.aggregate(
      { n: 0, items: [] as number[] },
      (acc, x) => {
        acc.n++;
        acc.items.push(x);
        return acc;
      },
      (a, b) => ({ n: a.n + b.n, items: [...a.items, ...b.items] }),
    );
    expect(agg).toEqual({ n: 5, items: [1, 2, 3, 4, 5] });
  });

  it('foreach and foreachPartition run in the workers and report through an accumulator', async () => {
    const { ctx } = inProcessContext();
    const rdd = ctx.parallelize([1, 2, 3, 4], 3);
    const sum = ctx.accumulator(0);
    await rdd.foreach((x, p) => p.sum.add(x), { params: { sum } });
    expect(sum.value).toBe(10);
    const parts = ctx.accumulator(0n);
    await rdd.foreachPartition((xs, p) => p.parts.add(BigInt(xs.length > 0 ? 1 : 0)), { params: { parts } });
    expect(parts.value).toBe(3n);
  });
});
