import { describe, expect, it } from 'vitest';
import { replacedSequences } from './utf8';
import { TokenCounter } from './tokenizer';
import { splitLines } from './lineSplits';

const decode = (b: Uint8Array) => new TextDecoder('utf-8').decode(b);
const cat = (...parts: (string | number[])[]) =>
  new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? [...new TextEncoder().encode(p)] : p)));

describe('replacedSequences', () => {
  it('counts each ill-formed sequence once, as the WHATWG decoder replaces it', () => {
    // lone continuation, truncated 3-byte sequence, overlong, invalid lead, surrogate (ED A0 80: 3 maximal subparts)
    const bytes = cat('a', [0x80], 'b', [0xe2, 0x82], ' c', [0xc0, 0xaf], [0xff], 'd', [0xed, 0xa0, 0x80]);
    const text = decode(bytes);
    expect(replacedSequences(text, bytes, 0, bytes.length)).toBe(1 + 1 + 2 + 1 + 3);
  });

  it('does not count U+FFFD that the text itself contains, nor valid multi-byte text', () => {
    const bytes = cat('ok \uFFFD café 東京 😀 ', [0xfe]);
    expect(replacedSequences(decode(bytes), bytes, 0, bytes.length)).toBe(1);
    const clean = cat('\uFFFD\uFFFD naïve');
    expect(replacedSequences(decode(clean), clean, 0, clean.length)).toBe(0);
  });

  it('accepts the lines of a split and a byte range inside a larger buffer', () => {
    const bytes = cat([0xff], 'x\n', [0xc3], '\n\uFFFD', [0x80], '\n', [0xff]);
    const lines = splitLines(bytes, 1, bytes.length - 1, false);
    expect(replacedSequences(lines, bytes, 1, bytes.length - 1)).toBe(2);
  });
});

describe('TokenCounter.invalidUtf8', () => {
  it('counts replaced sequences on the lines it decodes (the non-ASCII ones)', () => {
    const bytes = cat('plain ascii line\n', [0xff, 0xfe], ' caf', [0xc3], '\n\uFFFD literal\nlast', [0x80]);
    const counter = new TokenCounter('words');
    counter.addBytes(bytes, 0, bytes.length);
    expect(counter.invalidUtf8).toBe(4);
    expect(counter.lines).toBe(4);
  });
});
