import type { BlockRemovalCause, CacheUse, ExecutorId, TaskFailureReason, WorkerLoss } from '../protocol';
import type { FailureDecision } from './taskSetManager';
import type { RDD } from './rdd';

/** One plain sentence for a failure reason, as the event log and abort messages show it. */
export function describeReason(reason: TaskFailureReason): string {
  switch (reason.kind) {
    case 'exception':
      return `${reason.operator} threw: ${reason.message}`;
    case 'notSerializable':
      return reason.message;
    case 'fetchFailed':
      return `FetchFailed(shuffle ${reason.shuffleId}, map ${reason.mapPartition}, reduce ${reason.reducePartition}${
        reason.owner == null ? '' : `, worker ${reason.owner}`
      }): ${reason.message}`;
    case 'executorLost':
      return `ExecutorLost(worker ${reason.executorId}): ${reason.message}`;
    case 'spark':
      return `${reason.className}: ${reason.message}`;
    case 'killed':
    case 'injected':
    case 'inputUnreadable':
    case 'storage':
    case 'checkpointLost':
      return reason.message;
  }
}

/** The nearest name a person gave this RDD or, through narrow operators, an RDD it was derived from. */
function nameOf(rdd: RDD<unknown>): string | null {
  if (rdd.name !== null) return rdd.name;
  return rdd.source.kind === 'narrow' ? nameOf(rdd.source.parent) : null;
}

/**
 * The description of a sort's range-partitioning sample job: it computes no result of its own, it
 * only samples keys to choose the sort's split points, and must read as such.
 */
export function describeSampleJob(sampled: RDD<unknown>): string {
  return `sampling ${nameOf(sampled) ?? sampled.label} to split the sort`;
}

/** One task attempt as the task sentences name it: "Task 3 of stage 1.0", attempt 2 on worker 1. */
export interface TaskAttemptRef {
  partition: number;
  /** "stageId.stageAttempt" */
  stage: string;
  attempt: number;
  executorId: ExecutorId;
}

/** Why a stage aborts because of one task; the job's error repeats it after "Job aborted due to stage failure: ". */
export function describeTaskSetAbort(
  partition: number,
  stage: string,
  reason: TaskFailureReason,
  failures: number | null,
): string {
  return failures === null
    ? `Task ${partition} in stage ${stage} failed and cannot be retried: ${describeReason(reason)}`
    : `Task ${partition} in stage ${stage} failed ${failures} times; most recent failure: ${describeReason(reason)}`;
}

/** The explanation of a failed task's task.ended event: what happened and what the scheduler does next. */
export function explainTaskFailure(task: TaskAttemptRef, reason: TaskFailureReason, decision: FailureDecision): string {
  const name = `Task ${task.partition} of stage ${task.stage}`;
  // Reasons are often whole sentences; inside this one their final period would double up ("missing.. Fetch").
  const described = describeReason(reason).replace(/\.+$/, '');
  switch (decision.kind) {
    case 'fetchFailed':
      return `${name} could not read its input: ${described}. Fetch failures do not count against the task; the stage will be retried.`;
    case 'ignore':
      return decision.why === 'zombie'
        ? `${name} failed (${described}) in a stage attempt that was already abandoned; nothing is retried here.`
        : `${name} (attempt ${task.attempt}) was stopped: ${described}.`;
    case 'abort':
      return decision.why === 'cannotRetry'
        ? `${name} ${whyRetryCannotHelp(reason)}; retrying cannot help, so the stage is aborted.`
        : `${name} failed ${decision.failures} times; the stage is aborted.`;
    case 'retry':
      return (
        `${name} failed on worker ${task.executorId} (${described}); retrying as attempt ${task.attempt + 1}` +
        (decision.counted
          ? ` (failure ${decision.failures} of ${decision.maxFailures} allowed).`
          : '; this failure does not count against the task.')
      );
  }
}

/** The rest of "Task 3 of stage 1.0 …" for a failure that retrying cannot fix. */
function whyRetryCannotHelp(reason: TaskFailureReason): string {
  switch (reason.kind) {
    case 'inputUnreadable':
      return `could not read its input file ${reason.fileName}`;
    case 'storage':
      return `could not store its output in '${reason.store}'`;
    case 'checkpointLost':
      return `could not read the checkpoint of partition ${reason.partition} of rdd ${reason.rddId}, which was lost`;
    case 'notSerializable':
      return 'produced a record that cannot be sent between workers';
    default:
      return `failed (${describeReason(reason)})`;
  }
}

/** The explanation of a successful task's task.ended event: only a recomputed cached input is worth one. */
export function explainTaskSuccess(task: TaskAttemptRef, cache: CacheUse | null): string | null {
  return cache?.read === 'recomputed'
    ? `Task ${task.partition} of stage ${task.stage} ${describeCacheUse(cache, task.executorId)}`
    : null;
}

/** The reason a copy of a task is killed with once another copy succeeded. */
export const killedByOtherCopy = (winner: { attempt: number; executorId: ExecutorId }) =>
  `attempt ${winner.attempt} of this task on worker ${winner.executorId} finished first`;

/** The reason of a success that arrived after another copy of the task had succeeded. */
export const DISCARDED_SUCCESS = 'Another attempt of this task finished first.';

export function explainDiscardedSuccess(task: TaskAttemptRef): string {
  return `Task ${task.partition} of stage ${task.stage}: attempt ${task.attempt} finished after another attempt had already succeeded; its result was discarded.`;
}

/** The log line when speculation launches a copy of a straggler. */
export function describeSpeculativeLaunch(
  task: TaskAttemptRef,
  runningMs: number,
  multiplier: number,
  medianMs: number,
  on: ExecutorId,
): string {
  return `Task ${task.partition} of stage ${task.stage} has run ${Math.round(runningMs)} ms, over ${multiplier}× the median ${Math.round(medianMs)} ms: launching a speculative copy on worker ${on}.`;
}

export function listPartitions(partitions: readonly number[]): string {
  const sorted = [...partitions].sort((a, b) => a - b);
  if (sorted.length <= 12) return sorted.join(', ');
  return `${sorted.slice(0, 10).join(', ')} and ${sorted.length - 10} more`;
}

export const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * What a task did with its cached input, as the rest of a sentence that begins "Task 3 of stage 1.0",
 * e.g. "read partition 3 of rdd 5 from its cached copy in worker 2's memory."
 */
export function describeCacheUse(cache: CacheUse, executorId: ExecutorId): string {
  const what = `partition ${cache.partition} of rdd ${cache.rddId}`;
  switch (cache.read) {
    case 'cached':
      return `read ${what} from its cached copy ${cache.level === 'memory' ? `in worker ${executorId}'s memory` : 'in IndexedDB'}.`;
    case 'computed':
      return `computed ${what} on worker ${executorId} and cached it ${cache.level === 'memory' ? "in that worker's memory" : 'in IndexedDB'}.`;
    case 'recomputed': {
      const holders = cache.busyHolders;
      return holders.length > 0
        ? `recomputed ${what} on worker ${executorId}: ${holders.length === 1 ? 'worker' : 'workers'} ${holders.join(', ')}, which ${holders.length === 1 ? 'holds' : 'hold'} a cached copy, stayed busy for longer than the locality wait.`
        : `recomputed ${what} on worker ${executorId}: no cached copy of it remained (lost with its worker, or cleared).`;
    }
  }
}

const thousands = new Intl.NumberFormat('en-US');

/** A lost worker as an incident names its trigger: "Worker 1 killed by the user". */
export function describeWorkerLoss(executorId: ExecutorId, loss: WorkerLoss): string {
  switch (loss.kind) {
    case 'killedByUser':
      return `Worker ${executorId} killed by the user`;
    case 'heartbeatTimeout':
      return `Worker ${executorId} lost: no heartbeat for ${thousands.format(loss.timeoutMs)} ms`;
    case 'crashed':
      return `Worker ${executorId} crashed`;
    case 'reported':
      return `Worker ${executorId} lost: ${loss.reason}`;
  }
}

/** A user's clear as an incident names its trigger: "Shuffle blocks cleared by the user". */
export function describeClear(what: string): string {
  const subject = what.replace(/^all /, '');
  return `${subject.charAt(0).toUpperCase()}${subject.slice(1)} cleared by the user`;
}

/**
 * Why a partition's stored output is gone, as a partition cell names it: "its output was lost when
 * worker 1 was killed". A clear by the user is the user's, never a worker's.
 */
export function describeOutputLoss(cause: BlockRemovalCause): string {
  switch (cause.kind) {
    case 'clearedByUser':
      return `its output was cleared by the user (${cause.what})`;
    case 'diedWithWorker':
      return `its output was lost ${whenWorkerWasLost(cause.executorId, cause.loss)}`;
    case 'retention':
      return 'its output was released before the next run (retention rule)';
    case 'released':
      return 'its output was released because nothing could read it any more';
  }
}

function whenWorkerWasLost(executorId: ExecutorId, loss: WorkerLoss): string {
  switch (loss.kind) {
    case 'killedByUser':
      return `when worker ${executorId} was killed`;
    case 'heartbeatTimeout':
      return `with worker ${executorId}, which sent no heartbeat for ${thousands.format(loss.timeoutMs)} ms`;
    case 'crashed':
      return `when worker ${executorId} crashed`;
    case 'reported':
      return `when worker ${executorId} was lost (${loss.reason})`;
  }
}
