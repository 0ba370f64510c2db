import { describeValueType } from './notSerializableError';

/**
 * The keys of reduceByKey, groupByKey, distinct and sortByKey/sortBy.
 *
 * Supported keys: null, undefined, booleans, numbers, bigints, strings, and arrays and plain objects
 * (prototype Object.prototype or null) of supported keys, nested up to MAX_KEY_DEPTH levels.
 *
 * Two keys are equal exactly when Spark's tuple and String equality, carried over to JavaScript,
 * makes them equal:
 * - numbers by SameValueZero: NaN equals NaN and -0 equals 0 (as PySpark's float keys);
 * - a bigint never equals a number: 1n and 1 are two keys;
 * - strings by their UTF-16 code units, lone surrogates included, with no Unicode normalization;
 * - null and undefined are two keys, and neither equals false, 0 or '';
 * - arrays element by element (same length; a hole counts as undefined);
 * - plain objects when they have the same own enumerable string keys, in any order, with equal values
 *   (symbol-keyed properties are ignored, as the record codec ignores them).
 *
 * An operator's output shows one of the equal keys it met for each key (a -0 key may come back as 0).
 *
 * Anything else (functions, symbols, Maps, Sets, Dates, typed arrays, class instances) is rejected
 * with UnsupportedKeyError; a shuffle turns that into a task failure naming its operator.
 *
 * hashKey and compareKeys (ordering.ts) agree with this equality: equal keys hash alike and compare
 * as 0, and compareKeys returns 0 only for equal keys.
 */
export type Key =
  null | undefined | boolean | number | bigint | string | readonly Key[] | { readonly [field: string]: Key };

/** Deeper keys are taken for cycles: they are rejected rather than overflow the stack. */
export const MAX_KEY_DEPTH = 256;

/** A key (or part of one) that is not of a supported type, or one nested too deeply (a cycle). */
export class UnsupportedKeyError extends Error {
  override readonly name = 'UnsupportedKeyError';
  constructor(readonly what: string) {
    super(`${what} cannot be a key. ${KEY_TYPES_HINT}`);
  }
}

const KEY_TYPES_HINT =
  'A key must be null, undefined, a boolean, a number, a bigint, a string, or an array or plain object of these.';

/** Whether `v` is an object the codec and the key equality treat as a plain object. */
export function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

export function unsupported(v: unknown): UnsupportedKeyError {
  return new UnsupportedKeyError(describeValueType(v));
}

const TOO_DEEP = `a cyclic key (or one nested more than ${MAX_KEY_DEPTH} levels deep)`;

export function tooDeep(): UnsupportedKeyError {
  return new UnsupportedKeyError(TOO_DEEP);
}

/**
 * A string that is the same for two keys exactly when the keys are equal: every part is tagged with
 * its type, strings are length-prefixed and kept code unit for code unit, object fields are sorted.
 * The aggregators key composite keys by it (primitives key a Map directly: SameValueZero already
 * is the equality above for them). Throws UnsupportedKeyError.
 */
export function canonicalKey(key: unknown): string {
  return canonical(key, 0);
}

function canonical(v: unknown, depth: number): string {
  switch (typeof v) {
    case 'string':
      return `s${v.length}:${v}`;
    case 'number':
      // String() is exact for doubles, and gives '0' for -0 and 'NaN' for every NaN.
      return `d${v};`;
    case 'bigint':
      return `b${v};`;
    case 'boolean':
      return v ? 't' : 'f';
    case 'undefined':
      return 'u';
    case 'object': {
      if (v === null) return 'n';
      if (depth >= MAX_KEY_DEPTH) throw tooDeep();
      if (Array.isArray(v)) {
        let s = '[';
        for (let i = 0; i < v.length; i++) s += canonical(v[i], depth + 1);
        return s + ']';
      }
      if (!isPlainObject(v)) throw unsupported(v);
      const fields = Object.keys(v).sort();
      let s = '{';
      for (const f of fields) s += `s${f.length}:${f}${canonical((v as Record<string, unknown>)[f], depth + 1)}`;
      return s + '}';
    }
    default:
      throw unsupported(v);
  }
}

/** Whether `key` is a supported key, without building anything (a validator for sampled keys). */
export function isSupportedKey(key: unknown, depth = 0): boolean {
  switch (typeof key) {
    case 'string':
    case 'number':
    case 'bigint':
    case 'boolean':
    case 'undefined':
      return true;
    case 'object': {
      if (key === null) return true;
      if (depth >= MAX_KEY_DEPTH) return false;
      if (Array.isArray(key)) {
        for (let i = 0; i < key.length; i++) if (!isSupportedKey(key[i], depth + 1)) return false;
        return true;
      }
      if (!isPlainObject(key)) return false;
      for (const f of Object.keys(key))
        if (!isSupportedKey((key as Record<string, unknown>)[f], depth + 1)) return false;
      return true;
    }
    default:
      return false;
  }
}

/** Rejects a primitive that cannot be a key (a function or a symbol); composite keys are checked as they are walked. */
export function checkPrimitiveKey(key: unknown): void {
  const t = typeof key;
  if (t === 'function' || t === 'symbol') throw unsupported(key);
}

/** `path` is null when the key as a whole is the problem (a cycle). */
export interface UnsupportedPart {
  path: string | null;
  what: string;
}

/**
 * Where in `key` the first unsupported part is, as a path like "[1].when", and what it is; null when
 * the whole key is supported. Used only to explain a failure, so it may walk the key again.
 */
export function findUnsupportedPart(key: unknown): UnsupportedPart | null {
  const walk = (v: unknown, path: string, depth: number): UnsupportedPart | null => {
    switch (typeof v) {
      case 'string':
      case 'number':
      case 'bigint':
      case 'boolean':
      case 'undefined':
        return null;
      case 'object': {
        if (v === null) return null;
        if (depth >= MAX_KEY_DEPTH) return { path: null, what: TOO_DEEP };
        if (Array.isArray(v)) {
          for (let i = 0; i < v.length; i++) {
            const found = walk(v[i], `${path}[${i}]`, depth + 1);
            if (found) return found;
          }
          return null;
        }
        if (!isPlainObject(v)) return { path, what: describeValueType(v) };
        for (const f of Object.keys(v)) {
          const found = walk(
            (v as Record<string, unknown>)[f],
            `${path}${/^[A-Za-z_$][\w$]*$/.test(f) ? `.${f}` : `[${JSON.stringify(f)}]`}`,
            depth + 1,
          );
          if (found) return found;
        }
        return null;
      }
      default:
        return { path, what: describeValueType(v) };
    }
  };
  return walk(key, '', 0);
}

/**
 * The message of a task that met an unsupported key: what and where the bad part is, which types
 * work, and what to do. The failure's operator is the shuffle that needed the key.
 */
export function unsupportedKeyMessage(key: unknown): string {
  const part = findUnsupportedPart(key);
  const where = !part
    ? 'an unsupported key'
    : part.path === null
      ? part.what
      : part.path === ''
        ? `${part.what} as the key`
        : `${part.what} at key${part.path}`;
  return (
    `Unsupported key: got ${where}. ${KEY_TYPES_HINT} ` +
    'Turn the key into one of these before the shuffle (for example a Date into its getTime(), a Map into an array of its entries).'
  );
}
