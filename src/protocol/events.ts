import type { ExecutorId } from './ids';
import type { TaskFailureReason, TaskMetrics } from './task';
import type { BlockInfo } from './storage';

export type StageKind = 'shuffleMap' | 'result';

/** A stage as the DAG view draws it. */
export interface StageInfo {
  stageId: number;
  kind: StageKind;
  /** RDD operations pipelined in this stage, first to last, e.g. ["textFile", "tokenize", "combine"]. */
  operations: string[];
  parentStageIds: number[];
  numPartitions: number;
  /** The shuffle this stage writes (shuffle-map stages only). */
  shuffleId: number | null;
}

export type TaskOutcome = 'success' | 'failed' | 'killed';

interface Base {
  /** ms since the engine started (performance.now() based) */
  time: number;
}

/**
 * Everything the engine reports. Every retry, resubmission and recomputation carries `explanation`:
 * one plain sentence saying what happened and why.
 */
export type EngineEvent = Base &
  (
    | { type: 'job.submitted'; jobId: number; description: string; stages: StageInfo[]; finalStageId: number }
    | { type: 'job.succeeded'; jobId: number }
    | { type: 'job.failed'; jobId: number; reason: string }
    | {
        type: 'stage.submitted';
        jobId: number;
        stageId: number;
        attempt: number;
        partitions: number[];
        explanation: string | null;
      }
    | { type: 'stage.skipped'; jobId: number; stageId: number; explanation: string }
    | { type: 'stage.completed'; stageId: number; attempt: number }
    | { type: 'stage.failed'; stageId: number; attempt: number; reason: string }
    | {
        type: 'task.started';
        taskId: number;
        stageId: number;
        stageAttempt: number;
        partition: number;
        attempt: number;
        executorId: ExecutorId;
        speculative: boolean;
      }
    | {
        type: 'task.ended';
        taskId: number;
        stageId: number;
        stageAttempt: number;
        partition: number;
        attempt: number;
        executorId: ExecutorId;
        outcome: TaskOutcome;
        reason: TaskFailureReason | null;
        metrics: TaskMetrics | null;
        explanation: string | null;
      }
    | { type: 'executor.added'; executorId: ExecutorId; reason: string }
    | { type: 'executor.removed'; executorId: ExecutorId; reason: string }
    | {
        type: 'executor.heartbeat';
        executorId: ExecutorId;
        running: { taskId: number; recordsRead: number; bytesRead: number }[];
      }
    | { type: 'blocks.added'; blocks: BlockInfo[] }
    | { type: 'blocks.removed'; blockIds: string[]; explanation: string }
    /** A plain-language note for the event log that belongs to no other event. */
    | {
        type: 'log';
        level: 'info' | 'warn' | 'error';
        message: string;
        /** Set when the note is about one stored input file, so the page can show it next to that file. */
        inputId?: string;
      }
  );

export type EngineEventType = EngineEvent['type'];
