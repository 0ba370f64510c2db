import fc from 'fast-check';

/**
 * fast-check generators of the values that the engine's keys and records may hold, biased towards
 * the cases that break naive implementations: NaN, -0, ±Infinity, 1 beside 1n, null beside
 * undefined, lone surrogates beside U+FFFD, "__proto__" as an object field, objects with the same
 * fields in another order. Small domains make equal keys common, so grouping is actually exercised.
 */

/** One UTF-16 code unit or code point, lone surrogates included. */
const codeUnit = fc.oneof(
  fc.constantFrom('a', 'b', 'é', '\uFFFD', '\u0000'),
  fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
);

export const stringArb = fc.oneof(
  fc.constantFrom(
    '',
    'a',
    'b',
    '__proto__',
    'constructor',
    '\uD800',
    '\uDBFF',
    '\uDC00',
    '\uFFFD',
    '\uD83D\uDE00',
    '\uD83D',
    'NaN',
    '1',
  ),
  fc.string({ unit: codeUnit, maxLength: 4 }),
);

export const numberArb = fc.oneof(
  fc.constantFrom(
    0,
    -0,
    NaN,
    Infinity,
    -Infinity,
    1,
    -1,
    0.5,
    1.5,
    2 ** 31,
    -(2 ** 31) - 1,
    2 ** 53,
    Number.MAX_VALUE,
    Number.MIN_VALUE,
  ),
  fc.integer({ min: -2, max: 2 }),
  fc.double(),
);

export const bigintArb = fc.oneof(
  fc.constantFrom(0n, 1n, -1n, 2n ** 53n, 2n ** 64n + 1n, -(2n ** 70n)),
  fc.bigInt({ min: -2n, max: 2n }),
);

export const primitiveKeyArb = fc.oneof(
  fc.constant(null),
  fc.constant(undefined),
  fc.boolean(),
  numberArb,
  bigintArb,
  stringArb,
);

/** A plain object with these fields, "__proto__" defined as an own field; sometimes with a null prototype. */
export function objectOf(
  entries: readonly (readonly [string, unknown])[],
  nullPrototype = false,
): Record<string, unknown> {
  const obj: Record<string, unknown> = nullPrototype ? (Object.create(null) as Record<string, unknown>) : {};
  for (const [f, v] of entries)
    Object.defineProperty(obj, f, { value: v, writable: true, enumerable: true, configurable: true });
  return obj;
}

const fieldArb = fc.constantFrom('a', 'b', '__proto__', '', '\uD800');

/** Keys: primitives, and arrays and plain objects of keys, up to three levels deep. */
export const keyArb: fc.Arbitrary<unknown> = fc.letrec<{
  key: unknown;
  array: unknown[];
  object: Record<string, unknown>;
}>((tie) => ({
  key: fc.oneof({ maxDepth: 3, depthIdentifier: 'key' }, primitiveKeyArb, primitiveKeyArb, tie('array'), tie('object')),
  array: fc.array(tie('key'), { maxLength: 3, depthIdentifier: 'key' }),
  object: fc
    .tuple(fc.array(fc.tuple(fieldArb, tie('key')), { maxLength: 3, depthIdentifier: 'key' }), fc.boolean())
    .map(([entries, nullProto]) => objectOf(entries, nullProto)),
})).key;

/** Any value the record codec supports: keys' types, with free-form object field names. */
export const recordArb: fc.Arbitrary<unknown> = fc.letrec<{
  value: unknown;
  array: unknown[];
  object: Record<string, unknown>;
}>((tie) => ({
  value: fc.oneof(
    { maxDepth: 4, depthIdentifier: 'value' },
    primitiveKeyArb,
    primitiveKeyArb,
    tie('array'),
    tie('object'),
  ),
  array: fc.array(tie('value'), { maxLength: 4, depthIdentifier: 'value' }),
  object: fc
    .tuple(
      fc.array(fc.tuple(fc.oneof(fieldArb, stringArb), tie('value')), { maxLength: 4, depthIdentifier: 'value' }),
      fc.boolean(),
    )
    .map(([entries, nullProto]) => objectOf(entries, nullProto)),
})).value;
