/** How many leading bytes of a file the page reads to decide whether it is text. */
export const SNIFF_BYTES = 8 * 1024;

export type SniffResult = { kind: 'text' } | { kind: 'binary'; what: string };

const MAGIC: { what: string; bytes: number[] }[] = [
  { what: 'a PNG image', bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { what: 'a JPEG image', bytes: [0xff, 0xd8, 0xff] },
  { what: 'a GIF image', bytes: [0x47, 0x49, 0x46, 0x38] }, // GIF8
  { what: 'a ZIP archive', bytes: [0x50, 0x4b, 0x03, 0x04] },
  { what: 'a ZIP archive', bytes: [0x50, 0x4b, 0x05, 0x06] }, // empty archive
  { what: 'a PDF document', bytes: [0x25, 0x50, 0x44, 0x46, 0x2d] }, // %PDF-
  { what: 'a gzip archive', bytes: [0x1f, 0x8b] },
];

/** Above this share of control bytes (not tab, newline, carriage return, form feed, escape) it is not text. */
const MAX_CONTROL_SHARE = 0.1;

/**
 * Guesses from the first bytes of a file whether it is binary: a known magic number, a NUL byte
 * (UTF-8 text never has one; UTF-16 text does, and this engine reads UTF-8 only), or a high share of
 * C0 control bytes. Bytes >= 0x80 are not held against a file: invalid UTF-8 is still counted as text.
 */
export function sniffBinary(head: Uint8Array): SniffResult {
  for (const m of MAGIC) {
    if (head.length >= m.bytes.length && m.bytes.every((b, i) => head[i] === b))
      return { kind: 'binary', what: m.what };
  }
  if (head.length === 0) return { kind: 'text' };
  let control = 0;
  for (let i = 0; i < head.length; i++) {
    const b = head[i]!;
    if (b === 0) return { kind: 'binary', what: 'a binary file (it contains NUL bytes)' };
    if ((b < 0x20 && b !== 9 && b !== 10 && b !== 13 && b !== 12 && b !== 27) || b === 0x7f) control++;
  }
  if (control / head.length > MAX_CONTROL_SHARE) {
    return { kind: 'binary', what: `a binary file (${Math.round((100 * control) / head.length)}% control bytes)` };
  }
  return { kind: 'text' };
}

/** The per-file notice the page shows for a file left out of the word count. */
export function binaryNotice(name: string, what: string): string {
  return `${name} looks like ${what}, not text: it is left out of the word count.`;
}
