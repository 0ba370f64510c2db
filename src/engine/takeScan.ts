/**
 * Spark's spark.rdd.limit.scaleUpFactor: a take() round scans at most this many times the partitions
 * already scanned.
 */
export const TAKE_SCALE_UP_FACTOR = 4;

/**
 * How many partitions the next round of take(wanted) scans, as Spark's RDD.take decides: one at first;
 * after a round that found nothing, `scaleUp` times the partitions scanned so far; otherwise an estimate
 * from the rows found per partition, 50% over, capped at that same factor. Always at least 1; the
 * caller caps it at the partitions left.
 */
export function partitionsToScan(
  wanted: number,
  found: number,
  scanned: number,
  scaleUp = TAKE_SCALE_UP_FACTOR,
): number {
  if (scanned === 0) return 1;
  if (found === 0) return scanned * scaleUp;
  const left = wanted - found;
  return Math.max(1, Math.min(Math.ceil((1.5 * left * scanned) / found), scanned * scaleUp));
}
