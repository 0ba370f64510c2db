import { describe, expect, it } from 'vitest';
import { exportWordCountToPySpark, pythonString } from './pysparkExport';
import type { UnicodeTables } from './unicodeTables';

// Small made-up tables: the real ones come from the exporting browser (unicodeTables.test.ts).
const TABLES: UnicodeTables = {
  wordChars: [0x30, 0x3a, 0x41, 0x5b],
  space: [0x9, 0xe, 0x20, 0x21, 0xfeff, 0xff00],
  cased: [0x41, 0x5b],
  caseIgnorable: [0x27, 0x28],
  lower: { runs: [0x41, 26, 1, 32, 0x2c62, 1, 1, -0x29f7], special: [[0x130, 'i\u0307']] },
};

describe('exportWordCountToPySpark', () => {
  const script = exportWordCountToPySpark({ tokenizer: 'whitespace', inputSplits: 5, shufflePartitions: 9 }, TABLES);

  it('builds in the settings and the tables in place of the marker', () => {
    expect(script).toContain('TOKENIZER = "whitespace"\nINPUT_SPLITS = 5\nSHUFFLE_PARTITIONS = 9\n');
    expect(script).toContain('APOSTROPHES = "\'\\u2019"\n');
    expect(script).toContain('SPACE = (\n    0x9, 0xe, 0x20, 0x21, 0xfeff, 0xff00,\n)\n');
    // Negative deltas (Ɫ lower-cases to ɫ, below it) are Python literals too.
    expect(script).toContain('LOWER_RUNS = (\n    0x41, 0x1a, 0x1, 0x20, 0x2c62, 0x1, 0x1, -0x29f7,\n)\n');
    expect(script).toContain('LOWER_SPECIAL = {\n    0x130: "i\\u0307",\n}\n');
    expect(script).not.toContain('@GENERATED@');
  });

  it('is ASCII, so that its own encoding cannot change what it does', () => {
    expect([...script].every((c) => c.charCodeAt(0) < 0x80)).toBe(true);
  });
});

describe('pythonString', () => {
  it('escapes quotes, backslashes, controls and non-ASCII, astral code points as \\U', () => {
    expect(pythonString('a"b\\c\n\u00e9\u{1f600}')).toBe('"a\\"b\\\\c\\u000a\\u00e9\\U0001f600"');
  });
});
