/**
 * One partition's seed from a user's seed and the partition index, mixed into 32 bits: sample() seeds
 * each partition's sampler with it, so a recomputed partition draws exactly what the lost one drew.
 */
export function partitionSeed(seed: number, partition: number): number {
  let h = Math.imul((seed | 0) ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(partition + 1, 0xc2b2ae35);
  h ^= h >>> 16;
  return Math.imul(h, 0x27d4eb2f) >>> 0;
}
