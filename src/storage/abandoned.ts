import { pickBlockIds, type AppId } from '../protocol/ids';
import type { StoredRun } from '../protocol/storage';

/**
 * Runs that will never finish by themselves: journaled as running by an engine that is no longer
 * live. A run whose engine is live (another tab, mid-run) is not interrupted and is never offered.
 */
export function interruptedRuns(runs: readonly StoredRun[], live: ReadonlySet<AppId>): StoredRun[] {
  return runs.filter((r) => r.status === 'running' && !live.has(r.app));
}

/**
 * Blocks nobody can use any more: those of apps that are not live (closed tabs, stopped engines)
 * and ids this version does not write, except the shuffle blocks of runs still journaled as running,
 * which their resume (or the live engine resuming them) reads.
 */
export function abandonedBlocks(
  ids: readonly string[],
  runs: readonly StoredRun[],
  live: ReadonlySet<AppId>,
): string[] {
  const held = runs
    .filter((r) => r.status === 'running')
    .flatMap((r) => r.shuffleIds.map((shuffle) => ({ app: r.blockApp, shuffle })));
  return pickBlockIds(ids, { apps: live, shuffles: held }, 'out');
}
