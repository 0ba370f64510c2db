import { compareKeys, sortKeys } from '../common/ordering';
import { shuffleDependencies } from './lineage';
import type { RDD, ShuffleDependency } from './rdd';

/** Keys sampled per reduce partition when computing range bounds (Spark samples ~20). */
export const SAMPLE_PER_PARTITION = 20;

/** The range-partitioned shuffles in the lineage whose bounds are not sampled yet, the deepest first. */
export function unsampledRangeShuffles(rdd: RDD<unknown>): ShuffleDependency[] {
  return shuffleDependencies(rdd)
    .filter((dep) => dep.partitioner.kind === 'range' && dep.partitioner.bounds.status === 'unknown')
    .reverse();
}

/** How many keys each map partition samples, oversampling 3× as Spark's RangePartitioner does. */
export function sampleSizePerMap(numReducers: number, numMaps: number): number {
  return Math.ceil((SAMPLE_PER_PARTITION * numReducers * 3) / Math.max(1, numMaps));
}

/**
 * The upper bounds of the first `numReducers - 1` reduce partitions, from a sample of the keys (sorted
 * here, in place): evenly spaced in the sample, without repeats, so at most `numReducers - 1` of them.
 */
export function rangeBoundsFromSample(keys: unknown[], numReducers: number, ascending: boolean): unknown[] {
  sortKeys(keys);
  if (!ascending) keys.reverse();
  const bounds: unknown[] = [];
  for (let i = 1; i < numReducers && keys.length > 0; i++) {
    const candidate = keys[Math.min(keys.length - 1, Math.floor((i * keys.length) / numReducers))];
    if (bounds.length === 0 || compareKeys(bounds[bounds.length - 1], candidate) !== 0) bounds.push(candidate);
  }
  return bounds;
}
