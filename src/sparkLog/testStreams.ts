// Builders of compressed streams for the unit tests, made in code (not read from files).
import { compressBlock, compressBound } from 'lz4js';
import { LZ4_BLOCK_MAGIC, lz4BlockChecksum } from './lz4Block';

function header(method: number, compressed: number, original: number, checksum: number): Uint8Array {
  const h = new Uint8Array(21);
  h.set(new TextEncoder().encode(LZ4_BLOCK_MAGIC));
  const v = new DataView(h.buffer);
  v.setUint8(8, method | 6); // level bits: log2(64 KiB) - 10
  v.setInt32(9, compressed, true);
  v.setInt32(13, original, true);
  v.setInt32(17, checksum, true);
  return h;
}

const HASH_TABLE = new Uint32Array(1 << 16);

/** An LZ4BlockOutputStream of these blocks (lz4-compressed where that is smaller, raw otherwise), then its end mark. */
export function lz4BlockStream(blocks: Uint8Array[], { endMark = true } = {}): Uint8Array<ArrayBuffer> {
  const parts: Uint8Array[] = [];
  for (const block of blocks) {
    const out = new Uint8Array(compressBound(block.length));
    const size = compressBlock(block, out, 0, block.length, HASH_TABLE.fill(0));
    const checksum = lz4BlockChecksum(block);
    if (size > 0 && size < block.length) parts.push(header(0x20, size, block.length, checksum), out.subarray(0, size));
    else parts.push(header(0x10, block.length, block.length, checksum), block);
  }
  if (endMark) parts.push(header(0x10, 0, 0, 0));
  return concat(parts);
}

/** A zstd frame holding the bytes as raw blocks (valid zstd; Node 20 has no zstd compressor). */
export function zstdRawFrame(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const parts: Uint8Array[] = [new Uint8Array([0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x58])];
  // Frame header: no content size, no checksum; window descriptor 0x58: a 2 MiB window (2^(10 + 11)).
  const MAX = 1 << 16;
  for (let at = 0; at < bytes.length || at === 0; at += MAX) {
    const chunk = bytes.subarray(at, at + MAX);
    const last = at + MAX >= bytes.length ? 1 : 0;
    const h = last | (0 << 1) | (chunk.length << 3);
    parts.push(new Uint8Array([h & 0xff, (h >> 8) & 0xff, (h >> 16) & 0xff]), chunk);
    if (bytes.length === 0) break;
  }
  return concat(parts);
}

export function concat(parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
