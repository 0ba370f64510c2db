// lz4js ships no types; only the block decoder is used (lz4Block.ts).
declare module 'lz4js' {
  /** Decompresses src[sIndex, sIndex + sLength) into dst from dIndex; returns the end index in dst. */
  export function decompressBlock(
    src: Uint8Array,
    dst: Uint8Array,
    sIndex: number,
    sLength: number,
    dIndex: number,
  ): number;
}
