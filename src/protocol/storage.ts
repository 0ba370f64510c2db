import type { AppId, BlockId, ExecutorId } from './ids';

/** How a block's payload bytes are laid out (see src/common/codec.ts). */
export type BlockEncoding = 'records' | 'word-counts';

/** One stored block: shuffle output, cached partition, checkpoint or saved dataset partition. */
export interface BlockRecord {
  id: BlockId;
  /**
   * The app whose block it is (the one named in its id). Readers check it, with the checksum, so that a
   * block of another engine on the same database is never taken for data.
   */
  app: AppId;
  /** The app's executor that wrote it; null for blocks that survive any executor (checkpoints, datasets). */
  owner: ExecutorId | null;
  encoding: BlockEncoding;
  payload: ArrayBuffer;
  bytes: number;
  records: number;
  /** FNV-1a of the payload; equal checksums mean equal partitions. Readers recompute it. */
  checksum: number;
}

/** Metadata of a block stored in IndexedDB: one record per id, readable by every worker. */
export type StoredBlockInfo = Omit<BlockRecord, 'payload'> & { inMemory?: never };

/**
 * Metadata of a persist('memory') partition: it lives only inside its owner worker, so every worker that
 * computed it holds a copy of its own, and each copy dies with its worker.
 */
export type MemoryBlockInfo = Omit<BlockRecord, 'payload' | 'owner'> & { owner: ExecutorId; inMemory: true };

/** Metadata the main thread keeps about a block (or one in-memory copy of it); never the payload. */
export type BlockInfo = StoredBlockInfo | MemoryBlockInfo;

/** An uploaded file, stored durably: recomputation always starts from here. */
export interface StoredInput {
  id: string;
  name: string;
  size: number;
  type: string;
  lastModified: number;
  blob: Blob;
}

export type StoredInputInfo = Omit<StoredInput, 'blob'>;

/**
 * A journaled word-count run: stored when it starts and as its map outputs complete, so that a run
 * interrupted by a reload can resume, computing only what is missing.
 */
export interface StoredRun {
  runId: string;
  /**
   * The engine running it. A 'running' run whose app holds no Web Lock any more (its tab closed or
   * reloaded) is interrupted; one whose app is live belongs to another tab and is left alone.
   */
  app: AppId;
  /** The app its shuffle blocks are written under: its first engine's, kept by every resume. */
  blockApp: AppId;
  status: 'running' | 'succeeded' | 'failed';
  startedAt: number;
  options: {
    inputs: StoredInputInfo[];
    tokenizer: 'words' | 'whitespace';
    inputSplits: number;
    shufflePartitions: number;
  };
  /** Shuffle ids of the run's lineage, in lineage order (deepest first), once known. */
  shuffleIds: number[];
  /** Range bounds of the run's sort shuffle, once sampled: resumed map outputs must use the same. */
  rangeBounds: unknown[] | null;
}

/** One registered map output of a journaled run. */
export interface StoredMapOutput {
  key: string;
  runId: string;
  shuffleId: number;
  map: number;
  sizes: number[];
}

/**
 * Events of one run (a top-level action) of one engine session, as JSON lines. A long run is stored in
 * several chunks, so that the engine never holds more than one chunk of events in memory.
 */
export interface StoredEventChunk {
  /** `<run start, zero-padded ms since 1970>/<session>/<run>/<chunk>`: keys sort oldest run first. */
  key: string;
  session: string;
  run: number;
  chunk: number;
  startedAt: number;
  /** One JSON object per line, each line ending in a newline. */
  lines: string;
}
