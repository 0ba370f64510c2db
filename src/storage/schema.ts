import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { BlockRecord, StoredEventChunk, StoredInput, StoredMapOutput, StoredRun } from '../protocol/storage';

export interface EngineDbSchema extends DBSchema {
  inputs: { key: string; value: StoredInput };
  blocks: { key: string; value: BlockRecord; indexes: { appOwner: [string, number] } };
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
    upgrade(db, oldVersion, _newVersion, tx) {
      if (oldVersion < 1) {
        db.createObjectStore('inputs', { keyPath: 'id' });
      }
      if (oldVersion < 2) {
        // Version 1 had an unused 'jobs' store; version 2 journals runs for resuming after a reload.
        if ((db.objectStoreNames as DOMStringList).contains('jobs')) db.deleteObjectStore('jobs' as never);
        db.createObjectStore('runs', { keyPath: 'runId' });
        db.createObjectStore('mapOutputs', { keyPath: 'key' }).createIndex('runId', 'runId');
      }
      if (oldVersion < 3) {
        // Version 3 names the app in every block id and record. Older blocks have no app, so no engine
        // could tell whose they are: they go (blocks are recomputable), and so do the journaled runs
        // made of them. Inputs are kept.
        if ((db.objectStoreNames as DOMStringList).contains('blocks')) db.deleteObjectStore('blocks');
        // owner is null for checkpoints and datasets; IndexedDB leaves such records out of the
        // compound index, which is what deleteByOwner wants: they survive any executor.
        db.createObjectStore('blocks', { keyPath: 'id' }).createIndex('appOwner', ['app', 'owner']);
        if (oldVersion >= 2) {
          void tx.objectStore('runs').clear();
          void tx.objectStore('mapOutputs').clear();
        }
      }
      if (oldVersion < 4) {
        // Past runs' events, moved out of the main thread's heap (see eventHistory.ts).
        db.createObjectStore('events', { keyPath: 'key' }).createIndex('session', 'session');
      }
    },
  });
}
