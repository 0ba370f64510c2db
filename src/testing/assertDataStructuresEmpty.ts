import { onTestFinished } from 'vitest';
import type { EmberContext } from '../engine/context';

/**
 * State that outlives the jobs that created it on purpose, each with the reason. Everything else
 * `ctx.schedulerState()` reports is per-job state and must be empty once no job runs; a size added to
 * it later is checked by default.
 */
export const KEPT_AFTER_JOBS: Readonly<Record<string, string>> = {
  idleMapStages:
    'the map stage of a shuffle that a live RDD can still read: a later job skips it while its output is stored. Held weakly; the cleaner releases it once the RDD is collected.',
  shuffles: 'the map stage id of every shuffle still registered with the map-output tracker, for the same reason.',
  mapChecksums:
    'the first checksum of every map partition of a registered shuffle: a recomputation in a later job is judged against it (non-determinism). Released with the shuffle.',
  trackedShuffles: 'map outputs of shuffles that live RDDs can still read; the cleaner releases them.',
  removedBlockIds:
    "the block master's memory of blocks lost or cleared: a later task over such a cached partition recomputes it at once instead of waiting for a copy. The cleaner forgets them.",
  cachedRdds: 'cached partitions of persisted RDDs: kept until unpersist() or the cleaner.',
};

/**
 * Spark's DAGSchedulerSuite.assertDataStructuresEmpty: once a scenario's jobs have ended, the scheduler
 * holds nothing for them: no active job, stage, waiting, running or failed stage, task set, pending
 * resubmission, checksum or epoch of a removed worker.
 */
export function assertDataStructuresEmpty(
  ctx: EmberContext,
  kept: Readonly<Record<string, string>> = KEPT_AFTER_JOBS,
): void {
  const left = Object.entries(ctx.schedulerState()).filter(([name, size]) => !(name in kept) && size !== 0);
  if (left.length === 0) return;
  throw new Error(
    `The scheduler still holds per-job state after every job ended: ${left.map(([name, size]) => `${name} ${size}`).join(', ')}. ` +
      'Release it when its job ends; if it is kept on purpose, add it to KEPT_AFTER_JOBS with the reason.',
  );
}

/**
 * Runs assertDataStructuresEmpty when the current test ends, so that every scheduler scenario is
 * checked without each test remembering to. Skipped when the test failed already: its own failure is
 * the one worth reading.
 */
export function assertDataStructuresEmptyAfterTest(ctx: EmberContext): void {
  onTestFinished(({ task }) => {
    if (task.result?.state === 'fail') return;
    assertDataStructuresEmpty(ctx);
  });
}
