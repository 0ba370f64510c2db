import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { BlockRecord, StoredEventChunk, StoredInput, StoredMapOutput, StoredRun } from '../protocol/storage';

export interface EngineDbSchema extends DBSchema {
  inputs: { key: string; value: StoredInput };
  blocks: { key: string; value: BlockRecord; indexes: { owner: number } };
  runs: { key: string; value: StoredRun };
  mapOutputs: { key: string; value: StoredMapOutput; indexes: { runId: string } };
  events: { key: string; value: StoredEventChunk; indexes: { session: string } };
}

export type EngineDb = IDBPDatabase<EngineDbSchema>;

export const ENGINE_DB_VERSION = 4;

/** The IndexedDB database name for an engine instance named `name`. */
export function engineDbName(name: string): string {
  return `emberflow-${name}`;
}

/** Opens (creating if needed) an engine database by its full name, e.g. engineDbName('default'). */
export function openEngineDb(dbName: string): Promise<EngineDb> {
  return openDB<EngineDbSchema>(dbName, ENGINE_DB_VERSION, {
    upgrade(db, oldVersion) {
      if (oldVersion < 1) {
        db.createObjectStore('inputs', { keyPath: 'id' });
        // owner is null for checkpoints and datasets; IndexedDB leaves such records out of the index,
        // which is what deleteByOwner wants.
        const blocks = db.createObjectStore('blocks', { keyPath: 'id' });
        blocks.createIndex('owner', 'owner');
      }
      if (oldVersion < 2) {
        // Version 1 had an unused 'jobs' store; version 2 journals runs for resuming after a reload.
        if ((db.objectStoreNames as DOMStringList).contains('jobs')) db.deleteObjectStore('jobs' as never);
        db.createObjectStore('runs', { keyPath: 'runId' });
        db.createObjectStore('mapOutputs', { keyPath: 'key' }).createIndex('runId', 'runId');
      }
      if (oldVersion < 4) {
        // Past runs' events, moved out of the main thread's heap (see eventHistory.ts).
        db.createObjectStore('events', { keyPath: 'key' }).createIndex('session', 'session');
      }
    },
  });
}
