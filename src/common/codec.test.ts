import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { recordArb } from '../testing/keyArbitraries';
import { show } from '../testing/keyReference';
import {
  NotSerializableError,
  decodeRecords,
  decodeWordCounts,
  encodeRecords,
  encodeWordCounts,
  forEachPair,
} from './codec';
import { fnv1a } from './checksum';

/**
 * Why `decoded` is not an exact copy of `original` (null if it is): Object.is for every primitive (NaN,
 * -0, 1 vs 1n), the same array lengths, the same own fields in the same order, and every decoded
 * object an ordinary one (prototype Object.prototype, whatever the original's was).
 */
function copyDifference(original: unknown, decoded: unknown, path = 'record'): string | null {
  if (typeof original !== 'object' || original === null) {
    return Object.is(original, decoded) ? null : `${path}: ${show(decoded)} instead of ${show(original)}`;
  }
  if (typeof decoded !== 'object' || decoded === null) return `${path}: ${show(decoded)} instead of ${show(original)}`;
  if (Array.isArray(original)) {
    if (!Array.isArray(decoded) || decoded.length !== original.length)
      return `${path}: ${show(decoded)} instead of ${show(original)}`;
    for (let i = 0; i < original.length; i++) {
      const d = copyDifference(original[i], decoded[i], `${path}[${i}]`);
      if (d) return d;
    }
    return null;
  }
  if (Object.getPrototypeOf(decoded) !== Object.prototype) return `${path}: decoded with another prototype`;
  const fo = Object.keys(original);
  const fd = Object.keys(decoded);
  if (fo.length !== fd.length || fo.some((f, i) => f !== fd[i]))
    return `${path}: fields ${show(fd)} instead of ${show(fo)}`;
  for (const f of fo) {
    const d = copyDifference(
      (original as Record<string, unknown>)[f],
      (decoded as Record<string, unknown>)[f],
      `${path}[${JSON.stringify(f)}]`,
    );
    if (d) return d;
  }
  return null;
}

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
      { a: 1, b: 'two', c: [null, { d: true }], ключ: undefined },
      123456789012345678901234567890n,
    ];
    const decoded = decodeRecords(encodeRecords(records, 'map (rdd 1)'));
    expect(decoded).toEqual(records);
    expect(Object.is(decoded[5], -0)).toBe(true);
    expect(decoded[12]).toBeNaN();
  });

  it('is compact for word-count pairs', () => {
    expect(encodeRecords([['the', 5]], 'x').byteLength).toBe(11); // format, count, array tag, length, string tag, length, "the", int tag, zigzag 5;
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

  it('keeps lone surrogates: strings round-trip code unit for code unit', () => {
    const strings = [
      '\uD800',
      '\uDBFF',
      '\uDC00',
      '\uDFFF',
      '\uFFFD',
      'a\uD800b',
      '\uD83D\uDE00',
      '\uDE00\uD83D',
      '\uD83D\uD83D\uDE00',
      '\uD83D',
      `${'x'.repeat(40)}\uDC00${'é'.repeat(40)}\uFFFD`,
      '\uFFFD\uD800',
      '\uED00\uD7FF\uE000',
    ];
    const decoded = decodeRecords(encodeRecords(strings, 'map (rdd 1)')) as string[];
    for (let i = 0; i < strings.length; i++) expect(show(decoded[i])).toBe(show(strings[i]));
    expect(new Set(decoded).size).toBe(strings.length);
    // Well-formed text is plain UTF-8, as before: '\u00e9' is C3 A9.
    expect([...encodeRecords(['\u00e9'], 'x')]).toEqual([0xe1, 1, 6, 2, 0xc3, 0xa9]);
    expect(
      decodeWordCounts(
        encodeWordCounts([
          ['\uD800', 1],
          ['\uFFFD', 2],
          ['\uDBFF', 3],
        ]),
      ),
    ).toEqual([
      ['\uD800', 1],
      ['\uFFFD', 2],
      ['\uDBFF', 3],
    ]);
  });

  it('decodes an own "__proto__" field as an ordinary field of an ordinary object', () => {
    const original = JSON.parse('{"a": 1, "__proto__": {"polluted": true}, "b": [2]}') as Record<string, unknown>;
    expect(Object.keys(original)).toEqual(['a', '__proto__', 'b']);
    const [decoded, key] = decodeRecords(encodeRecords([original, [original, 1]], 'map (rdd 1)')) as [
      Record<string, unknown>,
      [Record<string, unknown>, number],
    ];
    for (const obj of [decoded, key[0]]) {
      expect(Object.getPrototypeOf(obj)).toBe(Object.prototype);
      expect(Object.keys(obj)).toEqual(['a', '__proto__', 'b']);
      expect(Object.getOwnPropertyDescriptor(obj, '__proto__')?.value).toEqual({ polluted: true });
      expect(JSON.stringify(obj)).toBe('{"a":1,"__proto__":{"polluted":true},"b":[2]}');
      expect(Object.keys({ ...obj })).toEqual(['a', '__proto__', 'b']);
      expect(obj.polluted).toBeUndefined();
      expect(Object.prototype.hasOwnProperty.call(obj, '__proto__')).toBe(true);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    forEachPair(encodeRecords([[original, 1]], 'x'), (k) =>
      expect(Object.keys(k as object)).toEqual(['a', '__proto__', 'b']),
    );
  });

  it('carries bigints anywhere a number can be', () => {
    const records = [[[1n, 'a'], -(2n ** 70n)], { n: 0n, nested: [[-1n]] }, 10n ** 40n];
    const decoded = decodeRecords(encodeRecords(records, 'map (rdd 1)'));
    expect(copyDifference(records, decoded)).toBeNull();
  });

  it('round-trips any supported value exactly (fuzz)', () => {
    fc.assert(
      fc.property(fc.array(recordArb, { maxLength: 8 }), (records) => {
        const bytes = encodeRecords(records, 'map (rdd 1)');
        expect(copyDifference(records, decodeRecords(bytes))).toBeNull();
      }),
      { numRuns: 300 },
    );
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
