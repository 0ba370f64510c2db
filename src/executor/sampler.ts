import { mulberry32 } from './runResultAction';
import type { Push } from './evaluatePlan';

/**
 * sample()'s per-partition sampler, seeded with the partition's own seed: the same input in the same
 * order draws the same records, so a recomputed partition equals the lost one (Spark seeds its
 * samplers with seed + partition index for the same reason). Without replacement each record is kept
 * with probability `fraction` (Bernoulli); with replacement it is emitted a Poisson(fraction) number of
 * times, as Spark's samplers do.
 */
export function sampler(withReplacement: boolean, fraction: number, seed: number, next: Push): Push {
  const random = mulberry32(seed);
  if (!withReplacement) {
    return (r) => {
      if (random() < fraction) next(r);
    };
  }
  const limit = Math.exp(-fraction);
  return (r) => {
    // Knuth's Poisson draw: multiply uniforms until the product falls below e^-fraction.
    let product = random();
    while (product > limit) {
      next(r);
      product *= random();
    }
  };
}
