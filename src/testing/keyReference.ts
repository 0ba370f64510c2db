/**
 * A reference for key semantics, written from the rules in src/common/keys.ts and deliberately sharing
 * no code with the engine's implementation (canonicalKey, hashKey, compareKeys): the property tests
 * compare the engine's keyed operators against these one-record-at-a-time definitions. A join
 * reference builds on refGroups (pair every value of a key on the left with every value on the right).
 */

/** Spark's tuple/String equality carried over to JS values (see keys.ts). */
export function refKeyEquals(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return a === b || (Number.isNaN(a) && Number.isNaN(b));
  if (typeof a !== typeof b) return false;
  if (typeof a !== 'object' || a === null || b === null) return a === b;
  const x = a as object;
  const y = b as object;
  if (Array.isArray(x) || Array.isArray(y)) {
    if (!Array.isArray(x) || !Array.isArray(y) || x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!refKeyEquals(x[i], y[i])) return false;
    return true;
  }
  const fx = Object.keys(x);
  const fy = Object.keys(y);
  if (fx.length !== fy.length) return false;
  return fx.every(
    (f) =>
      Object.prototype.hasOwnProperty.call(y, f) &&
      refKeyEquals((x as Record<string, unknown>)[f], (y as Record<string, unknown>)[f]),
  );
}

const kind = (v: unknown): number => {
  if (v === null) return 0;
  if (v === undefined) return 1;
  if (typeof v === 'boolean') return 2;
  if (typeof v === 'number' || typeof v === 'bigint') return 3;
  if (typeof v === 'string') return 4;
  return Array.isArray(v) ? 5 : 6;
};

const sign = (n: number) => (n < 0 ? -1 : n > 0 ? 1 : 0);

/** Strings by UTF-16 code units, one at a time. */
function refCompareStrings(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a.charCodeAt(i) - b.charCodeAt(i);
    if (d !== 0) return sign(d);
  }
  return sign(a.length - b.length);
}

/** A number against a bigint by exact value, through bigint arithmetic; NaN is handled by the caller. */
function refCompareNumberBigint(x: number, y: bigint): number {
  if (x === Infinity) return 1;
  if (x === -Infinity) return -1;
  const floor = BigInt(Math.floor(x));
  if (floor < y) return -1;
  if (floor > y) return 1;
  // floor(x) == y: x is above y unless x is that integer, in which case the number sorts first.
  return Number.isInteger(x) ? -1 : 1;
}

function refCompareNumeric(a: number | bigint, b: number | bigint): number {
  const na = typeof a === 'number' && Number.isNaN(a);
  const nb = typeof b === 'number' && Number.isNaN(b);
  if (na || nb) return na && nb ? 0 : na ? 1 : -1;
  if (typeof a === 'number' && typeof b === 'number') return a === b ? 0 : a < b ? -1 : 1;
  if (typeof a === 'bigint' && typeof b === 'bigint') return a === b ? 0 : a < b ? -1 : 1;
  return typeof a === 'number' ? refCompareNumberBigint(a, b as bigint) : -refCompareNumberBigint(b as number, a);
}

/** The documented total order of compareKeys, as -1, 0 or 1. */
export function refCompareKeys(a: unknown, b: unknown): number {
  const ka = kind(a);
  const kb = kind(b);
  if (ka !== kb) return sign(ka - kb);
  switch (ka) {
    case 0:
    case 1:
      return 0;
    case 2:
      return sign(Number(a) - Number(b));
    case 3:
      return refCompareNumeric(a as number | bigint, b as number | bigint);
    case 4:
      return refCompareStrings(a as string, b as string);
    case 5: {
      const x = a as unknown[];
      const y = b as unknown[];
      for (let i = 0; i < Math.min(x.length, y.length); i++) {
        const c = refCompareKeys(x[i], y[i]);
        if (c !== 0) return c;
      }
      return sign(x.length - y.length);
    }
    default: {
      const x = a as Record<string, unknown>;
      const y = b as Record<string, unknown>;
      const fx = Object.keys(x).sort(refCompareStrings);
      const fy = Object.keys(y).sort(refCompareStrings);
      for (let i = 0; i < Math.min(fx.length, fy.length); i++) {
        const c = refCompareStrings(fx[i], fy[i]) || refCompareKeys(x[fx[i]], y[fy[i]]);
        if (c !== 0) return c;
      }
      return sign(fx.length - fy.length);
    }
  }
}

export interface RefGroup<K, V> {
  /** The first key of the group, in input order. */
  key: K;
  values: V[];
}

/** Pairs grouped by refKeyEquals, in order of first appearance, values in input order. */
export function refGroups<K, V>(pairs: readonly (readonly [K, V])[]): RefGroup<K, V>[] {
  const groups: RefGroup<K, V>[] = [];
  for (const [k, v] of pairs) {
    const g = groups.find((x) => refKeyEquals(x.key, k));
    if (g) g.values.push(v);
    else groups.push({ key: k, values: [v] });
  }
  return groups;
}

/**
 * Matches an engine's per-key output to the reference groups: every output key must fall in exactly
 * one group and every group must be hit exactly once. Returns, per group, the output's value.
 */
export function matchGroups<K, V, W>(
  groups: readonly RefGroup<K, V>[],
  output: readonly (readonly [unknown, W])[],
): Map<RefGroup<K, V>, W> {
  const hit = new Map<RefGroup<K, V>, W>();
  for (const [k, w] of output) {
    const matches = groups.filter((g) => refKeyEquals(g.key, k));
    if (matches.length !== 1) throw new Error(`output key ${show(k)} matches ${matches.length} reference groups`);
    if (hit.has(matches[0]))
      throw new Error(`two output rows for the key ${show(matches[0].key)} (second: ${show(k)})`);
    hit.set(matches[0], w);
  }
  const missed = groups.filter((g) => !hit.has(g));
  if (missed.length > 0) throw new Error(`no output row for the keys ${missed.map((g) => show(g.key)).join(', ')}`);
  return hit;
}

/** A key as readable, exact text for failure messages (JSON cannot show NaN, -0, undefined or bigints). */
export function show(v: unknown): string {
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === undefined || v === null) return String(v);
  if (Array.isArray(v)) return `[${Array.from(v, show).join(', ')}]`;
  if (typeof v === 'object')
    return `{${Object.keys(v)
      .map((f) => `${JSON.stringify(f)}: ${show((v as Record<string, unknown>)[f])}`)
      .join(', ')}}`;
  return String(v);
}
