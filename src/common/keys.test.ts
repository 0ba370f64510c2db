import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { keyArb, objectOf } from '../testing/keyArbitraries';
import { refCompareKeys, refKeyEquals, show } from '../testing/keyReference';
import { UnsupportedKeyError, canonicalKey, isSupportedKey, unsupportedKeyMessage } from './keys';
import { compareKeys, hashAsciiBytes, hashKey, sortKeys } from './ordering';

const sign = (n: number) => (n < 0 ? -1 : n > 0 ? 1 : 0);

/** A key equal to `k` but built differently: -0 for 0, another NaN, fields in reverse order, the other prototype. */
function equalVariant(k: unknown): unknown {
  if (typeof k === 'number')
    return k === 0 ? -k : Number.isNaN(k) ? new Float64Array(new Uint32Array([1, 0x7ff80000]).buffer)[0] : k;
  if (Array.isArray(k)) return k.map(equalVariant);
  if (k !== null && typeof k === 'object') {
    const entries = Object.keys(k)
      .reverse()
      .map((f) => [f, equalVariant((k as Record<string, unknown>)[f])] as const);
    return objectOf(entries, Object.getPrototypeOf(k) !== null);
  }
  return k;
}

/** Two keys: independent ones (small domains make them equal often) or a key and an equal variant of it. */
const keyPair = fc.oneof(
  fc.tuple(keyArb, keyArb),
  keyArb.map((k) => [k, equalVariant(k)] as [unknown, unknown]),
);

describe('key equality (keys.ts)', () => {
  it('is the documented equality, case by case', () => {
    const equal: [unknown, unknown][] = [
      [NaN, NaN],
      [-0, 0],
      [
        [NaN, -0],
        [NaN, 0],
      ],
      ['\uD800', '\uD800'],
      [
        { a: 1, b: [2] },
        { b: [2], a: 1 },
      ],
      [objectOf([['__proto__', 1]]), objectOf([['__proto__', 1]], true)],
      [10n ** 30n, 10n ** 30n],
    ];
    const different: [unknown, unknown][] = [
      [[null], [undefined]],
      [[NaN], [Infinity]],
      [[Infinity], [-Infinity]],
      [
        ['a', null],
        ['a', undefined],
      ],
      [1, 1n],
      [[1], [1n]],
      ['\uD800', '\uDBFF'],
      ['\uD800', '\uFFFD'],
      ['1', 1],
      [false, 0],
      [null, ''],
      [[], {}],
      [{ a: undefined }, {}],
      [objectOf([['__proto__', 1]]), {}],
      [
        [1, 2],
        [1, 2, undefined],
      ],
    ];
    for (const [a, b] of equal) {
      expect(canonicalKey(a), `${show(a)} = ${show(b)}`).toBe(canonicalKey(b));
      expect(compareKeys(a, b), `${show(a)} = ${show(b)}`).toBe(0);
      expect(hashKey(a), `${show(a)} = ${show(b)}`).toBe(hashKey(b));
    }
    for (const [a, b] of different) {
      expect(canonicalKey(a), `${show(a)} ≠ ${show(b)}`).not.toBe(canonicalKey(b));
      expect(compareKeys(a, b), `${show(a)} ≠ ${show(b)}`).not.toBe(0);
    }
  });

  it('canonicalKey, compareKeys and hashKey agree with the reference on generated keys', () => {
    fc.assert(
      fc.property(keyPair, ([a, b]) => {
        expect(isSupportedKey(a) && isSupportedKey(b)).toBe(true);
        const equal = refKeyEquals(a, b);
        expect(canonicalKey(a) === canonicalKey(b)).toBe(equal);
        expect(sign(compareKeys(a, b))).toBe(refCompareKeys(a, b));
        expect(sign(compareKeys(b, a))).toBe(-refCompareKeys(a, b) || 0);
        if (equal) expect(hashKey(a)).toBe(hashKey(b));
      }),
      { numRuns: 400 },
    );
  });

  it('sorting with compareKeys gives the reference order (a total order)', () => {
    fc.assert(
      fc.property(fc.array(keyArb, { maxLength: 12 }), (keys) => {
        const sorted = sortKeys([...keys]);
        for (let i = 0; i < sorted.length; i++) {
          for (let j = i + 1; j < sorted.length; j++)
            expect(
              refCompareKeys(sorted[i], sorted[j]),
              `${show(sorted[i])} before ${show(sorted[j])}`,
            ).toBeLessThanOrEqual(0);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('the fused word count hashes an ASCII word from its bytes exactly as hashKey hashes the string', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.integer({ min: 0, max: 0x7f }).map((c) => String.fromCharCode(c)), maxLength: 20 }),
        (word) => {
          const bytes = new TextEncoder().encode(`>${word}<`);
          expect(hashAsciiBytes(bytes, 1, word.length)).toBe(hashKey(word));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('rejects what cannot be a key, saying what and where it is', () => {
    class Point {}
    const cyclic: unknown[] = [];
    cyclic.push(cyclic);
    for (const bad of [
      new Map(),
      () => 1,
      Symbol('s'),
      new Date(0),
      new Point(),
      new Uint8Array(2),
      ['a', new Set()],
      { when: new Date(0) },
      cyclic,
    ]) {
      expect(isSupportedKey(bad)).toBe(false);
      expect(() => canonicalKey(bad)).toThrow(UnsupportedKeyError);
      expect(() => hashKey(bad)).toThrow(UnsupportedKeyError);
      expect(() => compareKeys(bad, bad)).toThrow(UnsupportedKeyError);
    }
    const hint =
      'A key must be null, undefined, a boolean, a number, a bigint, a string, or an array or plain object of these. ' +
      'Turn the key into one of these before the shuffle (for example a Date into its getTime(), a Map into an array of its entries).';
    expect(unsupportedKeyMessage(['a', new Map()])).toBe(`Unsupported key: got a Map at key[1]. ${hint}`);
    expect(unsupportedKeyMessage({ when: [new Date(0)] })).toBe(`Unsupported key: got a Date at key.when[0]. ${hint}`);
    expect(unsupportedKeyMessage({ 'a b': new Point() })).toBe(
      `Unsupported key: got a Point instance at key["a b"]. ${hint}`,
    );
    expect(unsupportedKeyMessage(() => 1)).toBe(`Unsupported key: got a function as the key. ${hint}`);
    expect(unsupportedKeyMessage(cyclic)).toBe(
      `Unsupported key: got a cyclic key (or one nested more than 256 levels deep). ${hint}`,
    );
  });
});
