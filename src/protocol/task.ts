import type { AppId, ExecutorId } from './ids';
import type { PartitionPlan, ShippedFunction, TaskSink } from './plan';
import type { BlockInfo } from './storage';

export interface TaskDescription {
  /** Unique per launch (every attempt and speculative copy gets its own). */
  taskId: number;
  jobId: number;
  stageId: number;
  stageAttempt: number;
  partition: number;
  /** 0 for the first launch of this partition in this stage attempt, then 1, 2, ... */
  attempt: number;
  /** The executor epoch when the task was launched; stale results are recognised by it. */
  epoch: number;
  functions: ShippedFunction[];
  /**
   * Broadcast values the functions' params refer to that this executor has not received yet: each is
   * shipped to a worker once, which keeps it for its lifetime.
   */
  broadcasts: { id: number; value: unknown }[];
  plan: PartitionPlan;
  sink: TaskSink;
  /** Demonstration and chaos knobs, decided by the engine so that they are reproducible. */
  chaos: { delayMs: number; injectFailure: boolean };
}

export interface TaskMetrics {
  recordsRead: number;
  bytesRead: number;
  recordsWritten: number;
  bytesWritten: number;
  durationMs: number;
  /**
   * Ill-formed UTF-8 sequences replaced by U+FFFD while decoding, per input file (absent: none). The
   * file's name travels with its count, so that the engine can name it without looking up the task.
   */
  invalidUtf8?: InvalidUtf8Count[];
}

export interface InvalidUtf8Count {
  inputId: string;
  fileName: string;
  count: number;
}

/** Why a task failed, as data: Comlink carries only name/message/stack of thrown errors. */
export type TaskFailureReason =
  | { kind: 'exception'; operator: string; message: string }
  | { kind: 'notSerializable'; operator: string; message: string }
  | {
      kind: 'fetchFailed';
      shuffleId: number;
      mapPartition: number;
      reducePartition: number;
      /** The executor that was expected to hold the block. */
      owner: ExecutorId | null;
      message: string;
    }
  | { kind: 'executorLost'; executorId: ExecutorId; cause: ExecutorLossCause; message: string }
  | { kind: 'killed'; message: string }
  | { kind: 'injected'; message: string }
  | { kind: 'inputUnreadable'; fileName: string; message: string }
  | { kind: 'storage'; store: string; bytes: number; message: string }
  /**
   * A checkpointed partition's block is gone (deleted, damaged or another engine's). Checkpointing
   * truncated the lineage, so nothing can recompute it.
   */
  | { kind: 'checkpointLost'; rddId: number; partition: number; blockId: string; message: string }
  /**
   * A task failure read from a Spark event log (src/sparkLog/) that has no Emberflow kind: an exception
   * (with Spark's class name and text, as Spark recorded them) or another of Spark's task end reasons.
   * The engine itself never produces it.
   */
  | { kind: 'spark'; className: string; message: string };

export type ExecutorLossCause = 'killed' | 'heartbeatTimeout' | 'crashed';

/** Spark's countTowardsTaskFailures: failures that are not the task's fault do not count. */
export function countsTowardsTaskFailures(reason: TaskFailureReason): boolean {
  switch (reason.kind) {
    case 'fetchFailed':
    case 'killed':
      return false;
    case 'executorLost':
      // A user's or the engine's kill is not the task's fault; a silent or hung worker may be.
      return reason.cause !== 'killed';
    default:
      return true;
  }
}

/**
 * Whether running the task again can succeed. Failures that retrying cannot fix abort the stage at once:
 * a record that cannot be serialized (as in Spark), an input file that is gone or a lost checkpoint (the
 * lineage ends there) and a write refused for lack of quota.
 */
export function retryCanHelp(reason: TaskFailureReason): boolean {
  switch (reason.kind) {
    case 'notSerializable':
    case 'inputUnreadable':
    case 'checkpointLost':
    case 'storage':
      return false;
    case 'exception':
    case 'fetchFailed':
    case 'executorLost':
    case 'killed':
    case 'injected':
    case 'spark':
      return true;
  }
}

export type TaskOutput =
  /** Shuffle map task: bytes written per reduce partition (0 = empty, no block). */
  | { kind: 'mapOutput'; sizes: number[] }
  /** Result task: encoded records (collect/take/sample), transferred, not cloned. */
  | { kind: 'records'; payload: ArrayBuffer; count: number }
  | { kind: 'count'; count: number }
  /** reduce action on an empty partition yields nothing. */
  | { kind: 'reduced'; payload: ArrayBuffer | null }
  | { kind: 'stored'; count: number };

export type TaskResult =
  | {
      status: 'success';
      taskId: number;
      executorId: ExecutorId;
      output: TaskOutput;
      blocks: BlockInfo[];
      /** Checksum of the partition this task computed (order-sensitive), for non-determinism checks. */
      checksum: number;
      metrics: TaskMetrics;
      /** What the task added to each accumulator ([accumulator id, sum of its adds]); absent: none. */
      accumulatorUpdates?: [number, number | bigint][];
    }
  | {
      status: 'failed';
      taskId: number;
      executorId: ExecutorId;
      reason: TaskFailureReason;
      metrics: TaskMetrics;
    };

/** Sent by an executor every heartbeat interval and from inside long processing loops. */
export interface Heartbeat {
  executorId: ExecutorId;
  running: { taskId: number; recordsRead: number; bytesRead: number }[];
}

/** The Comlink-exposed API of one executor (src/executor/worker.ts). */
export interface ExecutorApi {
  init(options: {
    executorId: ExecutorId;
    /** The app the executor works for (see TaskEnv.app). */
    app: AppId;
    dbName: string;
    heartbeatPort: MessagePort;
    heartbeatIntervalMs: number;
  }): Promise<void>;
  runTask(task: TaskDescription): Promise<TaskResult>;
  /** Drop these in-memory cached partitions (rddBlockId ids); returns how many it held. */
  dropMemoryBlocks(ids: string[]): Promise<number>;
  /** Chaos: the worker closes itself without telling anyone (silent death). */
  closeSilently(): void;
  /** Chaos: the worker spins forever in a synchronous loop (hung). */
  hang(): void;
}
