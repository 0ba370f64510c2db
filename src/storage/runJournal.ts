import type { StoredMapOutput, StoredRun } from '../protocol/storage';
import type { EngineDb } from './schema';

/** The journal of word-count runs and their map outputs, for resuming after a reload. */

export async function saveRun(db: EngineDb, run: StoredRun): Promise<void> {
  await db.put('runs', run);
}

export function listRuns(db: EngineDb): Promise<StoredRun[]> {
  return db.getAll('runs');
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
