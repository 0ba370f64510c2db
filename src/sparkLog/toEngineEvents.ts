import type { EngineEvent, StageInfo } from '../protocol/events';
import type { ExecutorId } from '../protocol/ids';
import type { TaskFailureReason } from '../protocol/task';
import type { SparkEvent, SparkStageMeta, SparkTaskEndReason } from './sparkEvents';
import { SparkLogFormatError } from './sparkEvents';
import {
  executorName,
  explainResubmission,
  fetchFailedStage,
  lastLine,
  missingOutput,
  type FetchFailure,
} from './explain';

/** The application an imported log describes. */
export interface SparkApplication {
  name: string;
  appId: string;
  sparkVersion: string;
  jobs: number;
  stageAttempts: number;
  taskAttempts: number;
  failedTasks: number;
}

export interface ImportedLog {
  app: SparkApplication;
  /** Emberflow's own events: what the engine would have emitted had it run this application. */
  events: EngineEvent[];
}

/**
 * Spark's executor ids as the page's workers: numbered executors keep their number, and the driver
 * (which runs every task in local mode) is worker 0.
 */
export function workerOf(executor: string): ExecutorId {
  if (executor === 'driver') return 0;
  if (/^\d+$/.test(executor)) return Number(executor);
  throw new SparkLogFormatError(`executor id "${executor}" is neither "driver" nor a number`);
}

function failureReason(r: Exclude<SparkTaskEndReason, { kind: 'success' }>): TaskFailureReason {
  switch (r.kind) {
    case 'exception':
      return { kind: 'spark', className: r.className, message: r.description };
    case 'fetchFailed':
      return {
        kind: 'fetchFailed',
        shuffleId: r.shuffleId,
        mapPartition: r.mapIndex,
        reducePartition: r.reduceId,
        owner: r.executor === null ? null : workerOf(r.executor),
        message: r.message,
      };
    case 'executorLost':
      return {
        kind: 'executorLost',
        executorId: workerOf(r.executor),
        cause: /heartbeat/i.test(r.reason) ? 'heartbeatTimeout' : r.causedByApp ? 'crashed' : 'killed',
        message: r.reason,
      };
    case 'killed':
      return { kind: 'killed', message: r.reason };
    case 'other':
      return { kind: 'spark', className: r.name, message: r.message };
  }
}

const key = (...parts: number[]) => parts.join(':');

/**
 * Turns one Spark application's listener events (in log order) into Emberflow's event list, so that
 * the page's DAG, attempt history, partition cells, timeline and event log show it unchanged. Two
 * passes: the first gathers what Spark only says later (which partitions each stage attempt ran, which
 * task attempts were retried, which shuffle a stage writes), the second emits in log order.
 */
export function toEngineEvents(sparkEvents: readonly SparkEvent[]): ImportedLog {
  const metas = new Map<number, SparkStageMeta>();
  const resultStages = new Set<number>();
  const launched = new Map<string, Set<number>>();
  const started = new Set<string>();
  const shuffleOf = new Map<number, number>();
  let version = 'unknown';
  let app: { name: string; appId: string; time: number } | null = null;
  let firstTime: number | null = null;

  for (const e of sparkEvents) {
    if ('time' in e && e.time !== null && firstTime === null) firstTime = e.time;
    switch (e.type) {
      case 'logStart':
        version = e.version;
        break;
      case 'appStart':
        app = e;
        break;
      case 'jobStart':
        for (const s of e.stages) metas.set(s.stageId, s);
        // The result stage is created after its parents, so it has the job's highest stage id.
        if (e.stageIds.length > 0) resultStages.add(Math.max(...e.stageIds));
        break;
      case 'taskStart': {
        const k = key(e.stageId, e.stageAttempt);
        launched.set(k, (launched.get(k) ?? new Set()).add(e.partition));
        started.add(key(e.stageId, e.stageAttempt, e.partition, e.attempt));
        break;
      }
      case 'taskEnd': {
        // A stage with one parent stage reads that parent's shuffle: a fetch failure names its id.
        const parents = metas.get(e.stageId)?.parentIds ?? [];
        if (e.reason.kind === 'fetchFailed' && parents.length === 1) shuffleOf.set(parents[0]!, e.reason.shuffleId);
        break;
      }
    }
  }
  if (app === null && firstTime === null) throw new SparkLogFormatError('the file holds no Spark events');
  // Spark's clock is wall time; the page's is ms since the application started.
  const base = Math.min(app?.time ?? Infinity, firstTime ?? Infinity);
  const at = (t: number | null, fallback: number) => (t === null ? fallback : Math.max(0, t - base));

  const stageInfo = (m: SparkStageMeta): StageInfo => ({
    stageId: m.stageId,
    kind: resultStages.has(m.stageId) ? 'result' : 'shuffleMap',
    operations: m.operations,
    parentStageIds: m.parentIds,
    numPartitions: m.numPartitions,
    shuffleId: resultStages.has(m.stageId) ? null : (shuffleOf.get(m.stageId) ?? null),
  });

  const events: EngineEvent[] = [];
  const jobOfStage = new Map<number, number>();
  const submittedInJob = new Map<number, Set<number>>();
  const jobStages = new Map<number, number[]>();
  const firstFetchOfAttempt = new Map<string, FetchFailure>();
  let lastFetch: FetchFailure | null = null;
  let lastLost: { executor: string; reason: string } | null = null;
  const counts = { jobs: 0, stageAttempts: 0, taskAttempts: 0, failedTasks: 0 };
  let now = 0;

  for (const e of sparkEvents) {
    switch (e.type) {
      case 'logStart':
      case 'appStart':
      case 'appEnd':
        break;
      case 'executorAdded':
        now = at(e.time, now);
        events.push({
          type: 'executor.added',
          time: now,
          executorId: workerOf(e.executor),
          reason:
            e.executor === 'driver'
              ? `Spark's driver on ${e.host} (${e.cores} cores) runs the tasks (local mode); it is shown as worker 0.`
              : `Spark ${executorName(e.executor)} on ${e.host} (${e.cores} cores).`,
        });
        break;
      case 'executorRemoved':
        now = at(e.time, now);
        lastLost = { executor: e.executor, reason: e.reason };
        events.push({
          type: 'executor.removed',
          time: now,
          executorId: workerOf(e.executor),
          reason: e.reason,
          loss: { kind: 'reported', reason: e.reason },
        });
        break;
      case 'jobStart': {
        now = at(e.time, now);
        counts.jobs += 1;
        for (const id of e.stageIds) jobOfStage.set(id, e.jobId);
        jobStages.set(e.jobId, e.stageIds);
        submittedInJob.set(e.jobId, new Set());
        const stages = e.stageIds.map((id) => metas.get(id)).filter((m) => m !== undefined);
        const finalStageId = Math.max(...e.stageIds);
        events.push({
          type: 'job.submitted',
          time: now,
          jobId: e.jobId,
          description: e.description ?? metas.get(finalStageId)?.name ?? `job ${e.jobId}`,
          stages: stages.map(stageInfo),
          finalStageId,
        });
        break;
      }
      case 'jobEnd': {
        now = at(e.time, now);
        if (e.failure === null) {
          const ran = submittedInJob.get(e.jobId) ?? new Set();
          for (const id of jobStages.get(e.jobId) ?? []) {
            if (ran.has(id)) continue;
            events.push({
              type: 'stage.skipped',
              time: now,
              jobId: e.jobId,
              stageId: id,
              explanation: `Stage ${id} was skipped in job ${e.jobId}: its shuffle output from an earlier job was still available.`,
            });
          }
          events.push({ type: 'job.succeeded', time: now, jobId: e.jobId });
        } else {
          events.push({ type: 'job.failed', time: now, jobId: e.jobId, reason: e.failure });
        }
        break;
      }
      case 'stageSubmitted': {
        now = at(e.time, now);
        counts.stageAttempts += 1;
        const jobId = jobOfStage.get(e.stageId) ?? -1;
        submittedInJob.get(jobId)?.add(e.stageId);
        const meta = metas.get(e.stageId);
        const total = meta?.numPartitions ?? e.numTasks;
        // An attempt of every partition lists them all; a retry lists those it launched (an attempt
        // abandoned after a fetch failure may not have launched every task it had).
        const partitions =
          e.numTasks === total
            ? Array.from({ length: total }, (_, i) => i)
            : [...(launched.get(key(e.stageId, e.attempt)) ?? [])].sort((a, b) => a - b);
        let explanation: string | null = null;
        if (e.attempt > 0) {
          const shuffleId = resultStages.has(e.stageId) ? null : (shuffleOf.get(e.stageId) ?? null);
          const stage = { stageId: e.stageId, attempt: e.attempt, tasks: e.numTasks, partitions: total, shuffleId };
          explanation = explainResubmission(
            stage,
            lastFetch
              ? { kind: 'fetch', failure: lastFetch }
              : lastLost
                ? { kind: 'executorLost', ...lastLost }
                : { kind: 'unknown' },
          );
        }
        events.push({
          type: 'stage.submitted',
          time: now,
          jobId,
          stageId: e.stageId,
          attempt: e.attempt,
          partitions,
          explanation,
        });
        break;
      }
      case 'stageCompleted': {
        now = at(e.time, now);
        const fetch = firstFetchOfAttempt.get(key(e.stageId, e.attempt));
        if (fetch) {
          events.push({
            type: 'stage.failed',
            time: now,
            stageId: e.stageId,
            attempt: e.attempt,
            reason: fetchFailedStage(fetch, e.failure),
          });
        } else if (e.failure !== null) {
          events.push({ type: 'stage.failed', time: now, stageId: e.stageId, attempt: e.attempt, reason: e.failure });
        } else {
          events.push({ type: 'stage.completed', time: now, stageId: e.stageId, attempt: e.attempt });
        }
        break;
      }
      case 'taskStart':
        now = at(e.time, now);
        counts.taskAttempts += 1;
        events.push({
          type: 'task.started',
          time: now,
          taskId: e.taskId,
          stageId: e.stageId,
          stageAttempt: e.stageAttempt,
          partition: e.partition,
          attempt: e.attempt,
          executorId: workerOf(e.executor),
          speculative: e.speculative,
        });
        break;
      case 'taskEnd': {
        now = at(e.time, now);
        const common = {
          type: 'task.ended' as const,
          time: now,
          taskId: e.taskId,
          stageId: e.stageId,
          stageAttempt: e.stageAttempt,
          partition: e.partition,
          attempt: e.attempt,
          executorId: workerOf(e.executor),
          metrics: e.metrics,
        };
        if (e.reason.kind === 'success') {
          events.push({ ...common, outcome: 'success', reason: null, explanation: null });
          break;
        }
        counts.failedTasks += e.reason.kind === 'killed' ? 0 : 1;
        const name = `Task ${e.partition} of stage ${e.stageId}.${e.stageAttempt} (attempt ${e.attempt})`;
        const retried = started.has(key(e.stageId, e.stageAttempt, e.partition, e.attempt + 1));
        const next = retried ? ` Spark ran it again as attempt ${e.attempt + 1}.` : '';
        let explanation: string;
        const r = e.reason;
        switch (r.kind) {
          case 'fetchFailed': {
            const failure: FetchFailure = {
              stageId: e.stageId,
              stageAttempt: e.stageAttempt,
              shuffleId: r.shuffleId,
              mapIndex: r.mapIndex,
              reduceId: r.reduceId,
              executor: r.executor,
            };
            // The first fetch failure of a stage attempt is the one that failed it: the sentences name it.
            if (!firstFetchOfAttempt.has(key(e.stageId, e.stageAttempt))) {
              firstFetchOfAttempt.set(key(e.stageId, e.stageAttempt), failure);
              lastFetch = failure;
            }
            explanation = `${name} could not read its input: ${missingOutput(failure)} is missing (FetchFailed). Fetch failures do not count against the task; Spark fails the stage attempt and recomputes the lost output.`;
            break;
          }
          case 'exception':
            explanation = `${name} failed on ${executorName(e.executor)}: ${r.className}: ${lastLine(r.description)}.${next}`;
            break;
          case 'executorLost':
            lastLost = { executor: r.executor, reason: r.reason };
            explanation = `${name} was lost with ${executorName(r.executor)} (${r.reason}).${next}`;
            break;
          case 'killed':
            explanation = `${name} was killed: ${lastLine(r.reason)}`;
            break;
          case 'other':
            explanation = `${name} ended with ${r.name}: ${r.message}.${next}`;
            break;
        }
        events.push({
          ...common,
          outcome: r.kind === 'killed' ? 'killed' : 'failed',
          reason: failureReason(r),
          explanation,
        });
        break;
      }
    }
  }
  const application: SparkApplication = {
    name: app?.name ?? 'unnamed application',
    appId: app?.appId ?? 'unknown',
    sparkVersion: version,
    ...counts,
  };
  events.unshift({
    type: 'log',
    time: 0,
    level: 'info',
    message: `Opened the Spark event log of "${application.name}" (${application.appId}, Spark ${version}): ${counts.jobs} jobs, ${counts.stageAttempts} stage attempts, ${counts.taskAttempts} task attempts, ${counts.failedTasks} failed.`,
  });
  return { app: application, events };
}
