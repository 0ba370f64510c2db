import { writeWtf8 } from './utf8';

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
    const written = writeWtf8(s, buf, pos + 5);
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
