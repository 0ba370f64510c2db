import { describe, expect, it } from 'vitest';
import { MAX_SPLIT_BYTES, fileLines, groupSplits, planSplits, readAlignedSplit, splitLines } from './lineSplits';
import { countTokens, referenceCountTokens } from './tokenizer';

const encoder = new TextEncoder();

async function linesOf(bytes: Uint8Array, start: number, end: number, chunk: number) {
  let reads = 0;
  const split = await readAlignedSplit(
    async (s, e) => {
      reads += e - s;
      return bytes.slice(s, e);
    },
    bytes.length,
    start,
    end,
    chunk,
  );
  return { split, lines: splitLines(split.bytes, split.start, split.end, split.offset + split.start === 0), reads };
}

const texts = [
  '',
  'one line no newline',
  'a\nb\nc\n',
  'a\n\n\nb',
  '\n',
  '\n\n',
  'crlf\r\nline two\r\n\r\nlast\r',
  '\uFEFFbom first line\nsecond ΟΔΟΣ\n',
  'multi-byte: 日本語\némoji 😀😀 here\nçà\n',
  'x'.repeat(300) + '\n' + 'y'.repeat(5) + '\nz',
  "Don't stop\nrock'n'roll 'quoted'\ntrailing'\n",
];

describe('planSplits', () => {
  it('covers every file exactly with at least minPartitions splits', () => {
    const sizes = [100, 0, 7, 2000];
    for (let min = 1; min <= 20; min++) {
      const splits = planSplits(sizes, min);
      expect(splits.length).toBeGreaterThanOrEqual(min);
      sizes.forEach((size, file) => {
        const mine = splits.filter((s) => s.file === file && s.end > s.start);
        expect(mine.reduce((n, s) => n + s.end - s.start, 0)).toBe(size);
        if (size > 0) expect(mine[0].start).toBe(0);
      });
    }
    expect(planSplits([10], 4).map((s) => [s.start, s.end])).toEqual([
      [0, 2],
      [2, 5],
      [5, 7],
      [7, 10],
    ]);
    expect(planSplits([3], 5)).toHaveLength(5);
    expect(planSplits([100 * 1024 * 1024], 1)).toHaveLength(Math.ceil((100 * 1024 * 1024) / MAX_SPLIT_BYTES));
    expect(planSplits([0, 0], 1)).toEqual([{ file: 1, start: 0, end: 0 }]);
  });
});

describe('line-aligned splits', () => {
  it('gives every line to exactly one split for every split count and random cut points', async () => {
    let state = 7;
    const rand = () => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state / 2 ** 32;
    };
    const wrong: string[] = [];
    for (const text of texts) {
      const bytes = encoder.encode(text);
      const expected = fileLines(new TextDecoder().decode(bytes));
      const expectedCounts = referenceCountTokens(new TextDecoder().decode(bytes), 'words');
      const n = bytes.length;
      const cutsList: number[][] = [];
      // Split counts from 1 to 12, even and at random cut points; 12 splits of these short texts put
      // several cuts inside one line. Every single cut point is tried below for texts of up to 40 bytes.
      for (const k of [1, 2, 3, 4, 6, 9, 12].filter((k) => k <= n)) {
        cutsList.push(Array.from({ length: k + 1 }, (_, i) => Math.floor((n * i) / k)));
        const random = Array.from({ length: k - 1 }, () => Math.floor(rand() * (n + 1))).sort((a, b) => a - b);
        cutsList.push([0, ...random, n]);
      }
      if (n <= 40) for (let c = 0; c <= n; c++) cutsList.push([0, c, n]);
      if (n === 0) cutsList.push([0, 0]);
      for (const cuts of cutsList) {
        const lines: string[] = [];
        const counts = new Map<string, number>();
        for (let i = 0; i + 1 < cuts.length; i++) {
          const { split, lines: l } = await linesOf(bytes, cuts[i], cuts[i + 1], 3);
          lines.push(...l);
          const window = split.bytes;
          // countTokens drops a BOM only at file offset 0. A 2^8-slot table: these texts hold a few
          // dozen tokens, and the default 2 MiB table, zeroed for each of ~2,500 splits, was most of the
          // test's time.
          const c = new Map<string, number>();
          if (split.offset === 0) countTokens(window, split.start, split.end, 'words', c, 8);
          else countTokens(window.subarray(1), split.start - 1, split.end - 1, 'words', c, 8);
          c.forEach((v, k) => counts.set(k, (counts.get(k) ?? 0) + v));
        }
        // Compared as JSON, asserted once at the end: a deep toEqual() per cut list was a third of the time.
        if (JSON.stringify(lines) !== JSON.stringify(expected))
          wrong.push(`${JSON.stringify(text)} cut at ${cuts.join(',')}: lines ${JSON.stringify(lines)}`);
        if (JSON.stringify([...counts].sort()) !== JSON.stringify([...expectedCounts].sort())) {
          wrong.push(`${JSON.stringify(text)} cut at ${cuts.join(',')}: counts ${JSON.stringify([...counts].sort())}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('reads only a small window past the split end', async () => {
    const line = 'word '.repeat(20) + '\n';
    const bytes = encoder.encode(line.repeat(100_000)); // ~10 MB
    const { split, reads } = await linesOf(bytes, 1000, 2000, 64 * 1024);
    expect(reads).toBeLessThanOrEqual(1001 + 64 * 1024);
    expect(splitLines(split.bytes, split.start, split.end, false)).toHaveLength(10);
  });

  it('defines file lines like Hadoop: no line after a final newline, none in an empty file', () => {
    expect(fileLines('')).toEqual([]);
    expect(fileLines('a\r\nb\n')).toEqual(['a', 'b']);
    expect(fileLines('a\n\nb')).toEqual(['a', '', 'b']);
    expect(fileLines('\n')).toEqual(['']);
  });
});

describe('groupSplits', () => {
  it('packs many small files into about minPartitions partitions, in order, losing no byte', () => {
    const sizes = Array.from({ length: 10_000 }, (_, i) => 100 + (i % 7));
    const splits = planSplits(sizes, 4);
    const groups = groupSplits(splits, 4);
    expect(groups.length).toBeGreaterThanOrEqual(4);
    expect(groups.length).toBeLessThanOrEqual(5);
    expect(groups.flat()).toEqual(splits);
  });

  it('keeps splits of a big file apart, and the empty padding splits that make up minPartitions', () => {
    const big = planSplits([64 * 1024 * 1024], 4);
    expect(groupSplits(big, 4)).toEqual(big.map((s) => [s]));
    const padded = planSplits([10], 4);
    expect(groupSplits(padded, 4)).toHaveLength(4);
  });
});
