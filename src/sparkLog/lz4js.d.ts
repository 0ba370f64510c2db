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
declare module 'lz4js' {
  /** Compresses src[sIndex, sIndex + sLength) into dst; returns the compressed size (0: incompressible). Tests only. */
  export function compressBlock(
    src: Uint8Array,
    dst: Uint8Array,
    sIndex: number,
    sLength: number,
    hashTable: Uint32Array,
  ): number;
  export function compressBound(n: number): number;
}
