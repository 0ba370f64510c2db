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

/** Metadata the main thread keeps about a block; never the payload. */
export type BlockInfo = Omit<BlockRecord, 'payload'>;

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
