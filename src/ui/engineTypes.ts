/**
 * The one place the page names engine types. Everything the UI uses from the engine is re-exported
 * here, so a change in the engine's public entry touches this file only.
 */
export type {
  EngineEvent,
  StageInfo,
  TaskFailureReason,
  TaskOutcome,
  BlockInfo,
  ExecutorId,
  StoredInputInfo,
  Tokenizer,
} from '../protocol';
export type { JobSettings, ExecutorSnapshot, BlockFilter } from '../engine/api';

import type { BlockFilter, ExecutorSnapshot, JobSettings, WordCountOptions } from '../engine/api';
import type { BlockInfo, EngineEvent, ExecutorId, StoredInputInfo } from '../protocol';

/**
 * The part of the engine context the page uses. Declared structurally so the page depends on what it
 * calls, not on the context's implementation; the engine's EmberContext satisfies it.
 */
export interface UiEngine {
  inputs: {
    add(files: File[]): Promise<StoredInputInfo[]>;
    list(): Promise<StoredInputInfo[]>;
    remove(id: string): Promise<void>;
  };
  events: { subscribe(listener: (event: EngineEvent) => void): () => void; exportJsonLines(): string };
  configure(partial: Partial<JobSettings>): void;
  executors(): ExecutorSnapshot[];
  addExecutor(): ExecutorId;
  chaos: {
    killExecutor(executorId?: ExecutorId): ExecutorId | null;
    clearBlocks(filter: BlockFilter): Promise<string[]>;
  };
  blocks(): BlockInfo[];
  wordCount(options: WordCountOptions): { collect(): Promise<[string, number][]> };
  cancelJob(): void;
  stop(): Promise<void>;
}
