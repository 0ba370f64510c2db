import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { SPACE_CHAR, WORD_CHAR } from '../common/tokenizer';
import {
  CAPITAL_SIGMA,
  compactLowerCase,
  expandLowerCase,
  inRanges,
  lowerCaseOfThisEngine,
  rangesOfClass,
} from './unicodeTables';

// Node's ICU may differ from Chromium's: these tests check the compaction against whatever engine runs
// them, which is why the page computes the tables itself at export time.

/** Every code point but the surrogates, in order, in blocks (for bulk regex and toLowerCase checks). */
function allCodePoints(except = -1): string[] {
  const blocks: string[] = [];
  for (let from = 0; from < 0x110000; from += 4096) {
    const cps: number[] = [];
    for (let cp = from; cp < from + 4096; cp++) if ((cp < 0xd800 || cp >= 0xe000) && cp !== except) cps.push(cp);
    blocks.push(String.fromCodePoint(...cps));
  }
  return blocks;
}

/** The code points of the ranges, in order, as one string. */
function expand(ranges: number[]): string {
  const out: string[] = [];
  for (let i = 0; i < ranges.length; i += 2) {
    for (let cp = ranges[i]!; cp < ranges[i + 1]!; cp += 4096) {
      const cps: number[] = [];
      for (let c = cp; c < Math.min(cp + 4096, ranges[i + 1]!); c++) cps.push(c);
      out.push(String.fromCodePoint(...cps));
    }
  }
  return out.join('');
}

let blocks: string[] = [];
let blocksWithoutSigma: string[] = [];
beforeAll(() => {
  blocks = allCodePoints();
  blocksWithoutSigma = allCodePoints(CAPITAL_SIGMA);
  rangesOfClass('a'); // lays out all code points once, as the first export in a page does
});

describe('rangesOfClass', () => {
  it.each([
    ['word characters', WORD_CHAR],
    ['\\s', SPACE_CHAR],
    ['\\p{Cased}', '\\p{Cased}'],
    ['\\p{Case_Ignorable}', '\\p{Case_Ignorable}'],
  ])('%s: the ranges hold exactly the code points the regex matches', (_name, charClass) => {
    const ranges = rangesOfClass(charClass);
    // Both sides list distinct code points in increasing order, so equal strings mean equal sets.
    const one = new RegExp(charClass, 'gu');
    const matched = blocks.map((block) => (block.match(one) ?? []).join('')).join('');
    expect(expand(ranges) === matched).toBe(true);
    // Sorted, disjoint and not touching: each range is as long as it can be.
    for (let i = 1; i < ranges.length; i++) expect(ranges[i]!).toBeGreaterThan(ranges[i - 1]!);
  });

  it("\\s is JavaScript's: U+FEFF, U+00A0 and U+2028 are in; U+001C–U+001F and U+0085 are not", () => {
    const space = rangesOfClass(SPACE_CHAR);
    for (const cp of [0x9, 0xa, 0xb, 0xc, 0xd, 0x20, 0xa0, 0x1680, 0x2000, 0x200a, 0x2028, 0x2029, 0x3000, 0xfeff]) {
      expect(inRanges(space, cp), cp.toString(16)).toBe(true);
    }
    for (const cp of [0x1c, 0x1d, 0x1e, 0x1f, 0x85, 0x180e, 0x200b])
      expect(inRanges(space, cp), cp.toString(16)).toBe(false);
  });

  it('inRanges agrees with a linear scan on random range lists', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 300 }), { maxLength: 20 }), fc.nat(310), (bounds, cp) => {
        const ranges = [...bounds].sort((a, b) => a - b);
        if (ranges.length % 2 === 1) ranges.pop();
        let inside = false;
        for (let i = 0; i < ranges.length; i += 2) if (cp >= ranges[i]! && cp < ranges[i + 1]!) inside = true;
        expect(inRanges(ranges, cp)).toBe(inside);
      }),
    );
  });
});

describe('lower-case runs', () => {
  it('expand to exactly the mappings they were packed from', () => {
    const mapping = fc
      .uniqueArray(fc.tuple(fc.integer({ min: 0, max: 2000 }), fc.constantFrom(-32, -1, 1, 2, 32, 48)), {
        selector: ([cp]) => cp,
        maxLength: 200,
      })
      .map((pairs) => pairs.sort((a, b) => a[0] - b[0]).map(([cp, d]): [number, number] => [cp, cp + d]));
    fc.assert(
      fc.property(mapping, (pairs) => {
        expect(expandLowerCase(compactLowerCase(pairs))).toEqual(pairs);
      }),
    );
  });

  it("hold this engine's toLowerCase of every code point, in a few hundred runs", () => {
    const { runs, special } = lowerCaseOfThisEngine();
    const mapped = new Map<number, string>(expandLowerCase(runs).map(([cp, to]) => [cp, String.fromCodePoint(to)]));
    for (const [cp, lower] of special) mapped.set(cp, lower);
    // Without Σ, lower-casing a text is lower-casing each code point: compare block by block.
    for (const block of blocksWithoutSigma) {
      let got = '';
      for (const ch of block) got += mapped.get(ch.codePointAt(0)!) ?? ch;
      if (got !== block.toLowerCase()) expect(got).toBe(block.toLowerCase());
    }
    expect(mapped.has(CAPITAL_SIGMA)).toBe(false);
    expect(special).toContainEqual([0x130, 'i\u0307']);
    expect(runs.length / 4).toBeLessThan(mapped.size / 2);
  });
});
