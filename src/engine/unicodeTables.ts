import { SPACE_CHAR, WORD_CHAR } from '../common/tokenizer';

/**
 * The Unicode facts the word count depends on, read from this JavaScript engine itself (its regexes and
 * its toLowerCase), in a compact form another language can embed: the PySpark export carries them so
 * that its script agrees with the browser that exported it, whatever Unicode version its Python has.
 *
 * Surrogate code points (U+D800–U+DFFF) are left out of every table: decoded text never holds one
 * (the UTF-8 decoder replaces them), and a lone surrogate in a JavaScript string would pair with its
 * neighbour when the code points are laid end to end.
 */

/**
 * Sorted, disjoint, non-adjacent half-open ranges as one flat list: start0, end0, start1, end1, …
 * A code point is inside iff the number of bounds ≤ it is odd (a bisect lookup).
 */
export type CodePointRanges = number[];

/**
 * Simple lower-case mappings as runs of 4 numbers: start, count, stride, delta: code points
 * start, start + stride, … (count of them) map to themselves + delta. Most of Unicode's mappings come in
 * blocks (+32 for A–Z) or alternate (Ā ā Ă ă: stride 2, delta 1), so a few hundred runs hold them all.
 */
export type LowerCaseRuns = number[];

export interface LowerCaseMapping {
  runs: LowerCaseRuns;
  /** Code points whose lower case is not one code point (U+0130 → "i̇"), with that lower case. */
  special: [number, string][];
}

export interface UnicodeTables {
  /** `WORD_CHAR` of the tokenizer: \p{L}, \p{M}, \p{N}. */
  wordChars: CodePointRanges;
  /** `SPACE_CHAR` of the tokenizer: JavaScript's \s. */
  space: CodePointRanges;
  /** \p{Cased} and \p{Case_Ignorable}: the context of Final_Sigma (Σ lower-cases to ς at a word's end). */
  cased: CodePointRanges;
  caseIgnorable: CodePointRanges;
  /** toLowerCase of each code point alone, except U+03A3 Σ, whose lower case depends on that context. */
  lower: LowerCaseMapping;
}

export const CAPITAL_SIGMA = 0x3a3;

/** Code point blocks with no surrogates, each laid out as one string; `unit` = UTF-16 units per code point. */
const SEGMENTS = [
  { start: 0, end: 0xd800, unit: 1 },
  { start: 0xe000, end: 0x10000, unit: 1 },
  { start: 0x10000, end: 0x110000, unit: 2 },
] as const;

let segmentTexts: string[] | null = null;

/** Every code point of each segment in order, built once (about 4 MiB of string). */
function texts(): string[] {
  if (segmentTexts) return segmentTexts;
  segmentTexts = SEGMENTS.map(({ start, end }) => {
    const parts: string[] = [];
    const chunk: number[] = [];
    for (let cp = start; cp < end; cp++) {
      chunk.push(cp);
      if (chunk.length === 4096) {
        parts.push(String.fromCodePoint(...chunk));
        chunk.length = 0;
      }
    }
    parts.push(String.fromCodePoint(...chunk));
    return parts.join('');
  });
  return segmentTexts;
}

/** Appends [start, end) to a range list, merging it with the last range when they touch. */
function pushRange(ranges: CodePointRanges, start: number, end: number): void {
  if (ranges.length > 0 && ranges[ranges.length - 1] === start) ranges[ranges.length - 1] = end;
  else ranges.push(start, end);
}

/**
 * The code points (surrogates excepted) that `charClass`, a regex source matching one character such as
 * `[\p{L}\p{M}]` or `\s`, matches with the u flag in this engine. One global match over all code points
 * laid end to end, so the engine's own regex decides every code point.
 */
export function rangesOfClass(charClass: string): CodePointRanges {
  const runs = new RegExp(`(?:${charClass})+`, 'gu');
  const ranges: CodePointRanges = [];
  const all = texts();
  SEGMENTS.forEach(({ start, unit }, i) => {
    for (const m of all[i]!.matchAll(runs)) {
      const first = start + m.index / unit;
      pushRange(ranges, first, first + m[0].length / unit);
    }
  });
  return ranges;
}

/** Whether cp is in the ranges (binary search for the number of bounds ≤ cp). */
export function inRanges(ranges: CodePointRanges, cp: number): boolean {
  let lo = 0;
  let hi = ranges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ranges[mid]! <= cp) lo = mid + 1;
    else hi = mid;
  }
  return (lo & 1) === 1;
}

/** Packs single-code-point mappings (sorted by source) into runs of equal delta and stride 1 or 2. */
export function compactLowerCase(mappings: readonly (readonly [number, number])[]): LowerCaseRuns {
  const runs: LowerCaseRuns = [];
  let i = 0;
  while (i < mappings.length) {
    const [start, target] = mappings[i]!;
    const delta = target - start;
    let count = 1;
    let stride = 1;
    const next = mappings[i + 1];
    if (next && next[1] - next[0] === delta && next[0] - start <= 2) {
      stride = next[0] - start;
      while (i + count < mappings.length) {
        const [cp, to] = mappings[i + count]!;
        if (cp !== start + count * stride || to - cp !== delta) break;
        count++;
      }
    }
    runs.push(start, count, stride, delta);
    i += count;
  }
  return runs;
}

/** The single-code-point mappings the runs hold, in order. */
export function expandLowerCase(runs: LowerCaseRuns): [number, number][] {
  const out: [number, number][] = [];
  for (let r = 0; r < runs.length; r += 4) {
    const [start, count, stride, delta] = runs.slice(r, r + 4) as [number, number, number, number];
    for (let k = 0; k < count; k++) out.push([start + k * stride, start + k * stride + delta]);
  }
  return out;
}

/**
 * toLowerCase of every code point alone (surrogates and Σ excepted), where it changes it. A block of
 * code points that toLowerCase leaves unchanged as a whole holds no mapping (without Σ, lower-casing is
 * per code point and never drops one), so only the few blocks with cased letters are looked at one by one.
 */
export function lowerCaseOfThisEngine(): LowerCaseMapping {
  const single: [number, number][] = [];
  const special: [number, string][] = [];
  const BLOCK = 256;
  for (const { start, end } of SEGMENTS) {
    for (let from: number = start; from < end; from += BLOCK) {
      const cps: number[] = [];
      for (let cp = from; cp < Math.min(end, from + BLOCK); cp++) if (cp !== CAPITAL_SIGMA) cps.push(cp);
      const block = String.fromCodePoint(...cps);
      if (block.toLowerCase() === block) continue;
      for (const cp of cps) {
        const s = String.fromCodePoint(cp);
        const lower = s.toLowerCase();
        if (lower === s) continue;
        const first = lower.codePointAt(0)!;
        if (String.fromCodePoint(first) === lower) single.push([cp, first]);
        else special.push([cp, lower]);
      }
    }
  }
  return { runs: compactLowerCase(single), special };
}

let cached: UnicodeTables | null = null;

/** The tables of the JavaScript engine this runs in (computed once; a few hundred milliseconds). */
export function unicodeTablesOfThisEngine(): UnicodeTables {
  cached ??= {
    wordChars: rangesOfClass(WORD_CHAR),
    space: rangesOfClass(SPACE_CHAR),
    cased: rangesOfClass('\\p{Cased}'),
    caseIgnorable: rangesOfClass('\\p{Case_Ignorable}'),
    lower: lowerCaseOfThisEngine(),
  };
  return cached;
}
