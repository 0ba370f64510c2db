/**
 * The one place the page names engine types, all from the engine's public entry, so a change there
 * touches this file only.
 */
import type {
  BlockFilter,
  BlockInfo,
  EngineEvent,
  ExecutorId,
  ExecutorSnapshot,
  JobSettings,
  SparkEventLogFile,
  StoredInputInfo,
  StoredRun,
  WordCountOptions,
} from '../engine';

export type {
  BlockFilter,
  BlockInfo,
  EngineEvent,
  ExecutorId,
  ExecutorSnapshot,
  JobSettings,
  StoredInputInfo,
  StoredRun,
  WordCountOptions,
};
export type { CacheUse, StageInfo, TaskFailureReason, TaskOutcome, Tokenizer } from '../engine';

/**
 * The part of the engine context the page uses. Declared structurally so the page depends on what it
 * calls, not on the context's implementation (and tests can hand in a fake); EmberContext satisfies it.
 */
export interface UiEngine {
  inputs: {
    add(files: File[]): Promise<StoredInputInfo[]>;
    list(): Promise<StoredInputInfo[]>;
    remove(id: string): Promise<void>;
    removeAll(): Promise<void>;
  };
  events: {
    subscribe(listener: (event: EngineEvent) => void): () => void;
    exportJsonLines(): Promise<string>;
    exportSparkEventLog(): Promise<SparkEventLogFile[]>;
  };
  configure(partial: Partial<JobSettings>): void;
  executors(): ExecutorSnapshot[];
  addExecutor(): ExecutorId;
  chaos: {
    killExecutor(executorId?: ExecutorId): ExecutorId | null;
    clearBlocks(filter: BlockFilter): Promise<string[]>;
  };
  blocks(): BlockInfo[];
  /** The retention rule before a new run: this engine's shuffle and cached blocks, and abandoned blocks, go. */
  releaseFinishedRuns(): Promise<string[]>;
  /** A journaled word count: after a reload it shows up in interruptedRuns() and can be resumed. */
  runWordCount(options: WordCountOptions): Promise<[string, number][]>;
  interruptedRuns(): Promise<StoredRun[]>;
  resumeRun(runId: string): Promise<[string, number][]>;
  discardRun(runId: string): Promise<void>;
  cancelJob(): void;
  stop(): Promise<void>;
}
