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

/**
 * How a successful task got the persisted partition its lineage reads first (rdd.persist()).
 * 'cached': it read a stored copy (for 'memory', the one in its own worker). 'computed': no copy had
 * been stored yet, so it computed and cached it. 'recomputed': it computed it again although a copy had
 * existed: no copy remained (lost with its worker, or cleared), or, for 'memory', the workers in
 * `busyHolders` held one but stayed busy for longer than the locality wait.
 */
export type CacheUse = { rddId: number; partition: number; level: 'memory' | 'disk' } & (
  { read: 'cached' } | { read: 'computed' } | { read: 'recomputed'; busyHolders: ExecutorId[] }
);

/** Why a worker left the pool, as the incident list names the trigger. */
export type WorkerLoss =
  | { kind: 'killedByUser' }
  | { kind: 'heartbeatTimeout'; timeoutMs: number }
  | { kind: 'crashed' }
  /** An imported Spark log: the executor was removed for the reason Spark recorded. */
  | { kind: 'reported'; reason: string };

/**
 * Why blocks were removed. A user's clear, the retention rule before a run and the cleaner are worded
 * differently, and a clear by the user is never blamed on a worker.
 */
export type BlockRemovalCause =
  | { kind: 'clearedByUser'; what: string }
  | { kind: 'diedWithWorker'; executorId: ExecutorId; loss: WorkerLoss }
  | { kind: 'retention' }
  | { kind: 'released' };

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
        /** Set on a success whose lineage reads a persisted RDD. */
        cache?: CacheUse;
      }
    | { type: 'executor.added'; executorId: ExecutorId; reason: string }
    | { type: 'executor.removed'; executorId: ExecutorId; reason: string; loss: WorkerLoss }
    | {
        type: 'executor.heartbeat';
        executorId: ExecutorId;
        running: { taskId: number; recordsRead: number; bytesRead: number }[];
      }
    | { type: 'blocks.added'; blocks: BlockInfo[] }
    | {
        type: 'blocks.removed';
        blockIds: string[];
        /** Set when only this worker's copies of the blocks were removed; other workers' copies remain. */
        owner?: ExecutorId;
        explanation: string;
        cause: BlockRemovalCause;
      }
    /** A plain-language note for the event log that belongs to no other event. */
    | {
        type: 'log';
        level: 'info' | 'warn' | 'error';
        message: string;
        /** Set when the note is about one stored input file, so the page can show it next to that file. */
        inputId?: string;
      }
  );
