import { refGroups, refKeyEquals, show } from './keyReference';

/**
 * Pure references for the pair operations over arrays, with the key equality of keyReference.ts (no
 * engine code): cogroup, the four joins and subtractByKey, and a canonical form that compares an
 * engine's output rows with the reference's as multisets (row order across partitions is not part of
 * the contract).
 */
export type Pairs = readonly (readonly [unknown, unknown])[];

/** [key, [values on the left, values on the right]] for every key on either side, in first-seen order. */
export function refCogroup(left: Pairs, right: Pairs): [unknown, [unknown[], unknown[]]][] {
  const tagged: [unknown, [number, unknown]][] = [
    ...left.map(([k, v]): [unknown, [number, unknown]] => [k, [0, v]]),
    ...right.map(([k, v]): [unknown, [number, unknown]] => [k, [1, v]]),
  ];
  const groups = refGroups(tagged);
  return groups.map((g) => [
    g.key,
    [
      g.values.filter(([side]) => side === 0).map(([, v]) => v),
      g.values.filter(([side]) => side === 1).map(([, v]) => v),
    ],
  ]);
}

export type JoinKind = 'join' | 'leftOuterJoin' | 'rightOuterJoin' | 'fullOuterJoin';

/** Spark's join semantics with `undefined` for the missing side (where Spark has None). */
export function refJoin(kind: JoinKind, left: Pairs, right: Pairs): [unknown, [unknown, unknown]][] {
  const out: [unknown, [unknown, unknown]][] = [];
  for (const [key, [vs, ws]] of refCogroup(left, right)) {
    const keepLeft = kind === 'leftOuterJoin' || kind === 'fullOuterJoin';
    const keepRight = kind === 'rightOuterJoin' || kind === 'fullOuterJoin';
    for (const v of vs) for (const w of ws) out.push([key, [v, w]]);
    if (ws.length === 0 && keepLeft) for (const v of vs) out.push([key, [v, undefined]]);
    if (vs.length === 0 && keepRight) for (const w of ws) out.push([key, [undefined, w]]);
  }
  return out;
}

export function refSubtractByKey(left: Pairs, right: Pairs): [unknown, unknown][] {
  return left.filter(([k]) => !right.some(([r]) => refKeyEquals(k, r))).map(([k, v]) => [k, v]);
}

/**
 * Rows as sorted strings, each key replaced by the index of its class among `universe` (so equal keys
 * written differently, such as -0 and 0, compare equal) and values shown exactly.
 */
export function canonicalRows(rows: readonly (readonly [unknown, unknown])[], universe: readonly unknown[]): string[] {
  return rows
    .map(([k, v]) => {
      const i = universe.findIndex((u) => refKeyEquals(u, k));
      if (i < 0) throw new Error(`output key ${show(k)} is in neither input`);
      return `${i}|${show(v)}`;
    })
    .sort();
}
