import { Decompress } from 'fzstd';
import { Lz4BlockDecoder } from './lz4Block';

/** The codecs Emberflow reads. Spark also has snappy and lzf; they are refused with a clear message. */
export type SparkLogCodec = 'plain' | 'zstd' | 'lz4';

/** Spark's short codec names, as they appear after the dot of a log file's name. */
const KNOWN: Record<string, SparkLogCodec | 'unsupported'> = {
  zstd: 'zstd',
  lz4: 'lz4',
  snappy: 'unsupported',
  lzf: 'unsupported',
};

export class UnsupportedCodecError extends Error {
  override name = 'UnsupportedCodecError';
}

/**
 * The codec of an event log file, from its name as Spark decides it: whatever follows the first dot
 * (after dropping an ".inprogress" suffix) names the codec; no dot means plain JSON lines.
 */
export function codecOf(fileName: string): SparkLogCodec {
  const name = fileName.replace(/\.inprogress$/, '');
  const dot = name.indexOf('.');
  if (dot < 0) return 'plain';
  const suffix = name.slice(dot + 1);
  const codec = KNOWN[suffix];
  if (codec === undefined || codec === 'unsupported') {
    throw new UnsupportedCodecError(
      `${fileName}: Spark event logs compressed with "${suffix}" cannot be opened here; Emberflow reads plain, zstd and lz4 logs. ` +
        `Rewrite the log with spark.eventLog.compression.codec=zstd, or decompress it first.`,
    );
  }
  return codec;
}

/** An incremental decompressor: push compressed chunks, get decompressed bytes; end() when the file ends. */
export interface ByteDecoder {
  push(chunk: Uint8Array): Uint8Array[];
  end(): Uint8Array[];
}

export function createDecoder(codec: SparkLogCodec, fileName: string): ByteDecoder {
  switch (codec) {
    case 'plain':
      return { push: (chunk) => [chunk], end: () => [] };
    case 'lz4': {
      const lz4 = new Lz4BlockDecoder();
      return {
        push: (chunk) => lz4.push(chunk),
        // An unterminated stream is a log still being written (or an application that died): its
        // complete blocks are kept, as Spark's History Server shows such a log too.
        end: () => (lz4.end(), []),
      };
    }
    case 'zstd': {
      let out: Uint8Array[] = [];
      const zstd = new Decompress((data) => void out.push(data));
      const take = () => {
        const taken = out;
        out = [];
        return taken;
      };
      return {
        push(chunk) {
          try {
            zstd.push(chunk);
          } catch (e) {
            throw new Error(`${fileName}: not a valid zstd stream (${(e as Error).message})`);
          }
          return take();
        },
        end() {
          try {
            zstd.push(new Uint8Array(0), true);
          } catch (e) {
            throw new Error(`${fileName}: the zstd stream is cut off or damaged (${(e as Error).message})`);
          }
          return take();
        },
      };
    }
  }
}
