import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Lz4BlockDecoder, Lz4BlockFormatError } from './lz4Block';
import { concat, lz4BlockStream } from './testStreams';

const text = (s: string) => new TextEncoder().encode(s);
const decodeAll = (stream: Uint8Array, cuts: number[] = []) => {
  const d = new Lz4BlockDecoder();
  const out: Uint8Array[] = [];
  let at = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    out.push(...d.push(stream.subarray(at, cut)));
    at = cut;
  }
  out.push(...d.push(stream.subarray(at)));
  return { bytes: concat(out), end: d.end() };
};

describe('Lz4BlockDecoder (lz4-java LZ4BlockOutputStream framing)', () => {
  it('decodes compressed and raw blocks and sees the end mark', () => {
    const compressible = text('{"Event":"SparkListenerTaskEnd"}\n'.repeat(200));
    const incompressible = new Uint8Array([7, 200, 13, 99, 1]);
    const { bytes, end } = decodeAll(lz4BlockStream([compressible, incompressible]));
    expect(bytes).toEqual(concat([compressible, incompressible]));
    expect(end).toBe('complete');
  });

  it('gives the same bytes however the input is cut into chunks (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ maxLength: 80 }), { minLength: 1, maxLength: 4 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        (blocks, rawCuts) => {
          const encoded = blocks.map((b) => text(b.repeat(3))).filter((b) => b.length > 0);
          const stream = lz4BlockStream(encoded);
          const cuts = rawCuts.map((c) => c % (stream.length + 1));
          expect(decodeAll(stream, cuts).bytes).toEqual(concat(encoded));
        },
      ),
      { seed: 14, numRuns: 40 },
    );
  });

  it('reads concatenated streams, as Spark does', () => {
    const a = text('first\n'.repeat(50));
    const b = text('second\n'.repeat(50));
    const { bytes, end } = decodeAll(concat([lz4BlockStream([a]), lz4BlockStream([b])]));
    expect(new TextDecoder().decode(bytes)).toBe('first\n'.repeat(50) + 'second\n'.repeat(50));
    expect(end).toBe('complete');
  });

  it('says a stream without its end mark is unterminated (a log still being written)', () => {
    expect(decodeAll(lz4BlockStream([text('a\n'.repeat(40))], { endMark: false })).end).toBe('unterminated');
  });

  it('refuses a damaged block by its checksum', () => {
    const stream = lz4BlockStream([new Uint8Array([7, 200, 13, 99, 1])]); // incompressible: a raw block
    const damaged = stream.slice();
    damaged[23] = damaged[23]! ^ 0x01; // its third byte of data
    expect(() => new Lz4BlockDecoder().push(damaged)).toThrow(/fails its checksum: the file is damaged/);
    // A damaged compressed block is refused too (here its decoded length no longer matches).
    const compressed = lz4BlockStream([text('abcdefgh'.repeat(30))]);
    compressed[22] = compressed[22]! ^ 0x40;
    expect(() => new Lz4BlockDecoder().push(compressed)).toThrow(Lz4BlockFormatError);
  });

  it('refuses input that is not lz4 block framing, and a stream cut inside a block', () => {
    expect(() => new Lz4BlockDecoder().push(text('LZ4Blocc'.padEnd(40, ' ')))).toThrow(Lz4BlockFormatError);
    const stream = lz4BlockStream([text('hello world\n'.repeat(20))]);
    const d = new Lz4BlockDecoder();
    d.push(stream.subarray(0, 30));
    expect(() => d.end()).toThrow(/cut off inside a block/);
  });
});
