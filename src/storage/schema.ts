import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { BlockRecord, StoredInput } from '../protocol/storage';

/** A finished or failed job as the history shows it; kept loose on purpose (it is for people, not code). */
export interface StoredJobSummary {
  jobId: number;
  [field: string]: unknown;
}

export interface EngineDbSchema extends DBSchema {
  inputs: { key: string; value: StoredInput };
  blocks: { key: string; value: BlockRecord; indexes: { owner: number } };
  jobs: { key: number; value: StoredJobSummary };
}

export type EngineDb = IDBPDatabase<EngineDbSchema>;

export const ENGINE_DB_VERSION = 1;

/** The IndexedDB database name for an engine instance named `name`. */
export function engineDbName(name: string): string {
  return `emberflow-${name}`;
}

/** Opens (creating if needed) an engine database by its full name, e.g. engineDbName('default'). */
export function openEngineDb(dbName: string): Promise<EngineDb> {
  return openDB<EngineDbSchema>(dbName, ENGINE_DB_VERSION, {
    upgrade(db) {
      db.createObjectStore('inputs', { keyPath: 'id' });
      // owner is null for checkpoints and datasets; IndexedDB leaves such records out of the index,
      // which is what deleteByOwner wants.
      const blocks = db.createObjectStore('blocks', { keyPath: 'id' });
      blocks.createIndex('owner', 'owner');
      db.createObjectStore('jobs', { keyPath: 'jobId' });
    },
  });
}
