import { describe, expect, it } from 'vitest';
import { binaryNotice, sniffBinary } from './sniffBinary';

const bytes = (...b: number[]) => new Uint8Array(b);
const text = (s: string) => new TextEncoder().encode(s);

describe('sniffBinary', () => {
  it.each([
    ['a PNG image', bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13)],
    ['a JPEG image', bytes(0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46)],
    ['a GIF image', text('GIF89a\x01\x00')],
    ['a ZIP archive', bytes(0x50, 0x4b, 0x03, 0x04, 0x14, 0x00)],
    ['a PDF document', text('%PDF-1.7\n%âãÏÓ\n1 0 obj\n')],
    ['a gzip archive', bytes(0x1f, 0x8b, 0x08, 0x00)],
  ])('recognises %s by its magic number', (what, head) => {
    expect(sniffBinary(head)).toEqual({ kind: 'binary', what });
  });

  it('calls a file with a NUL byte binary (UTF-16 text included)', () => {
    expect(sniffBinary(bytes(0xff, 0xfe, 0x68, 0x00, 0x69, 0x00))).toMatchObject({ kind: 'binary' });
    expect(sniffBinary(text('hello\0world'))).toEqual({
      kind: 'binary',
      what: 'a binary file (it contains NUL bytes)',
    });
  });

  it('calls a file mostly of control bytes binary', () => {
    const head = new Uint8Array(100).map((_, i) => (i % 4 === 0 ? 0x01 : 0x41));
    expect(sniffBinary(head)).toEqual({ kind: 'binary', what: 'a binary file (25% control bytes)' });
  });

  it('keeps text: ASCII, UTF-8, invalid UTF-8, tabs/CRLF/form feeds, a few stray controls, empty', () => {
    expect(sniffBinary(text('The quick brown fox\r\n\tjumps\f\n'))).toEqual({ kind: 'text' });
    expect(sniffBinary(text('\uFEFFnaïve café 東京 😀\n'))).toEqual({ kind: 'text' });
    expect(sniffBinary(bytes(0x61, 0xff, 0xfe, 0x62, 0xc3, 0x0a))).toEqual({ kind: 'text' });
    expect(sniffBinary(text(`${'word '.repeat(50)}\x1b[1mbold\x1b[0m\x07`))).toEqual({ kind: 'text' });
    expect(sniffBinary(new Uint8Array(0))).toEqual({ kind: 'text' });
    // Too short for the magic number it starts like.
    expect(sniffBinary(text('PK'))).toEqual({ kind: 'text' });
  });

  it('words the notice with the file name', () => {
    expect(binaryNotice('photo.png', 'a PNG image')).toBe(
      'photo.png looks like a PNG image, not text: it is left out of the word count.',
    );
  });
});
