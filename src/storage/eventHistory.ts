import type { StoredEventChunk } from '../protocol/storage';
import type { EngineDb } from './schema';

/** Past runs' events, one record per chunk of JSON lines, so the page's heap holds only the current run. */

export async function saveEventChunk(db: EngineDb, chunk: StoredEventChunk): Promise<void> {
  await db.put('events', chunk);
}

/** A session's stored chunks, oldest run first, chunks in order. */
export async function eventChunksOf(db: EngineDb, session: string): Promise<StoredEventChunk[]> {
  const chunks = await db.getAllFromIndex('events', 'session', session);
  return chunks.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** Keeps the events of the newest `runsKept` runs, whichever session wrote them; deletes the rest. */
export async function pruneEventRuns(db: EngineDb, runsKept: number): Promise<void> {
  const tx = db.transaction('events', 'readwrite');
  const keys = (await tx.store.getAllKeys()).sort();
  const runOf = (key: string) => key.slice(0, key.lastIndexOf('/'));
  const runs = [...new Set(keys.map(runOf))];
  const dropped = new Set(runs.slice(0, Math.max(0, runs.length - runsKept)));
  await Promise.all([...keys.filter((k) => dropped.has(runOf(k))).map((k) => tx.store.delete(k)), tx.done]);
}
