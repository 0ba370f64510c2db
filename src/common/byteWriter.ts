const utf8Encoder = new TextEncoder();

/**
 * Unpaired surrogates, which TextEncoder would replace by U+FFFD. With the u flag a surrogate pair is
 * one code point, so only a lone surrogate matches.
 */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/** A growable output buffer with the varint/WTF-8 primitives both codecs share. */
export class ByteWriter {
  buf: Uint8Array;
  view: DataView;
  pos = 0;

  constructor(initialSize = 1024) {
    this.buf = new Uint8Array(initialSize);
    this.view = new DataView(this.buf.buffer);
  }

  ensure(extra: number): void {
    const need = this.pos + extra;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.pos++] = b;
  }

  /** bytes[start, start + len) as they are. */
  bytes(bytes: Uint8Array, start: number, len: number): void {
    this.ensure(len);
    this.buf.set(bytes.subarray(start, start + len), this.pos);
    this.pos += len;
  }

  /** Unsigned LEB128 for values up to 2^53. */
  varint(v: number): void {
    this.ensure(8);
    const buf = this.buf;
    let pos = this.pos;
    while (v >= 0x80) {
      buf[pos++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    buf[pos++] = v;
    this.pos = pos;
  }

  float64(v: number): void {
    this.ensure(8);
    this.view.setFloat64(this.pos, v, true);
    this.pos += 8;
  }

  uint32At(offset: number, v: number): void {
    this.view.setUint32(offset, v, true);
  }

  /**
   * Varint byte length followed by the string's WTF-8 bytes: UTF-8, except that a lone surrogate is
   * written as the 3-byte sequence of its code unit, so every JS string round-trips exactly (a
   * well-formed string's bytes are its UTF-8).
   */
  string(s: string): void {
    const len = s.length;
    this.ensure(len * 3 + 5);
    const buf = this.buf;
    let pos = this.pos;
    // Short ASCII strings dominate (words, keys); a manual loop beats encodeInto's call overhead there.
    if (len < 0x80) {
      let i = 0;
      for (; i < len; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        buf[pos + 1 + i] = c;
      }
      if (i === len) {
        buf[pos] = len;
        this.pos = pos + 1 + len;
        return;
      }
    }
    // Unknown UTF-8 length: encode after a maximal 5-byte length slot, then close the gap.
    const written = LONE_SURROGATE.test(s) ? encodeWtf8Into(s, buf, pos + 5) : utf8Encoder.encodeInto(s, buf.subarray(pos + 5)).written;
    const start = pos;
    let v = written;
    while (v >= 0x80) {
      buf[pos++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    buf[pos++] = v;
    if (pos !== start + 5) buf.copyWithin(pos, start + 5, start + 5 + written);
    this.pos = pos + written;
  }

  /** A copy that owns a right-sized ArrayBuffer (transferable, storable). */
  finish(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }
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

const utf8Decoder = new TextDecoder('utf-8', { ignoreBOM: true });

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
    } else if (c >= 0xf0 && c < 0xf5 && cont(i + 1) && cont(i + 2) && cont(i + 3) && (c > 0xf0 || b[i + 1] >= 0x90) && (c < 0xf4 || b[i + 1] < 0x90)) {
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
