import { describe, expect, it } from 'vitest';
import { compareKeys, hashKey, hashPartition, rangePartition, sortKeys } from './ordering';

describe('ordering', () => {
  it('orders kinds and values totally', () => {
    const sorted = [
      null,
      undefined,
      false,
      true,
      -Infinity,
      -(2n ** 64n),
      -1,
      0,
      2,
      2n,
      2.5,
      10,
      Infinity,
      NaN,
      '',
      'B',
      'a',
      'b',
      '\uD800',
      '\uFFFD',
      [],
      [null],
      [undefined],
      [1],
      [1, 2],
      [2],
      {},
      { a: 1 },
      { a: 1, b: 0 },
      { b: 0 },
    ];
    const shuffled = [...sorted].reverse();
    expect(sortKeys(shuffled)).toEqual(sorted);
    expect(compareKeys(undefined, null)).toBe(1);
    expect(compareKeys(-0, 0)).toBe(0);
    expect(compareKeys(NaN, NaN)).toBe(0);
    expect(compareKeys({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(0);
  });

  it('hashes deterministically and partitions non-negatively', () => {
    expect(hashKey('a')).toBe(0xe40c292c);
    expect(hashKey(['a', 1])).toBe(hashKey(['a', 1]));
    expect(hashKey(3)).toBe(hashKey(3.0));
    expect(hashKey(-0)).toBe(hashKey(0));
    expect(hashKey([NaN, -0])).toBe(hashKey([0 / 0, 0]));
    expect(hashKey({ a: 1, b: [2] })).toBe(hashKey({ b: [2], a: 1 }));
    for (const k of ['x', -5, 1.25, ['y'], { z: 1 }, null, true, 7n, '\uD800']) {
      const p = hashPartition(k, 7);
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThan(7);
    }
  });

  it('range-partitions with bounds in both directions', () => {
    const bounds = [10, 20, 30];
    expect([5, 10, 11, 20, 25, 31].map((k) => rangePartition(k, bounds, true))).toEqual([0, 0, 1, 1, 2, 3]);
    const desc = [30, 20, 10];
    expect([35, 30, 25, 20, 11, 5].map((k) => rangePartition(k, desc, false))).toEqual([0, 0, 1, 1, 2, 3]);
  });
});
