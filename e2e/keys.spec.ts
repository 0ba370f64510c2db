import { test, expect } from './fixtures';

// The keys that JSON text merged or broke, through real workers and a real IndexedDB shuffle. Every
// value is built inside the page and shown there as exact ASCII text: NaN, -0, undefined, bigints and
// lone surrogates would not all survive the trip to the test process as they are.
test('reduceByKey, groupByKey and distinct keep adversarial keys apart in real workers; lone surrogates survive collect', async ({
  harness,
}) => {
  const out = await harness.evaluate(async () => {
    const show = (v: unknown): string => {
      if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
      if (typeof v === 'bigint') return `${v}n`;
      // JSON.stringify escapes a lone surrogate as \udXXX.
      if (typeof v === 'string') return JSON.stringify(v);
      if (v === undefined || v === null) return String(v);
      if (Array.isArray(v)) return `[${v.map(show).join(', ')}]`;
      return `{${Object.keys(v as object)
        .map((f) => `${JSON.stringify(f)}: ${show((v as Record<string, unknown>)[f])}`)
        .join(', ')}}`;
    };
    const ctx = window.emberflow.createContext({ workers: 2, name: `keys-${Math.random().toString(36).slice(2)}` });
    const shuffleMapStages: number[] = [];
    ctx.events.subscribe((e) => {
      if (e.type === 'job.submitted') shuffleMapStages.push(e.stages.filter((s) => s.kind === 'shuffleMap').length);
    });
    try {
      const keys: unknown[] = [
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
        '\uD800',
        '\uDBFF',
        '\uFFFD',
        [0 / 0],
        [-0],
        [0],
        JSON.parse('{"__proto__": 1, "a": 2}') as unknown,
        { a: 2, ['__proto__']: 1 },
        { a: 2 },
      ];
      // Key i carries the value 2^i: a sum names exactly which keys were merged.
      const pairs = keys.map((k, i) => [k, 2 ** i] as [unknown, number]);
      const summed = await ctx.parallelize(pairs, 3).reduceByKey('sum', { numPartitions: 4 }).collect();
      const reduced = await ctx
        .parallelize(pairs, 2)
        .reduceByKey((a: number, b: number) => a + b, { numPartitions: 3 })
        .collect();
      const grouped = await ctx.parallelize(pairs, 3).groupByKey(2).collect();
      const distinct = await ctx.parallelize(keys, 2).distinct(3).collect();
      const bigintTuples = await ctx
        .parallelize(
          [
            [[1n, 'a'], 1],
            [[1n, 'a'], 2],
            [[1, 'a'], 4],
            [[2n ** 64n, 'b'], 8],
          ] as [unknown, number][],
          2,
        )
        .reduceByKey((a: number, b: number) => a + b, { numPartitions: 2 })
        .collect();
      const collected = await ctx
        .parallelize(['\uD800', '\uDBFF', '\uFFFD', 'x\uDC00y', '😀'], 2)
        .map((s: string) => s)
        .collect();
      const byKeyThenValue = (rows: [unknown, unknown][]) => rows.map(([k, v]) => `${show(k)} → ${show(v)}`).sort();
      return {
        summed: byKeyThenValue(summed),
        reduced: byKeyThenValue(reduced),
        grouped: byKeyThenValue(grouped.map(([k, vs]) => [k, [...vs].sort((a, b) => a - b)])),
        distinct: distinct.map(show).sort(),
        bigintTuples: byKeyThenValue(bigintTuples),
        collected: collected.map(show),
        protoKeyIsPlain: summed
          .filter(([k]) => k !== null && typeof k === 'object' && !Array.isArray(k))
          .map(([k]) => Object.getPrototypeOf(k) === Object.prototype),
        shuffleMapStages,
      };
    } finally {
      await ctx.stop();
    }
  });

  // [-0] and [0] are one key, shown as whichever of the two reached the reducer first.
  const sameZero = (rows: string[]) => rows.map((r) => r.replace(/^\[-0\] /, '[0] ')).sort();
  const sums = [
    '[null] → 1',
    '[undefined] → 2',
    '[NaN] → 32772',
    '[Infinity] → 8',
    '[-Infinity] → 16',
    '["a", null] → 32',
    '["a", undefined] → 64',
    '[1] → 128',
    '[1n] → 256',
    '["\\ud800"] → 512',
    '["\\udbff"] → 1024',
    '["�"] → 2048',
    '"\\ud800" → 4096',
    '"\\udbff" → 8192',
    '"�" → 16384',
    '[0] → 196608',
    '{"__proto__": 1, "a": 2} → 786432',
    '{"a": 2} → 1048576',
  ];
  expect(sameZero(out.summed)).toEqual(sameZero(sums));
  expect(sameZero(out.reduced)).toEqual(sameZero(sums));
  expect(out.grouped).toHaveLength(18);
  expect(out.grouped).toContain('[NaN] → [4, 32768]');
  expect(out.grouped).toContain('[null] → [1]');
  expect(out.grouped).toContain('[undefined] → [2]');
  expect(out.grouped).toContain('{"__proto__": 1, "a": 2} → [262144, 524288]');
  expect(out.distinct).toHaveLength(18);
  expect(out.bigintTuples).toEqual(['[1, "a"] → 4', '[18446744073709551616n, "b"] → 8', '[1n, "a"] → 3']);
  expect(out.collected).toEqual(['"\\ud800"', '"\\udbff"', '"�"', '"x\\udc00y"', '"😀"']);
  expect(out.protoKeyIsPlain).toEqual([true, true]);
  // Every job above shuffled: one map stage each.
  expect(out.shuffleMapStages).toEqual([1, 1, 1, 1, 1, 0]);
});
