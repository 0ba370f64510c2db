const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 16777619;

/** 32-bit FNV-1a over bytes, unsigned. Pass a previous result as `seed` to continue a running hash. */
export function fnv1a(bytes: Uint8Array, seed: number = FNV_OFFSET): number {
  let h = seed | 0;
  for (let i = 0; i < bytes.length; i++) {
    h ^= bytes[i];
    h = Math.imul(h, FNV_PRIME);
  }
  return h >>> 0;
}

/** Folds a list of 32-bit checksums into one, order-sensitive (used for per-reducer bucket checksums). */
export function combineChecksums(checksums: readonly number[]): number {
  let h = FNV_OFFSET;
  for (const c of checksums) {
    for (let shift = 0; shift < 32; shift += 8) {
      h ^= (c >>> shift) & 0xff;
      h = Math.imul(h, FNV_PRIME);
    }
  }
  return h >>> 0;
}
