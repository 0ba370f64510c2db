import type { BlockRecord, StoredEventChunk, StoredInputInfo, StoredMapOutput, StoredRun } from '../protocol';

/** What a store knows when it opens: runs of an earlier session that never finished. */
export interface StoreState {
  interruptedRuns: StoredRun[];
}

/**
 * What the main thread does with stored data: manage inputs, delete blocks, read saved datasets, and
 * journal runs for resuming after a reload. IndexedDB in the browser (idbEngineStore.ts); Maps in tests.
 */
export interface EngineStore {
  readonly dbName: string;
  /**
   * Resolves once the store is open and cleaned: blocks of an earlier session are gone, except the
   * shuffle blocks of interrupted runs, which a resume can still use.
   */
  ready(): Promise<StoreState>;
  putInputs(files: Blob[]): Promise<StoredInputInfo[]>;
  listInputs(): Promise<StoredInputInfo[]>;
  deleteInput(id: string): Promise<void>;
  deleteBlocks(ids: string[]): Promise<void>;
  getBlocks(ids: string[]): Promise<(BlockRecord | undefined)[]>;
  listBlockIds(): Promise<string[]>;
  saveRun(run: StoredRun): Promise<void>;
  saveMapOutput(output: Omit<StoredMapOutput, 'key'>): Promise<void>;
  mapOutputsOf(runId: string): Promise<StoredMapOutput[]>;
  deleteRun(runId: string): Promise<void>;
  /** Stores a chunk of a past run's events. */
  saveEventChunk(chunk: StoredEventChunk): Promise<void>;
  /** A session's stored event chunks, oldest first. */
  eventChunksOf(session: string): Promise<StoredEventChunk[]>;
  /** Deletes the events of all but the newest `runsKept` runs. */
  pruneEventRuns(runsKept: number): Promise<void>;
  close(): void;
}
