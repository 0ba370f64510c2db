import type { CacheUse, EngineEvent, ExecutorId, StageInfo, TaskOutcome } from '../engineTypes';
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
  /** Why this launch happened beyond the first (a retry after a failure, a recomputation of lost output); null for a first run. */
  cause: string | null;
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

/**
 * 'lost': it had succeeded, and its stored output has since been removed (cleared, or died with its worker).
 * 'reused': a resumed run found this partition's output from the interrupted run and did not run it.
 */
export type PartitionStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'killed' | 'skipped' | 'lost' | 'reused';

export interface PartitionView {
  partition: number;
  status: PartitionStatus;
  /** Task ids of every launch of this partition, oldest first (look them up in `tasks`). */
  taskIds: number[];
  /** Why its finished output is gone, until it is computed again, e.g. "its output was lost when worker 1 was killed". */
  lost: string | null;
  /** Set once a partition whose output was lost has succeeded again: how often, and the latest cause. */
  recomputed: { times: number; cause: string } | null;
}

export type StageAttemptOutcome =
  { status: 'running' } | { status: 'succeeded'; at: number } | { status: 'failed'; at: number; reason: string };

export interface StageAttemptView {
  attempt: number;
  submittedAt: number;
  partitions: number[];
  /** Partitions of this attempt that have succeeded. */
  done: number;
  /** Partitions launched more than once inside this attempt (retries, lost output), and the latest reason. */
  reran: { partitions: number[]; why: string } | null;
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

/** Who a log line is about: the user's actions, automatic cleanup, or the engine's own decisions. */
export type LogKind = 'user' | 'cleanup' | 'engine' | 'task' | 'worker' | 'job';

export interface LogEntry {
  /** Monotonic, for React keys. */
  seq: number;
  time: number;
  level: LogLevel;
  message: string;
  /** The page run it belongs to (0: before the first run). */
  run: number;
  kind: LogKind;
  stageId: number | null;
  executorId: ExecutorId | null;
  /** The task launch it is about, if any (selecting the line highlights its cell and bar). */
  taskId: number | null;
  /** The partitions it is about in `stageId`, if any. */
  partitions: number[];
  /** Index of the event it came from in its run's `runEvents` (null: not from an event). */
  event: number | null;
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
  /** The page run now drawn (1, 2, …; 0 before the first run). */
  runId: number;
  /**
   * The current run's events, the source of incidents and of the log's grouping. Heartbeats and the
   * block lists of blocks.added are left out: they explain nothing and would dominate memory.
   */
  runEvents: EngineEvent[];
  /** Earlier runs as they ended, newest last, at most HISTORY_LIMIT: "Show run N" draws them again. */
  history: readonly RunSnapshot[];
  /** The earlier run the DAG, timeline and incidents show instead of the current one (null: the current one). */
  shownRunId: number | null;
  /** What the selected event-log line is about: its cells and timeline bars are highlighted. */
  selection: Selection | null;
}

export interface Selection {
  stageId: number | null;
  partitions: number[];
  taskIds: number[];
  executorId: number | null;
}

/** A run's view when the next one began (its DAG, tasks and events). */
export interface RunSnapshot {
  runId: number;
  view: ViewState;
}

export const HISTORY_LIMIT = 20;

/** The state the run views draw: the run the user asked to see again, or the current one. */
export function viewed(s: ViewState): ViewState {
  if (s.shownRunId === null || s.shownRunId === s.runId) return s;
  return s.history.find((h) => h.runId === s.shownRunId)?.view ?? s;
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
    runId: 0,
    runEvents: [],
    history: [],
    shownRunId: null,
    selection: null,
  };
}
