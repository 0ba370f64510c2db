import { decompressBlock } from 'lz4js';
import { xxHash32 } from 'js-xxhash';
import { concatBytes } from '../common/concatBytes';

/**
 * The framing of lz4-java's LZ4BlockOutputStream, which Spark's lz4 codec writes (not the standard
 * LZ4 frame format). Each block is a 21-byte header and its data:
 *
 *   "LZ4Block" | token (method 0x10 raw or 0x20 lz4, plus log2(block size) - 10) |
 *   compressed length | original length | checksum   (little-endian 32-bit ints)
 *
 * The checksum is XXHash32 (seed 0x9747b28c) of the original bytes, keeping its low 28 bits. A block of
 * lengths 0 and 0 ends the stream; another stream may follow it (Spark reads concatenated streams).
 */
export const LZ4_BLOCK_MAGIC = 'LZ4Block';
export const LZ4_BLOCK_HEADER_BYTES = 21;
export const LZ4_BLOCK_SEED = 0x9747b28c;
const METHOD_RAW = 0x10;
const METHOD_LZ4 = 0x20;
const MAGIC = new TextEncoder().encode(LZ4_BLOCK_MAGIC);

export class Lz4BlockFormatError extends Error {
  override name = 'Lz4BlockFormatError';
}

/** The checksum lz4-java stores for a block's original bytes. */
export const lz4BlockChecksum = (original: Uint8Array): number => xxHash32(original, LZ4_BLOCK_SEED) & 0x0fffffff;

/**
 * Decodes an LZ4BlockOutputStream incrementally: push the file's bytes in chunks of any size, get the
 * original bytes of every block completed so far. `end()` says whether the input stopped right after an
 * end mark ('complete') or between blocks without one ('unterminated': a log still being written, or
 * cut short); input that stops inside a header or a block is an error, as are a bad magic, an unknown
 * method, lengths that do not match and a checksum that does not match.
 */
export class Lz4BlockDecoder {
  #pending: Uint8Array = new Uint8Array(0);
  /** Bytes consumed before #pending, for error messages. */
  #offset = 0;
  #ended = false;

  push(chunk: Uint8Array): Uint8Array[] {
    this.#pending = this.#pending.length === 0 ? chunk : concatBytes(this.#pending, chunk);
    const out: Uint8Array[] = [];
    let at = 0;
    const buf = this.#pending;
    while (buf.length - at >= LZ4_BLOCK_HEADER_BYTES) {
      const view = new DataView(buf.buffer, buf.byteOffset + at, LZ4_BLOCK_HEADER_BYTES);
      const where = this.#offset + at;
      for (let i = 0; i < MAGIC.length; i++) {
        if (buf[at + i] !== MAGIC[i]) {
          throw new Lz4BlockFormatError(`not an lz4 block at byte ${where}: expected "${LZ4_BLOCK_MAGIC}"`);
        }
      }
      const method = view.getUint8(8) & 0xf0;
      const compressed = view.getInt32(9, true);
      const original = view.getInt32(13, true);
      const checksum = view.getInt32(17, true);
      if (method !== METHOD_RAW && method !== METHOD_LZ4) {
        throw new Lz4BlockFormatError(`unknown lz4 block method 0x${method.toString(16)} at byte ${where}`);
      }
      if (compressed < 0 || original < 0 || (method === METHOD_RAW && compressed !== original)) {
        throw new Lz4BlockFormatError(`inconsistent lz4 block lengths at byte ${where}`);
      }
      if (buf.length - at - LZ4_BLOCK_HEADER_BYTES < compressed) break;
      const start = at + LZ4_BLOCK_HEADER_BYTES;
      at = start + compressed;
      if (original === 0) {
        // The end mark (its lengths and checksum are all 0); a new stream may follow.
        this.#ended = true;
        continue;
      }
      this.#ended = false;
      let bytes: Uint8Array;
      if (method === METHOD_RAW) {
        bytes = buf.slice(start, start + compressed);
      } else {
        bytes = new Uint8Array(original);
        const end = decompressBlock(buf, bytes, start, compressed, 0);
        if (end !== original) {
          throw new Lz4BlockFormatError(
            `lz4 block at byte ${where} decodes to ${end} bytes, its header says ${original}`,
          );
        }
      }
      if (lz4BlockChecksum(bytes) !== (checksum & 0x0fffffff)) {
        throw new Lz4BlockFormatError(`lz4 block at byte ${where} fails its checksum: the file is damaged`);
      }
      out.push(bytes);
    }
    this.#pending = buf.subarray(at);
    this.#offset += at;
    return out;
  }

  end(): 'complete' | 'unterminated' {
    if (this.#pending.length > 0) {
      throw new Lz4BlockFormatError(
        `lz4 stream cut off inside a block at byte ${this.#offset} (${this.#pending.length} bytes left over)`,
      );
    }
    return this.#ended ? 'complete' : 'unterminated';
  }
}
