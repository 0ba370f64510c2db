/**
 * One Emberflow run as a Spark event log: JSON lines in the format of Spark's `JsonProtocol`, which
 * Spark's History Server reads. Pure: events in, text out.
 *
 * Ids carry over unchanged: job ids, stage ids, stage attempt numbers, partitions, task ids and task
 * attempt numbers are Emberflow's own. What Spark has and Emberflow does not is made up so that the
 * History Server can draw it: one RDD per pipelined operation (ids numbered in order of appearance,
 * each in its own scope, so that the DAG visualisation draws a box per operation), one host.
 */
import type { EngineEvent, ExecutorId, StageInfo, TaskFailureReason, TaskMetrics } from '../protocol';
import { countsTowardsTaskFailures } from '../protocol';

/** The Spark version written into `SparkListenerLogStart`: the one the History Server check runs. */
export const SPARK_EVENT_LOG_VERSION = '4.3.0';

const HOST = 'localhost';
/** Spark's BlockManagerId asserts a positive port; a tab has none, so this is Spark's shuffle service port. */
const PORT = 7337;

export interface SparkEventLogRun {
  /** Unique per run, or the History Server merges runs. */
  appId: string;
  appName: string;
  /** Wall-clock time (ms since 1970) of Emberflow's event time 0. */
  timeOrigin: number;
  /** The run's events, oldest first. */
  events: readonly EngineEvent[];
  /** Workers alive when the run began (added in an earlier run): they are listed as added at its start. */
  executorsAtStart: readonly ExecutorId[];
  /** A run still going gets no `SparkListenerApplicationEnd`. */
  ended: boolean;
}

export interface SparkEventLogFile {
  appId: string;
  /** `emberflow_<appId>` with no dot: Spark's reader takes what follows a dot for a compression codec. */
  fileName: string;
  text: string;
}

/** A file name Spark's History Server reads as an uncompressed, complete log. */
export function sparkEventLogFileName(appId: string): string {
  return `emberflow_${appId.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

type Json = Record<string, unknown>;
type Ev<T extends EngineEvent['type']> = Extract<EngineEvent, { type: T }>;

interface StageAttempt {
  jobId: number;
  submittedAt: number;
  partitions: number[];
}

/** The run's events as Spark listener events, one JSON object per line. */
export function sparkEventLog(run: SparkEventLogRun): string {
  const at = (time: number) => Math.round(run.timeOrigin + time);
  const lines: Json[] = [];
  const stages = new Map<number, StageInfo>();
  const latestAttempt = new Map<number, number>();
  const attempts = new Map<string, StageAttempt>();
  const rddIds = new Map<string, number>();
  const started = new Map<number, Ev<'task.started'>>();
  /** The latest success of each partition per stage attempt: a later launch there means its output was lost. */
  const succeeded = new Map<string, Ev<'task.ended'>>();
  /** The task that wrote each map output last: Spark's FetchFailed names it as "Map ID". */
  const mapTask = new Map<string, number>();
  const executors = new Set<ExecutorId>();
  const first = run.events[0]?.time ?? 0;
  const last = run.events.at(-1)?.time ?? first;

  const rddId = (stageId: number, op: number) => {
    const key = `${stageId}/${op}`;
    if (!rddIds.has(key)) rddIds.set(key, rddIds.size);
    return rddIds.get(key)!;
  };
  const rddInfos = (s: StageInfo): Json[] =>
    s.operations.map((name, i) => {
      const id = rddId(s.stageId, i);
      const parents =
        i > 0
          ? [rddId(s.stageId, i - 1)]
          : s.parentStageIds.map((p) => rddId(p, (stages.get(p)?.operations.length ?? 1) - 1));
      return {
        'RDD ID': id,
        Name: name,
        Scope: JSON.stringify({ id: String(id), name }),
        Callsite: `${name} (stage ${s.stageId})`,
        'Parent IDs': parents,
        'Storage Level': {
          'Use Disk': false,
          'Use Memory': false,
          'Use Off Heap': false,
          Deserialized: false,
          Replication: 1,
        },
        Barrier: false,
        DeterministicLevel: 'DETERMINATE',
        'Number of Partitions': s.numPartitions,
        'Number of Cached Partitions': 0,
        'Memory Size': 0,
        'Disk Size': 0,
      };
    });
  const stageInfo = (stageId: number, attempt: number, extra: Json): Json => {
    const s = stages.get(stageId);
    if (!s) throw new Error(`Stage ${stageId} is used before any job.submitted event lists it.`);
    const submitted = attempts.get(`${stageId}.${attempt}`);
    return {
      'Stage ID': stageId,
      'Stage Attempt ID': attempt,
      'Stage Name': s.operations.join(' → '),
      'Number of Tasks': submitted ? submitted.partitions.length : s.numPartitions,
      'RDD Info': rddInfos(s),
      'Parent IDs': s.parentStageIds,
      Details: s.kind === 'shuffleMap' ? `writes shuffle ${s.shuffleId}` : 'result stage',
      ...(submitted ? { 'Submission Time': at(submitted.submittedAt) } : {}),
      ...extra,
      Accumulables: [],
      'Resource Profile Id': 0,
      'Shuffle Push Enabled': false,
      'Shuffle Push Mergers Count': 0,
    };
  };
  const executorAdded = (id: ExecutorId, time: number) => {
    if (executors.has(id)) return;
    executors.add(id);
    lines.push({
      Event: 'SparkListenerExecutorAdded',
      Timestamp: at(time),
      'Executor ID': String(id),
      'Executor Info': {
        Host: HOST,
        'Total Cores': 1,
        'Log Urls': {},
        Attributes: {},
        Resources: {},
        'Resource Profile Id': 0,
      },
    });
  };
  const taskInfo = (start: Ev<'task.started'>, end: Ev<'task.ended'> | null): Json => ({
    'Task ID': start.taskId,
    Index:
      attempts.get(`${start.stageId}.${start.stageAttempt}`)?.partitions.indexOf(start.partition) ?? start.partition,
    // Spark reads a missing Attempt as 1 (not 0): always written.
    Attempt: start.attempt,
    'Partition ID': start.partition,
    'Launch Time': at(start.time),
    'Executor ID': String(start.executorId),
    Host: HOST,
    Locality: 'PROCESS_LOCAL',
    Speculative: start.speculative,
    'Getting Result Time': 0,
    'Finish Time': end ? at(end.time) : 0,
    Failed: end?.outcome === 'failed',
    Killed: end?.outcome === 'killed',
    Accumulables: [],
  });
  const taskType = (stageId: number) => (stages.get(stageId)?.kind === 'result' ? 'ResultTask' : 'ShuffleMapTask');

  lines.push({ Event: 'SparkListenerLogStart', 'Spark Version': SPARK_EVENT_LOG_VERSION });
  lines.push({
    Event: 'SparkListenerApplicationStart',
    'App Name': run.appName,
    'App ID': run.appId,
    Timestamp: at(first),
    User: 'emberflow',
  });
  for (const id of run.executorsAtStart) executorAdded(id, first);

  for (const e of run.events) {
    switch (e.type) {
      case 'executor.added':
        executorAdded(e.executorId, e.time);
        break;
      case 'executor.removed':
        executorAdded(e.executorId, first);
        lines.push({
          Event: 'SparkListenerExecutorRemoved',
          Timestamp: at(e.time),
          'Executor ID': String(e.executorId),
          'Removed Reason': e.reason,
        });
        break;
      case 'job.submitted':
        for (const s of e.stages) stages.set(s.stageId, s);
        lines.push({
          Event: 'SparkListenerJobStart',
          'Job ID': e.jobId,
          'Submission Time': at(e.time),
          // A stage run by an earlier job is listed under its latest attempt, as Spark's latestInfo.
          'Stage Infos': e.stages.map((s) => stageInfo(s.stageId, latestAttempt.get(s.stageId) ?? 0, {})),
          'Stage IDs': e.stages.map((s) => s.stageId),
          Properties: { 'spark.job.description': e.description, 'callSite.short': e.description },
        });
        break;
      case 'stage.submitted':
        latestAttempt.set(e.stageId, e.attempt);
        attempts.set(`${e.stageId}.${e.attempt}`, { jobId: e.jobId, submittedAt: e.time, partitions: e.partitions });
        lines.push({
          Event: 'SparkListenerStageSubmitted',
          'Stage Info': stageInfo(e.stageId, e.attempt, {}),
          Properties: {},
        });
        break;
      case 'stage.completed':
        lines.push({
          Event: 'SparkListenerStageCompleted',
          'Stage Info': stageInfo(e.stageId, e.attempt, { 'Completion Time': at(e.time) }),
        });
        break;
      case 'stage.failed':
        lines.push({
          Event: 'SparkListenerStageCompleted',
          'Stage Info': stageInfo(e.stageId, e.attempt, { 'Completion Time': at(e.time), 'Failure Reason': e.reason }),
        });
        break;
      case 'task.started': {
        executorAdded(e.executorId, first);
        const key = `${e.stageId}.${e.stageAttempt}/${e.partition}`;
        const earlier = succeeded.get(key);
        if (earlier) {
          // A finished task launched again in the same stage attempt: its output was lost (Spark's
          // TaskSetManager reports this as Resubmitted, with the finished task's own Task Info).
          succeeded.delete(key);
          lines.push({
            Event: 'SparkListenerTaskEnd',
            'Stage ID': earlier.stageId,
            'Stage Attempt ID': earlier.stageAttempt,
            'Task Type': taskType(earlier.stageId),
            'Task End Reason': { Reason: 'Resubmitted' },
            'Task Info': taskInfo(started.get(earlier.taskId)!, earlier),
          });
        }
        started.set(e.taskId, e);
        lines.push({
          Event: 'SparkListenerTaskStart',
          'Stage ID': e.stageId,
          'Stage Attempt ID': e.stageAttempt,
          'Task Info': taskInfo(e, null),
        });
        break;
      }
      case 'task.ended': {
        const start = started.get(e.taskId);
        // A copy still running when its job ended (a speculative loser, a cancelled job's task) ends
        // after the run closed: its start is in the previous run's log, so this run has no row for it.
        if (!start) break;
        if (e.outcome === 'success') {
          succeeded.set(`${e.stageId}.${e.stageAttempt}/${e.partition}`, e);
          const shuffleId = stages.get(e.stageId)?.shuffleId;
          if (shuffleId != null) mapTask.set(`${shuffleId}/${e.partition}`, e.taskId);
        }
        lines.push({
          Event: 'SparkListenerTaskEnd',
          'Stage ID': e.stageId,
          'Stage Attempt ID': e.stageAttempt,
          'Task Type': taskType(e.stageId),
          'Task End Reason': e.reason ? endReason(e.reason, mapTask) : { Reason: 'Success' },
          'Task Info': taskInfo(start, e),
          ...(e.metrics ? { 'Task Metrics': taskMetrics(e.metrics, stages.get(e.stageId)) } : {}),
        });
        break;
      }
      case 'job.succeeded':
        lines.push({
          Event: 'SparkListenerJobEnd',
          'Job ID': e.jobId,
          'Completion Time': at(e.time),
          'Job Result': { Result: 'JobSucceeded' },
        });
        break;
      case 'job.failed':
        lines.push({
          Event: 'SparkListenerJobEnd',
          'Job ID': e.jobId,
          'Completion Time': at(e.time),
          'Job Result': { Result: 'JobFailed', Exception: { Message: e.reason, 'Stack Trace': [] } },
        });
        break;
      // Spark has no event for these: a skipped stage is one a job lists and never submits; blocks,
      // heartbeats and log notes have no place in the History Server's views.
      case 'stage.skipped':
      case 'executor.heartbeat':
      case 'blocks.added':
      case 'blocks.removed':
      case 'log':
        break;
    }
  }
  if (run.ended) lines.push({ Event: 'SparkListenerApplicationEnd', Timestamp: at(last), ExitCode: 0 });
  return lines.map((l) => JSON.stringify(l) + '\n').join('');
}

/** Exception-like failures: Spark's ExceptionFailure carries a class name and the message. */
const EXCEPTION_CLASS: Record<
  Exclude<TaskFailureReason['kind'], 'fetchFailed' | 'executorLost' | 'killed' | 'spark'>,
  string
> = {
  exception: 'emberflow.UserFunctionError',
  notSerializable: 'emberflow.NotSerializableError',
  injected: 'emberflow.InjectedFailure',
  inputUnreadable: 'emberflow.InputUnreadableError',
  storage: 'emberflow.StorageQuotaError',
  checkpointLost: 'emberflow.CheckpointLostError',
};

function endReason(reason: TaskFailureReason, mapTask: ReadonlyMap<string, number>): Json {
  switch (reason.kind) {
    case 'fetchFailed':
      return {
        Reason: 'FetchFailed',
        ...(reason.owner !== null
          ? { 'Block Manager Address': { 'Executor ID': String(reason.owner), Host: HOST, Port: PORT } }
          : {}),
        'Shuffle ID': reason.shuffleId,
        // Spark's Map ID is the task id of the map task whose output is missing; -1 when unknown, as Spark
        // writes for a fetch failure without map status.
        'Map ID': mapTask.get(`${reason.shuffleId}/${reason.mapPartition}`) ?? -1,
        'Map Index': reason.mapPartition,
        'Reduce ID': reason.reducePartition,
        Message: reason.message,
      };
    case 'executorLost':
      return {
        Reason: 'ExecutorLostFailure',
        'Executor ID': String(reason.executorId),
        // Spark's "caused by the app" is whether the loss counts towards the task's failures.
        'Exit Caused By App': countsTowardsTaskFailures(reason),
        'Loss Reason': reason.message,
      };
    case 'killed':
      return { Reason: 'TaskKilled', 'Kill Reason': reason.message, 'Accumulator Updates': [] };
    default: {
      // A failure read from a Spark log goes back out under the class name Spark recorded.
      const className = reason.kind === 'spark' ? reason.className : EXCEPTION_CLASS[reason.kind];
      const where = 'operator' in reason ? `\n\tat ${reason.operator}` : '';
      return {
        Reason: 'ExceptionFailure',
        'Class Name': className,
        Description: reason.message,
        'Stack Trace': [],
        'Full Stack Trace': `${className}: ${reason.message}${where}`,
        'Accumulator Updates': [],
      };
    }
  }
}

/**
 * Emberflow counts what a task read and wrote without saying from where: a stage that reads a
 * shuffle read it from the shuffle, any other from its input (text splits, parallelized data); a
 * shuffle-map stage wrote a shuffle, a result stage its output (the records it returned).
 */
function taskMetrics(m: TaskMetrics, stage: StageInfo | undefined): Json {
  const readsShuffle = (stage?.parentStageIds.length ?? 0) > 0;
  const writesShuffle = stage?.kind === 'shuffleMap';
  return {
    'Executor Deserialize Time': 0,
    'Executor Deserialize CPU Time': 0,
    'Executor Run Time': m.durationMs,
    'Executor CPU Time': 0,
    'Peak Execution Memory': 0,
    'Result Size': 0,
    'JVM GC Time': 0,
    'Result Serialization Time': 0,
    'Memory Bytes Spilled': 0,
    'Disk Bytes Spilled': 0,
    'Shuffle Read Metrics': {
      'Remote Blocks Fetched': 0,
      'Local Blocks Fetched': 0,
      'Fetch Wait Time': 0,
      'Remote Bytes Read': 0,
      'Remote Bytes Read To Disk': 0,
      'Local Bytes Read': readsShuffle ? m.bytesRead : 0,
      'Total Records Read': readsShuffle ? m.recordsRead : 0,
    },
    'Shuffle Write Metrics': {
      'Shuffle Bytes Written': writesShuffle ? m.bytesWritten : 0,
      'Shuffle Write Time': 0,
      'Shuffle Records Written': writesShuffle ? m.recordsWritten : 0,
    },
    'Input Metrics': { 'Bytes Read': readsShuffle ? 0 : m.bytesRead, 'Records Read': readsShuffle ? 0 : m.recordsRead },
    'Output Metrics': {
      'Bytes Written': writesShuffle ? 0 : m.bytesWritten,
      'Records Written': writesShuffle ? 0 : m.recordsWritten,
    },
    'Updated Blocks': [],
  };
}
