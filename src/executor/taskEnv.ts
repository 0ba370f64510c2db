import type { AppId, ExecutorId } from '../protocol/ids';
import type { BlockAccess } from '../storage/blockStore';

/** Everything runTask touches outside itself, so that it runs in a worker or in-process in tests. */
export interface TaskEnv {
  /** The app this executor works for: cached, checkpoint and dataset blocks are written under it. */
  app: AppId;
  executorId: ExecutorId;
  blocks: BlockAccess;
  inputs: { getBlob(id: string): Promise<Blob | undefined> };
  /** persist('memory') partitions, keyed by rddBlockId; owned by the worker. */
  memory: Map<string, unknown[]>;
  /** Broadcast values by id, received once (with the first task that uses them) and kept by the worker. */
  broadcasts: Map<number, unknown>;
  /** Called from inside processing loops (every few thousand records) with running totals. */
  progress(recordsRead: number, bytesRead: number): void;
  now(): number;
}
