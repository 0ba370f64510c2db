import type { AppId } from '../protocol/ids';
import type { StoredMapOutput, StoredRun } from '../protocol/storage';
import type { EngineDb } from './schema';

/** The journal of word-count runs and their map outputs, for resuming after a reload. */

export async function saveRun(db: EngineDb, run: StoredRun): Promise<void> {
  await db.put('runs', run);
}

export function listRuns(db: EngineDb): Promise<StoredRun[]> {
  return db.getAll('runs');
}

/**
 * Makes an interrupted run `app`'s in one transaction, so that of two tabs resuming (or discarding)
 * the same run only the first gets it. Returns the claimed run, or null if it is no longer
 * interrupted (finished, discarded, or claimed by an engine that is live).
 */
export async function claimRun(
  db: EngineDb,
  runId: string,
  app: AppId,
  live: ReadonlySet<AppId>,
): Promise<StoredRun | null> {
  const tx = db.transaction('runs', 'readwrite');
  const run = await tx.store.get(runId);
  if (!run || run.status !== 'running' || live.has(run.app)) {
    await tx.done;
    return null;
  }
  const claimed = { ...run, app };
  await Promise.all([tx.store.put(claimed), tx.done]);
  return claimed;
}

export async function saveMapOutput(db: EngineDb, output: Omit<StoredMapOutput, 'key'>): Promise<void> {
  await db.put('mapOutputs', { ...output, key: `${output.runId}/${output.shuffleId}/${output.map}` });
}

export function mapOutputsOf(db: EngineDb, runId: string): Promise<StoredMapOutput[]> {
  return db.getAllFromIndex('mapOutputs', 'runId', runId);
}

/** Forgets a run and its map outputs (its blocks are the block store's business). */
export async function deleteRun(db: EngineDb, runId: string): Promise<void> {
  const tx = db.transaction(['runs', 'mapOutputs'], 'readwrite');
  const outputs = tx.objectStore('mapOutputs');
  const keys = await outputs.index('runId').getAllKeys(runId);
  await Promise.all([tx.objectStore('runs').delete(runId), ...keys.map((k) => outputs.delete(k)), tx.done]);
}
