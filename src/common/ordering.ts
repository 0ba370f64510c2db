const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 16777619;

function rank(v: unknown): number {
  if (v === null || v === undefined) return 0;
  switch (typeof v) {
    case 'boolean':
      return 1;
    case 'number':
    case 'bigint':
      return 2;
    case 'string':
      return 3;
    default:
      return Array.isArray(v) ? 4 : 5;
  }
}

/**
 * Total order over keys: null/undefined < booleans < numbers < strings (code-unit order) < arrays
 * (element-wise, shorter first) < objects (by JSON text). NaN sorts after every other number.
 */
export function compareKeys(a: unknown, b: unknown): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  switch (ra) {
    case 0:
      return 0;
    case 1:
      return a === b ? 0 : a ? 1 : -1;
    case 2: {
      const x = a as number;
      const y = b as number;
      if (x < y) return -1;
      if (x > y) return 1;
      if (x === y) return 0;
      // at least one NaN
      const nx = x !== x;
      const ny = y !== y;
      return nx === ny ? 0 : nx ? 1 : -1;
    }
    case 3:
      return a === b ? 0 : (a as string) < (b as string) ? -1 : 1;
    case 4: {
      const x = a as unknown[];
      const y = b as unknown[];
      const n = Math.min(x.length, y.length);
      for (let i = 0; i < n; i++) {
        const c = compareKeys(x[i], y[i]);
        if (c !== 0) return c;
      }
      return x.length - y.length;
    }
    default: {
      const x = JSON.stringify(a);
      const y = JSON.stringify(b);
      return x === y ? 0 : x < y ? -1 : 1;
    }
  }
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
 * Stable 32-bit unsigned hash, identical on every worker. Strings hash as FNV-1a over UTF-16 code units,
 * so the byte-level word counter and the generic path put a word in the same reducer.
 */
export function hashKey(key: unknown): number {
  switch (typeof key) {
    case 'string':
      return hashString(key, FNV_OFFSET) >>> 0;
    case 'number':
      // Integers hash as themselves so 3 and 3.0 (the same number) agree; others by canonical text.
      if ((key | 0) === key) return mix(mix(FNV_OFFSET, 0x4e), key) >>> 0;
      return hashString(String(key), mix(FNV_OFFSET, 0x66)) >>> 0;
    case 'boolean':
      return key ? 0x5bd1e995 : 0x1b873593;
    case 'bigint':
      return hashString(key.toString(), mix(FNV_OFFSET, 0x62)) >>> 0;
    case 'undefined':
      return 0x2f1a3c5d;
    case 'object': {
      if (key === null) return 0x2f1a3c5d;
      if (Array.isArray(key)) {
        let h = mix(FNV_OFFSET, 0x61);
        for (const el of key) h = Math.imul(h ^ hashKey(el), FNV_PRIME) + 0x9e3779b9;
        return h >>> 0;
      }
      return hashString(JSON.stringify(key) ?? '', mix(FNV_OFFSET, 0x6f)) >>> 0;
    }
    default:
      return 0;
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
