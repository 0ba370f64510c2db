import { describe, expect, it } from 'vitest';
import { NotSerializableError, decodeRecords, decodeWordCounts, encodeRecords, encodeWordCounts } from './codec';
import { fnv1a } from './checksum';

describe('record codec', () => {
  it('round-trips plain data exactly', () => {
    const records = [
      null,
      undefined,
      true,
      false,
      0,
      -0,
      1,
      -1,
      2147483647,
      -2147483648,
      2147483648,
      1.5,
      NaN,
      Infinity,
      -Infinity,
      '',
      'ascii',
      'ünïcødé 日本 😀',
      'x'.repeat(300),
      ['word', 3],
      [[1, [2, [3]]], {}],
      { a: 1, b: 'two', c: [null, { d: true }], 'ключ': undefined },
      123456789012345678901234567890n,
    ];
    const decoded = decodeRecords(encodeRecords(records, 'map (rdd 1)'));
    expect(decoded).toEqual(records);
    expect(Object.is(decoded[5], -0)).toBe(true);
    expect(decoded[12]).toBeNaN();
  });

  it('is compact for word-count pairs', () => {
    expect(encodeRecords([['the', 5]], 'x').byteLength).toBe(11) // format, count, array tag, length, string tag, length, "the", int tag, zigzag 5;
  });

  it('names the operator and the offending type', () => {
    const bad = [
      [() => 1, 'a function'],
      [Symbol('s'), 'a symbol'],
      [new Map(), 'a Map'],
      [new Set([1]), 'a Set'],
      [new Date(0), 'a Date'],
      [new (class Point {})(), 'a Point instance'],
    ] as const;
    for (const [value, type] of bad) {
      let caught: unknown;
      try {
        encodeRecords([['key', { nested: [value] }]], 'map (rdd 3)');
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(NotSerializableError);
      const err = caught as NotSerializableError;
      expect(err.operator).toBe('map (rdd 3)');
      expect(err.message).toBe(
        `Record produced by map (rdd 3) cannot be sent between workers: it contains ${type}. ` +
          'Return plain data: strings, numbers, booleans, null, arrays and plain objects.',
      );
    }
  });

  it('rejects cycles instead of overflowing the stack', () => {
    const a: unknown[] = [];
    a.push(a);
    expect(() => encodeRecords([a], 'flatMap (rdd 2)')).toThrow(/flatMap \(rdd 2\).*cyclic/);
  });

  it('rejects truncated input', () => {
    const bytes = encodeRecords(['hello', 'world'], 'x');
    expect(() => decodeRecords(bytes.subarray(0, bytes.length - 2))).toThrow(/Truncated|Corrupt/);
  });
});

describe('word-count codec', () => {
  it('round-trips maps and pair lists, including long and non-ASCII words', () => {
    const entries: [string, number][] = [
      ['the', 1234567],
      ['a', 1],
      ['naïve', 2],
      ['日本語', 300],
      ['😀', 128],
      ['w'.repeat(200), 16384],
      ['é'.repeat(100), 7],
    ];
    const bytes = encodeWordCounts(entries);
    expect(decodeWordCounts(bytes)).toEqual(entries);
    expect(decodeWordCounts(encodeWordCounts(new Map(entries)))).toEqual(entries);
    expect(decodeWordCounts(encodeWordCounts([]))).toEqual([]);
    expect(() => decodeWordCounts(bytes.subarray(0, bytes.length - 1))).toThrow();
  });

  it('has a stable checksum', () => {
    expect(fnv1a(new TextEncoder().encode('a'))).toBe(0xe40c292c);
    expect(fnv1a(new Uint8Array(0))).toBe(0x811c9dc5);
  });
});
