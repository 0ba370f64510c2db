import type { TaskMetrics } from '../protocol/task';

/**
 * The facts Emberflow keeps from each Spark listener event (Spark's JsonProtocol), read by
 * `readSparkEvent`. Only these fields are kept, so that a 100 MB log's task events fit in memory.
 */
export interface SparkStageMeta {
  stageId: number;
  name: string;
  parentIds: number[];
  numPartitions: number;
  /** The stage's RDD names, oldest RDD first (e.g. ParallelCollectionRDD, PythonRDD, PairwiseRDD). */
  operations: string[];
}

export type SparkTaskEndReason =
  | { kind: 'success' }
  | { kind: 'exception'; className: string; description: string }
  | {
      kind: 'fetchFailed';
      executor: string | null;
      shuffleId: number;
      mapIndex: number;
      reduceId: number;
      message: string;
    }
  | { kind: 'executorLost'; executor: string; causedByApp: boolean; reason: string }
  | { kind: 'killed'; reason: string }
  /** Resubmitted, TaskResultLost, TaskCommitDenied, UnknownReason and any reason this version does not know. */
  | { kind: 'other'; name: string; message: string };

export type SparkEvent =
  | { type: 'logStart'; version: string }
  | { type: 'appStart'; time: number; name: string; appId: string }
  | { type: 'appEnd'; time: number }
  | { type: 'executorAdded'; time: number; executor: string; host: string; cores: number }
  | { type: 'executorRemoved'; time: number; executor: string; reason: string }
  | {
      type: 'jobStart';
      time: number;
      jobId: number;
      stageIds: number[];
      stages: SparkStageMeta[];
      description: string | null;
    }
  | { type: 'jobEnd'; time: number; jobId: number; failure: string | null }
  | { type: 'stageSubmitted'; time: number | null; stageId: number; attempt: number; numTasks: number }
  | { type: 'stageCompleted'; time: number | null; stageId: number; attempt: number; failure: string | null }
  | {
      type: 'taskStart';
      time: number;
      stageId: number;
      stageAttempt: number;
      taskId: number;
      partition: number;
      attempt: number;
      executor: string;
      speculative: boolean;
    }
  | {
      type: 'taskEnd';
      time: number;
      stageId: number;
      stageAttempt: number;
      taskId: number;
      partition: number;
      attempt: number;
      executor: string;
      reason: SparkTaskEndReason;
      metrics: TaskMetrics | null;
    };

export class SparkLogFormatError extends Error {
  override name = 'SparkLogFormatError';
}

type Json = Record<string, unknown>;

const obj = (v: unknown): Json => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

function need<T>(value: T | null, event: string, field: string): T {
  if (value === null) throw new SparkLogFormatError(`${event} has no "${field}"`);
  return value;
}

function stageMeta(info: Json, event: string): SparkStageMeta {
  const rdds = Array.isArray(info['RDD Info']) ? info['RDD Info'].map(obj) : [];
  rdds.sort((a, b) => (num(a['RDD ID']) ?? 0) - (num(b['RDD ID']) ?? 0));
  const last = rdds.at(-1);
  return {
    stageId: need(num(info['Stage ID']), event, 'Stage ID'),
    name: str(info['Stage Name']) ?? '',
    parentIds: Array.isArray(info['Parent IDs']) ? info['Parent IDs'].filter((p) => typeof p === 'number') : [],
    // The stage's own RDD is its newest; its partitions are the stage's (the task count of an attempt may be fewer).
    numPartitions: num(last?.['Number of Partitions']) ?? need(num(info['Number of Tasks']), event, 'Number of Tasks'),
    operations: rdds.map((r) => str(r['Name']) ?? 'RDD'),
  };
}

function taskEndReason(r: Json): SparkTaskEndReason {
  const name = str(r['Reason']) ?? 'UnknownReason';
  switch (name) {
    case 'Success':
      return { kind: 'success' };
    case 'ExceptionFailure':
      return {
        kind: 'exception',
        className: str(r['Class Name']) ?? 'Exception',
        description: str(r['Description']) ?? '',
      };
    case 'FetchFailed': {
      const bm = obj(r['Block Manager Address']);
      return {
        kind: 'fetchFailed',
        executor: str(bm['Executor ID']),
        shuffleId: need(num(r['Shuffle ID']), 'FetchFailed', 'Shuffle ID'),
        // Spark 3+ writes the map task's id as "Map ID" and its partition as "Map Index".
        mapIndex: num(r['Map Index']) ?? need(num(r['Map ID']), 'FetchFailed', 'Map Index'),
        reduceId: need(num(r['Reduce ID']), 'FetchFailed', 'Reduce ID'),
        message: str(r['Message']) ?? '',
      };
    }
    case 'ExecutorLostFailure':
      return {
        kind: 'executorLost',
        executor: str(r['Executor ID']) ?? '?',
        causedByApp: r['Exit Caused By App'] !== false,
        reason: str(r['Loss Reason']) ?? 'no reason recorded',
      };
    case 'TaskKilled':
      return { kind: 'killed', reason: str(r['Kill Reason']) ?? 'killed' };
    case 'Resubmitted':
      return {
        kind: 'other',
        name,
        message: 'the task had succeeded, but its output was lost with its executor, so it is run again',
      };
    default:
      return { kind: 'other', name, message: str(r['Description']) ?? str(r['Message']) ?? name };
  }
}

function taskMetrics(m: Json): TaskMetrics | null {
  if (Object.keys(m).length === 0) return null;
  const input = obj(m['Input Metrics']);
  const output = obj(m['Output Metrics']);
  const read = obj(m['Shuffle Read Metrics']);
  const write = obj(m['Shuffle Write Metrics']);
  const n = (v: unknown) => num(v) ?? 0;
  return {
    recordsRead: n(input['Records Read']) + n(read['Total Records Read']),
    bytesRead: n(input['Bytes Read']) + n(read['Remote Bytes Read']) + n(read['Local Bytes Read']),
    recordsWritten: n(output['Records Written']) + n(write['Shuffle Records Written']),
    bytesWritten: n(output['Bytes Written']) + n(write['Shuffle Bytes Written']),
    durationMs: n(m['Executor Run Time']),
  };
}

/** The facts of one event log line, or null for events Emberflow does not show (SQL, environment, …). */
export function readSparkEvent(e: Json): SparkEvent | null {
  const event = str(e['Event']) ?? '';
  switch (event) {
    case 'SparkListenerLogStart':
      return { type: 'logStart', version: str(e['Spark Version']) ?? 'unknown' };
    case 'SparkListenerApplicationStart':
      return {
        type: 'appStart',
        time: need(num(e['Timestamp']), event, 'Timestamp'),
        name: str(e['App Name']) ?? '',
        appId: str(e['App ID']) ?? '',
      };
    case 'SparkListenerApplicationEnd':
      return { type: 'appEnd', time: need(num(e['Timestamp']), event, 'Timestamp') };
    case 'SparkListenerExecutorAdded': {
      const info = obj(e['Executor Info']);
      return {
        type: 'executorAdded',
        time: need(num(e['Timestamp']), event, 'Timestamp'),
        executor: need(str(e['Executor ID']), event, 'Executor ID'),
        host: str(info['Host']) ?? '?',
        cores: num(info['Total Cores']) ?? 0,
      };
    }
    case 'SparkListenerExecutorRemoved':
      return {
        type: 'executorRemoved',
        time: need(num(e['Timestamp']), event, 'Timestamp'),
        executor: need(str(e['Executor ID']), event, 'Executor ID'),
        reason: str(e['Removed Reason']) ?? 'no reason recorded',
      };
    case 'SparkListenerJobStart': {
      const stages = (Array.isArray(e['Stage Infos']) ? e['Stage Infos'] : []).map((s) => stageMeta(obj(s), event));
      const stageIds = Array.isArray(e['Stage IDs']) ? e['Stage IDs'].filter((s) => typeof s === 'number') : [];
      return {
        type: 'jobStart',
        time: need(num(e['Submission Time']), event, 'Submission Time'),
        jobId: need(num(e['Job ID']), event, 'Job ID'),
        stageIds: stageIds.length > 0 ? stageIds : stages.map((s) => s.stageId),
        stages,
        description: str(obj(e['Properties'])['spark.job.description']),
      };
    }
    case 'SparkListenerJobEnd': {
      const result = obj(e['Job Result']);
      return {
        type: 'jobEnd',
        time: need(num(e['Completion Time']), event, 'Completion Time'),
        jobId: need(num(e['Job ID']), event, 'Job ID'),
        failure:
          str(result['Result']) === 'JobSucceeded'
            ? null
            : (str(obj(result['Exception'])['Message']) ?? str(result['Result']) ?? 'failed'),
      };
    }
    case 'SparkListenerStageSubmitted':
    case 'SparkListenerStageCompleted': {
      const info = obj(e['Stage Info']);
      const stageId = need(num(info['Stage ID']), event, 'Stage ID');
      const attempt = need(num(info['Stage Attempt ID']), event, 'Stage Attempt ID');
      return event === 'SparkListenerStageSubmitted'
        ? {
            type: 'stageSubmitted',
            time: num(info['Submission Time']),
            stageId,
            attempt,
            numTasks: need(num(info['Number of Tasks']), event, 'Number of Tasks'),
          }
        : {
            type: 'stageCompleted',
            time: num(info['Completion Time']),
            stageId,
            attempt,
            failure: str(info['Failure Reason']),
          };
    }
    case 'SparkListenerTaskStart':
    case 'SparkListenerTaskEnd': {
      const info = obj(e['Task Info']);
      const partition = num(info['Partition ID']);
      if (partition === null || partition < 0) {
        // Spark 3.3 added it; the task index is not the partition when a stage attempt reruns a subset.
        throw new SparkLogFormatError(
          `${event} has no "Partition ID" in its Task Info: logs written by Spark before 3.3 cannot be opened here.`,
        );
      }
      const common = {
        stageId: need(num(e['Stage ID']), event, 'Stage ID'),
        stageAttempt: need(num(e['Stage Attempt ID']), event, 'Stage Attempt ID'),
        taskId: need(num(info['Task ID']), event, 'Task ID'),
        partition,
        // Spark's reader takes a missing Attempt as 1; every Spark that writes Partition ID writes it.
        attempt: num(info['Attempt']) ?? 1,
        executor: need(str(info['Executor ID']), event, 'Executor ID'),
      };
      if (event === 'SparkListenerTaskStart') {
        return {
          type: 'taskStart',
          time: need(num(info['Launch Time']), event, 'Launch Time'),
          ...common,
          speculative: info['Speculative'] === true,
        };
      }
      return {
        type: 'taskEnd',
        time: num(info['Finish Time']) || need(num(info['Launch Time']), event, 'Launch Time'),
        ...common,
        reason: taskEndReason(obj(e['Task End Reason'])),
        metrics: taskMetrics(obj(e['Task Metrics'])),
      };
    }
    default:
      return null;
  }
}
