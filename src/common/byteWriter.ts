const utf8Encoder = new TextEncoder();

/** A growable output buffer with the varint/UTF-8 primitives both codecs share. */
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

  /** Varint byte length followed by UTF-8 bytes. */
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
    const { written } = utf8Encoder.encodeInto(s, buf.subarray(pos + 5));
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

const utf8Decoder = new TextDecoder('utf-8', { ignoreBOM: true });

/** Reads a string of `len` UTF-8 bytes at `pos`; ASCII is built directly, which is much cheaper for short keys. */
export function readUtf8(bytes: Uint8Array, pos: number, len: number): string {
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
  return utf8Decoder.decode(bytes.subarray(pos, pos + len));
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
