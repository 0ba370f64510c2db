import type { StoredInput, StoredInputInfo } from '../protocol/storage';
import type { EngineDb } from './schema';
import { putAll } from './putAll';

function infoOf(input: StoredInput): StoredInputInfo {
  const { id, name, size, type, lastModified } = input;
  return { id, name, size, type, lastModified };
}

/** Stores uploaded files durably (one transaction); recomputation always reads them from here. */
export async function putInputs(db: EngineDb, files: readonly (File | Blob)[]): Promise<StoredInputInfo[]> {
  const inputs: StoredInput[] = files.map((file, i) => ({
    id: crypto.randomUUID(),
    name: 'name' in file && typeof file.name === 'string' ? file.name : `input-${i + 1}`,
    size: file.size,
    type: file.type,
    lastModified: 'lastModified' in file && typeof file.lastModified === 'number' ? file.lastModified : Date.now(),
    blob: file,
  }));
  await putAll(
    db,
    'inputs',
    inputs,
    inputs.reduce((n, f) => n + f.size, 0),
  );
  return inputs.map(infoOf);
}

/** Input metadata without the blobs; a cursor keeps the blobs' files unread. */
export async function listInputs(db: EngineDb): Promise<StoredInputInfo[]> {
  const out: StoredInputInfo[] = [];
  let cursor = await db.transaction('inputs').store.openCursor();
  while (cursor) {
    out.push(infoOf(cursor.value));
    cursor = await cursor.continue();
  }
  return out;
}

export function getInput(db: EngineDb, id: string): Promise<StoredInput | undefined> {
  return db.get('inputs', id);
}

export function deleteInput(db: EngineDb, id: string): Promise<void> {
  return db.delete('inputs', id);
}

export function deleteAllInputs(db: EngineDb): Promise<void> {
  return db.clear('inputs');
}
