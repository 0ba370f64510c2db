import type { EngineEvent, ExecutorId, StoredInputInfo, Tokenizer, BlockInfo } from '../protocol';
import type { SparkEventLogFile } from './sparkEventLog';

/** Options fixed when a context starts. */
export interface ContextOptions {
  /** Number of Web Workers; default navigator.hardwareConcurrency. */
  workers?: number;
  /** Names the IndexedDB database (`emberflow-<name>`); default "default". */
  name?: string;
  heartbeatIntervalMs?: number;
  heartbeatTimeoutMs?: number;
  maxTaskFailures?: number;
  maxConsecutiveStageAttempts?: number;
  resubmitDelayMs?: number;
  /**
   * Past runs (top-level actions) whose events are kept in IndexedDB for exportJsonLines(); older
   * runs' events are deleted. Default 20.
   */
  eventRunsKept?: number;
}

/** Settings that may change between jobs (the page's job settings). */
export interface JobSettings {
  /** Keep shuffle blocks when their worker dies (Spark's external shuffle service). */
  shuffleService: boolean;
  speculation: boolean;
  /** Every task sleeps this long before it computes, so a person can watch and act. */
  taskDelayMs: number;
  /** Each task attempt fails with this probability, drawn from a generator seeded by `seed`. */
  failureProbability: number;
  seed: number;
  /**
   * Spark's spark.locality.wait (default 3000): how long a task waits for a busy worker holding its
   * persist('memory') input before it runs elsewhere and recomputes that partition there.
   */
  localityWaitMs: number;
}

export interface WordCountOptions {
  inputs: StoredInputInfo[];
  tokenizer: Tokenizer;
  /** Minimum number of input splits across all files. */
  inputSplits: number;
  shufflePartitions: number;
}

export type ExecutorState =
  | { status: 'starting' }
  | { status: 'idle'; lastHeartbeat: number }
  | { status: 'busy'; lastHeartbeat: number; taskId: number }
  | { status: 'lost'; reason: string };

export interface ExecutorSnapshot {
  executorId: ExecutorId;
  state: ExecutorState;
}

export type BlockFilter =
  | { executor: ExecutorId }
  | { shuffle: number }
  | { rdd: number }
  | { kind: 'shuffle' | 'cache' }
  | { fraction: number; seed: number };

export interface ChaosApi {
  /** Terminate a worker (a random live one if no id); the engine notices at once. */
  killExecutor(executorId?: ExecutorId): ExecutorId | null;
  /** The worker closes itself without a word: only missing heartbeats reveal it. */
  silenceExecutor(executorId: ExecutorId): void;
  /** The worker spins forever: only missing heartbeats reveal it. */
  hangExecutor(executorId: ExecutorId): void;
  /** Delete stored blocks behind the scheduler's back; readers then meet a fetch failure. */
  clearBlocks(filter: BlockFilter): Promise<string[]>;
}

export type Listener = (event: EngineEvent) => void;

export interface EventSource {
  subscribe(listener: Listener): () => void;
  /**
   * The events of this engine's retained runs (see ContextOptions.eventRunsKept) and of the current
   * one, one JSON object per line, oldest first. Past runs are read back from IndexedDB.
   */
  exportJsonLines(): Promise<string>;
  /**
   * Each retained run that ran a job, and the current one, as a Spark event log that Spark's History
   * Server opens (oldest first; each run has its own App ID). Write each `text` to a file named
   * `fileName` in the History Server's `spark.history.fs.logDirectory`.
   */
  exportSparkEventLog(): Promise<SparkEventLogFile[]>;
}

export type { BlockInfo };
