import type { AppId, BlockRecord, StoredEventChunk, StoredInputInfo, StoredMapOutput, StoredRun } from '../protocol';

/** What a store knows when it opens: runs that engines no longer live left unfinished. */
export interface StoreState {
  interruptedRuns: StoredRun[];
}

/**
 * What the main thread does with stored data: manage inputs, delete blocks, read saved datasets, and
 * journal runs for resuming after a reload. IndexedDB in the browser (idbEngineStore.ts); Maps in tests.
 * A store serves one engine instance, `app`, and keeps it marked live (a Web Lock) until close().
 */
export interface EngineStore {
  readonly dbName: string;
  readonly app: AppId;
  /**
   * Resolves once the store is open, this app is marked live, and blocks abandoned by engines no
   * longer live are gone (except the shuffle blocks of interrupted runs, which a resume can still use).
   */
  ready(): Promise<StoreState>;
  /** Deletes the blocks of engines no longer live (closed tabs), as at start; returns their ids. */
  deleteAbandonedBlocks(): Promise<string[]>;
  /** Takes over an interrupted run for this app; null if it is not interrupted (any more). */
  claimRun(runId: string): Promise<StoredRun | null>;
  putInputs(files: Blob[]): Promise<StoredInputInfo[]>;
  listInputs(): Promise<StoredInputInfo[]>;
  deleteInput(id: string): Promise<void>;
  deleteAllInputs(): Promise<void>;
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
  /** Closes the database and marks this app no longer live. */
  close(): void;
}
