/**
 * UTF-8 (and WTF-8) helpers shared by the codecs, the tokenizer and the split readers: the byte order
 * mark, one decoder, lossless WTF-8 encoding and decoding, and counting the ill-formed sequences a
 * decoder replaced.
 */

/** Decodes UTF-8, replacing ill-formed sequences by U+FFFD; a BOM is kept (callers drop the file's own). */
export const utf8Decoder = new TextDecoder('utf-8', { ignoreBOM: true });

const utf8Encoder = new TextEncoder();

const REPLACEMENT = '\uFFFD';

/**
 * Unpaired surrogates, which TextEncoder would replace by U+FFFD. With the u flag a surrogate pair is
 * one code point, so only a lone surrogate matches.
 */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/** True if bytes[at..at+3) is a UTF-8 byte order mark. */
export function hasBomAt(bytes: Uint8Array, at: number): boolean {
  return bytes[at] === 0xef && bytes[at + 1] === 0xbb && bytes[at + 2] === 0xbf;
}

/**
 * How many ill-formed UTF-8 sequences a decoder replaced by U+FFFD when it turned bytes[start, end)
 * into `decoded` (one string, or the lines it was split into): the U+FFFD characters produced minus
 * the U+FFFD characters the bytes spelled out themselves (EF BF BD). Cheap when there are none.
 */
export function replacedSequences(
  decoded: string | readonly string[],
  bytes: Uint8Array,
  start: number,
  end: number,
): number {
  let produced = 0;
  const count = (s: string) => {
    for (let i = s.indexOf(REPLACEMENT); i >= 0; i = s.indexOf(REPLACEMENT, i + 1)) produced++;
  };
  if (typeof decoded === 'string') count(decoded);
  else for (const s of decoded) count(s);
  if (produced === 0) return 0;
  let literal = 0;
  for (let i = bytes.indexOf(0xef, start); i >= 0 && i + 2 < end; i = bytes.indexOf(0xef, i + 1)) {
    if (bytes[i + 1] === 0xbf && bytes[i + 2] === 0xbd) literal++;
  }
  return produced - literal;
}

/**
 * Writes the WTF-8 bytes of `s` at buf[pos] (room for 3 bytes per code unit is assumed) and returns
 * their length: TextEncoder for well-formed strings, by hand when a lone surrogate must be kept.
 */
export function writeWtf8(s: string, buf: Uint8Array, pos: number): number {
  return LONE_SURROGATE.test(s) ? encodeWtf8Into(s, buf, pos) : utf8Encoder.encodeInto(s, buf.subarray(pos)).written;
}

/** Writes the WTF-8 form of `s` at buf[pos] (room for 3 bytes per code unit is assumed); returns its length. */
function encodeWtf8Into(s: string, buf: Uint8Array, pos: number): number {
  const start = pos;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      buf[pos++] = c;
    } else if (c < 0x800) {
      buf[pos++] = 0xc0 | (c >> 6);
      buf[pos++] = 0x80 | (c & 0x3f);
    } else {
      if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length) {
        const d = s.charCodeAt(i + 1);
        if (d >= 0xdc00 && d < 0xe000) {
          c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          i++;
          buf[pos++] = 0xf0 | (c >> 18);
          buf[pos++] = 0x80 | ((c >> 12) & 0x3f);
          buf[pos++] = 0x80 | ((c >> 6) & 0x3f);
          buf[pos++] = 0x80 | (c & 0x3f);
          continue;
        }
      }
      // Any other BMP code unit, a lone surrogate included.
      buf[pos++] = 0xe0 | (c >> 12);
      buf[pos++] = 0x80 | ((c >> 6) & 0x3f);
      buf[pos++] = 0x80 | (c & 0x3f);
    }
  }
  return pos - start;
}

/**
 * Reads a string of `len` WTF-8 bytes at `pos` (what ByteWriter.string wrote). ASCII is built
 * directly, which is much cheaper for short keys; other text goes through TextDecoder, and only text
 * that decoded with a U+FFFD is checked for encoded lone surrogates, which TextDecoder cannot keep.
 */
export function readWtf8(bytes: Uint8Array, pos: number, len: number): string {
  if (len <= SHORT_MAX) {
    let ascii = true;
    for (let i = 0; i < len; i++) {
      if (bytes[pos + i] >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (ascii) return shortByteString(bytes, pos, len);
  }
  const view = bytes.subarray(pos, pos + len);
  const s = utf8Decoder.decode(view);
  if (s.indexOf('\uFFFD') < 0 || !hasEncodedSurrogate(view)) return s;
  return decodeWtf8(view);
}

/** Whether the bytes hold ED A0..BF: the lead of an encoded surrogate, which UTF-8 forbids. */
function hasEncodedSurrogate(b: Uint8Array): boolean {
  for (let i = b.indexOf(0xed); i >= 0 && i + 1 < b.length; i = b.indexOf(0xed, i + 1)) {
    if (b[i + 1] >= 0xa0 && b[i + 1] <= 0xbf) return true;
  }
  return false;
}

/**
 * Generalized UTF-8 decoding that keeps encoded surrogates as code units. Bytes that form no
 * sequence (only in a corrupt block; blocks are checksummed) become U+FFFD, one per byte.
 */
function decodeWtf8(b: Uint8Array): string {
  const units: number[] = [];
  let out = '';
  const n = b.length;
  let i = 0;
  const cont = (k: number) => k < n && (b[k] & 0xc0) === 0x80;
  while (i < n) {
    const c = b[i];
    if (c < 0x80) {
      units.push(c);
      i++;
    } else if (c >= 0xc2 && c < 0xe0 && cont(i + 1)) {
      units.push(((c & 0x1f) << 6) | (b[i + 1] & 0x3f));
      i += 2;
    } else if (c >= 0xe0 && c < 0xf0 && cont(i + 1) && cont(i + 2) && (c > 0xe0 || b[i + 1] >= 0xa0)) {
      units.push(((c & 0x0f) << 12) | ((b[i + 1] & 0x3f) << 6) | (b[i + 2] & 0x3f));
      i += 3;
    } else if (
      c >= 0xf0 &&
      c < 0xf5 &&
      cont(i + 1) &&
      cont(i + 2) &&
      cont(i + 3) &&
      (c > 0xf0 || b[i + 1] >= 0x90) &&
      (c < 0xf4 || b[i + 1] < 0x90)
    ) {
      const cp = ((c & 0x07) << 18) | ((b[i + 1] & 0x3f) << 12) | ((b[i + 2] & 0x3f) << 6) | (b[i + 3] & 0x3f);
      units.push(0xd800 + ((cp - 0x10000) >> 10), 0xdc00 + ((cp - 0x10000) & 0x3ff));
      i += 4;
    } else {
      units.push(0xfffd);
      i++;
    }
    if (units.length >= 4096) {
      out += String.fromCharCode.apply(null, units);
      units.length = 0;
    }
  }
  return out + String.fromCharCode.apply(null, units);
}

const SHORT_MAX = 24;
// Reused argument arrays for String.fromCharCode.apply: no subarray (a new typed-array view) per string.
const scratch: number[][] = Array.from({ length: SHORT_MAX + 1 }, (_, n) => new Array<number>(n).fill(0));

/**
 * The string whose char codes are bytes[pos, pos + len) (ASCII or Latin-1). Short strings, the common
 * case of keys and words, avoid allocating a view: explicit arguments up to 8, a reused array up to 24.
 */
export function byteString(bytes: Uint8Array, pos: number, len: number): string {
  if (len <= SHORT_MAX) return shortByteString(bytes, pos, len);
  let s = '';
  for (let k = 0; k < len; k += 4096) {
    s += String.fromCharCode.apply(null, bytes.subarray(pos + k, pos + Math.min(len, k + 4096)) as unknown as number[]);
  }
  return s;
}

function shortByteString(b: Uint8Array, p: number, len: number): string {
  switch (len) {
    case 0:
      return '';
    case 1:
      return String.fromCharCode(b[p]);
    case 2:
      return String.fromCharCode(b[p], b[p + 1]);
    case 3:
      return String.fromCharCode(b[p], b[p + 1], b[p + 2]);
    case 4:
      return String.fromCharCode(b[p], b[p + 1], b[p + 2], b[p + 3]);
    case 5:
      return String.fromCharCode(b[p], b[p + 1], b[p + 2], b[p + 3], b[p + 4]);
    case 6:
      return String.fromCharCode(b[p], b[p + 1], b[p + 2], b[p + 3], b[p + 4], b[p + 5]);
    case 7:
      return String.fromCharCode(b[p], b[p + 1], b[p + 2], b[p + 3], b[p + 4], b[p + 5], b[p + 6]);
    case 8:
      return String.fromCharCode(b[p], b[p + 1], b[p + 2], b[p + 3], b[p + 4], b[p + 5], b[p + 6], b[p + 7]);
    default: {
      const args = scratch[len];
      for (let i = 0; i < len; i++) args[i] = b[p + i];
      return String.fromCharCode.apply(null, args);
    }
  }
}
