import type { CacheUse, ExecutorId, StageInfo, TaskOutcome } from '../engineTypes';
import { BlockIndex, EMPTY_BLOCK_SUMMARY, type BlockSummary } from './groupBlocks';

/** One launch of one task, as the partition popover and the timeline show it. */
export interface TaskRun {
  taskId: number;
  stageId: number;
  stageAttempt: number;
  partition: number;
  attempt: number;
  executorId: ExecutorId;
  speculative: boolean;
  startedAt: number;
  end: TaskRunEnd | null;
}

export interface TaskRunEnd {
  at: number;
  outcome: TaskOutcome;
  /** Reason kind, e.g. "fetchFailed"; null on success. */
  reasonKind: string | null;
  /** The reason in words; null on success. */
  reasonText: string | null;
  explanation: string | null;
  /** How a successful task got the persisted partition it reads (null: it reads none). */
  cache: CacheUse | null;
}

/** `reused`: a resumed run found this partition's output from the interrupted run and did not run it. */
export type PartitionStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'killed' | 'skipped' | 'reused';

export interface PartitionView {
  partition: number;
  status: PartitionStatus;
  /** Task ids of every launch of this partition, oldest first (look them up in `tasks`). */
  taskIds: number[];
}

export type StageAttemptOutcome =
  { status: 'running' } | { status: 'succeeded'; at: number } | { status: 'failed'; at: number; reason: string };

export interface StageAttemptView {
  attempt: number;
  submittedAt: number;
  partitions: number[];
  /** Partitions of this attempt that have succeeded. */
  done: number;
  explanation: string | null;
  outcome: StageAttemptOutcome;
}

export type StageStatus =
  | { status: 'pending' }
  | { status: 'running'; attempt: number }
  | { status: 'succeeded'; attempt: number }
  | { status: 'failed'; attempt: number; reason: string }
  | { status: 'skipped'; explanation: string };

export interface StageView {
  info: StageInfo;
  /** The job that last submitted an attempt of this stage (null: never ran). */
  lastJobId: number | null;
  state: StageStatus;
  attempts: StageAttemptView[];
  partitions: PartitionView[];
}

export type JobStatus =
  | { status: 'running' }
  | { status: 'succeeded'; endedAt: number }
  | { status: 'failed'; endedAt: number; reason: string };

export interface JobView {
  jobId: number;
  description: string;
  submittedAt: number;
  finalStageId: number;
  stageIds: number[];
  state: JobStatus;
}

export type ExecutorView =
  | { status: 'alive'; executorId: ExecutorId; addedAt: number; lastHeartbeat: number; running: RunningTask[] }
  | { status: 'lost'; executorId: ExecutorId; addedAt: number; lostAt: number; reason: string };

export interface RunningTask {
  taskId: number;
  recordsRead: number;
  bytesRead: number;
}

export type LogLevel = 'info' | 'warn' | 'error';

export interface LogEntry {
  /** Monotonic, for React keys. */
  seq: number;
  time: number;
  level: LogLevel;
  message: string;
}

export interface ViewState {
  /** Engine clock: the time of the newest event seen. */
  now: number;
  /** Engine jobs of this engine instance, oldest first. */
  jobs: JobView[];
  /**
   * The first engine job of the page's current run. One word count runs several jobs (a sampling job
   * for the sort, then the job itself); the DAG shows the stages of all of them together.
   */
  runFirstJobId: number;
  /** Engine time when the current run started: the timeline and the reliability model count from here. */
  runStartedAt: number;
  /** The current run resumes an interrupted one: partitions its stages do not run were reused. */
  runResumed: boolean;
  /** Stages by id, across jobs (stage ids are unique per engine instance). */
  stages: Readonly<Record<number, StageView>>;
  /** Every task launch by task id. */
  tasks: Readonly<Record<number, TaskRun>>;
  executors: Readonly<Record<number, ExecutorView>>;
  /**
   * Every stored block. Mutated in place and shared by successive states (a job can store hundreds of
   * thousands of shuffle blocks): render from `blockSummary`, which is replaced whenever it changes.
   */
  blocks: BlockIndex;
  /** Blocks grouped by producer and owner; a new object whenever a batch adds or removes blocks. */
  blockSummary: BlockSummary;
  log: LogEntry[];
  logSeq: number;
}

export const LOG_LIMIT = 2000;

export function initialViewState(): ViewState {
  return {
    now: 0,
    jobs: [],
    runFirstJobId: 0,
    runStartedAt: 0,
    runResumed: false,
    stages: {},
    tasks: {},
    executors: {},
    blocks: new BlockIndex(),
    blockSummary: EMPTY_BLOCK_SUMMARY,
    log: [],
    logSeq: 0,
  };
}
