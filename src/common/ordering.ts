import { MAX_KEY_DEPTH, isPlainObject, tooDeep, unsupported } from './keys';

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 16777619;

/** Kinds of keys in their sort order; numbers and bigints share one kind, ordered by value. */
const enum Rank {
  Null,
  Undefined,
  Boolean,
  Numeric,
  String,
  Array,
  Object,
}

function rank(v: unknown): Rank {
  switch (typeof v) {
    case 'string':
      return Rank.String;
    case 'number':
    case 'bigint':
      return Rank.Numeric;
    case 'boolean':
      return Rank.Boolean;
    case 'undefined':
      return Rank.Undefined;
    case 'object':
      if (v === null) return Rank.Null;
      if (Array.isArray(v)) return Rank.Array;
      if (isPlainObject(v)) return Rank.Object;
      throw unsupported(v);
    default:
      throw unsupported(v);
  }
}

/**
 * Total order over keys (see keys.ts), consistent with key equality: 0 exactly for equal keys.
 * null < undefined < booleans (false < true) < numbers and bigints by value < strings (UTF-16 code
 * unit order) < arrays (element-wise, a prefix first) < plain objects (by their fields sorted by name:
 * name, then value, field after field; fewer fields first when one is a prefix). Among numbers, -0
 * equals 0 and NaN sorts after every number and bigint; a number sorts before the bigint of the same
 * value (1 < 1n < 1.5). Throws UnsupportedKeyError for anything else.
 */
export function compareKeys(a: unknown, b: unknown): number {
  return compareAt(a, b, 0);
}

/**
 * Sorts keys in place by compareKeys. Not keys.sort(compareKeys): Array.prototype.sort moves every
 * undefined to the end without asking the comparator, and undefined sorts right after null.
 */
export function sortKeys<T>(keys: T[]): T[] {
  const boxed = keys.map((key) => ({ key }));
  boxed.sort((a, b) => compareKeys(a.key, b.key));
  for (let i = 0; i < keys.length; i++) keys[i] = boxed[i].key;
  return keys;
}

function compareAt(a: unknown, b: unknown, depth: number): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  switch (ra) {
    case Rank.Null:
    case Rank.Undefined:
      return 0;
    case Rank.Boolean:
      return a === b ? 0 : a ? 1 : -1;
    case Rank.Numeric:
      return compareNumeric(a as number | bigint, b as number | bigint);
    case Rank.String:
      return a === b ? 0 : (a as string) < (b as string) ? -1 : 1;
    case Rank.Array: {
      if (depth >= MAX_KEY_DEPTH) throw tooDeep();
      const x = a as unknown[];
      const y = b as unknown[];
      const n = Math.min(x.length, y.length);
      for (let i = 0; i < n; i++) {
        const c = compareAt(x[i], y[i], depth + 1);
        if (c !== 0) return c;
      }
      return x.length - y.length;
    }
    case Rank.Object: {
      if (depth >= MAX_KEY_DEPTH) throw tooDeep();
      const x = a as Record<string, unknown>;
      const y = b as Record<string, unknown>;
      const fx = Object.keys(x).sort();
      const fy = Object.keys(y).sort();
      const n = Math.min(fx.length, fy.length);
      for (let i = 0; i < n; i++) {
        if (fx[i] !== fy[i]) return fx[i] < fy[i] ? -1 : 1;
        const c = compareAt(x[fx[i]], y[fy[i]], depth + 1);
        if (c !== 0) return c;
      }
      return fx.length - fy.length;
    }
  }
}

function compareNumeric(x: number | bigint, y: number | bigint): number {
  // < and > compare a bigint with a number by exact value; both are false only for equal values or NaN.
  if (x < y) return -1;
  if (x > y) return 1;
  const nx = x !== x;
  const ny = y !== y;
  if (nx || ny) return nx === ny ? 0 : nx ? 1 : -1;
  // Equal values: a number before the bigint of the same value (1 and 1n are different keys).
  const bx = typeof x === 'bigint';
  return bx === (typeof y === 'bigint') ? 0 : bx ? 1 : -1;
}

function hashString(s: string, seed: number): number {
  let h = seed;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, FNV_PRIME);
  }
  return h;
}

function mix(h: number, v: number): number {
  h ^= v;
  return Math.imul(h, FNV_PRIME);
}

/**
 * Stable 32-bit unsigned hash, identical on every worker, that agrees with key equality (keys.ts):
 * -0 and 0 hash alike, so do all NaNs, and an object's fields are hashed in name order. Strings hash
 * as FNV-1a over UTF-16 code units, so the byte-level word counter and the generic path put a word in
 * the same reducer. Throws UnsupportedKeyError for a value that cannot be a key.
 */
export function hashKey(key: unknown): number {
  // Strings first, outside the recursive walk: the commonest key, and the one word counts hash.
  if (typeof key === 'string') return hashString(key, FNV_OFFSET) >>> 0;
  return hashAt(key, 0) >>> 0;
}

function hashAt(key: unknown, depth: number): number {
  switch (typeof key) {
    case 'string':
      return hashString(key, FNV_OFFSET);
    case 'number':
      // Integers hash as themselves so 3 and 3.0 (the same number) agree, and -0 as 0; others by
      // their canonical text (String(NaN) is 'NaN' for every NaN).
      if ((key | 0) === key) return mix(mix(FNV_OFFSET, 0x4e), key);
      return hashString(String(key), mix(FNV_OFFSET, 0x66));
    case 'boolean':
      return key ? 0x5bd1e995 : 0x1b873593;
    case 'bigint':
      return hashString(key.toString(), mix(FNV_OFFSET, 0x62));
    case 'undefined':
      return 0x2f1a3c5d;
    case 'object': {
      if (key === null) return 0x3c6ef372;
      if (depth >= MAX_KEY_DEPTH) throw tooDeep();
      if (Array.isArray(key)) {
        let h = mix(FNV_OFFSET, 0x61);
        for (let i = 0; i < key.length; i++) h = Math.imul(h ^ hashAt(key[i], depth + 1), FNV_PRIME) + 0x9e3779b9;
        return h;
      }
      if (!isPlainObject(key)) throw unsupported(key);
      let h = mix(FNV_OFFSET, 0x6f);
      for (const f of Object.keys(key).sort()) {
        h = Math.imul(h ^ hashString(f, FNV_OFFSET), FNV_PRIME) + 0x7f4a7c15;
        h = Math.imul(h ^ hashAt((key as Record<string, unknown>)[f], depth + 1), FNV_PRIME) + 0x9e3779b9;
      }
      return h;
    }
    default:
      throw unsupported(key);
  }
}

/** hashKey of the string that the ASCII bytes[start, start + len) spell, without making the string. */
export function hashAsciiBytes(bytes: Uint8Array, start: number, len: number): number {
  let h = FNV_OFFSET;
  for (let i = start; i < start + len; i++) h = Math.imul(h ^ bytes[i], FNV_PRIME);
  return h >>> 0;
}

export function hashPartition(key: unknown, numPartitions: number): number {
  return hashKey(key) % numPartitions;
}

/**
 * Range partitioner. `bounds` holds the upper bounds of the first n-1 partitions, sorted in the
 * requested direction; the result is the index of the first bound the key does not exceed
 * (ascending) or is not below (descending), or bounds.length.
 */
export function rangePartition(key: unknown, bounds: readonly unknown[], ascending: boolean): number {
  let lo = 0;
  let hi = bounds.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const c = compareKeys(bounds[mid], key);
    if (ascending ? c >= 0 : c <= 0) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
