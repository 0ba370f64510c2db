import type { BlockRecord, StoredInputInfo } from '../protocol';

/**
 * What the main thread does with stored data: manage inputs, delete blocks, read saved datasets.
 * IndexedDB in the browser (idbEngineStore.ts); a Map in scheduler tests.
 */
export interface EngineStore {
  readonly dbName: string;
  /** Resolves once the store is open and blocks of an earlier session are gone. */
  ready(): Promise<void>;
  putInputs(files: Blob[]): Promise<StoredInputInfo[]>;
  listInputs(): Promise<StoredInputInfo[]>;
  deleteInput(id: string): Promise<void>;
  deleteBlocks(ids: string[]): Promise<void>;
  getBlocks(ids: string[]): Promise<(BlockRecord | undefined)[]>;
  close(): void;
}
