import type { ExecutorId, PartitionPlan, RddBlockId, ShippedFunction, TaskFailureReason, TaskSink } from '../protocol';
import { countsTowardsTaskFailures, retryCanHelp } from '../protocol';
import { describeTaskSetAbort } from './describe';
import type { StorageLevel } from './rdd';

/** A persisted partition a task reads: where its copies live decides where the task should run. */
export interface CachedInput {
  blockId: RddBlockId;
  rddId: number;
  partition: number;
  level: StorageLevel;
}

export interface TaskSpec {
  partition: number;
  plan: PartitionPlan;
  /**
   * The persisted partition this task reads first: the topmost in its narrow lineage that has a copy, or
   * else the topmost it will compute and cache; null if its lineage persists nothing.
   */
  cached: CachedInput | null;
}

/**
 * Where a task was launched, as Spark's TaskLocality: `local` on a worker holding its cached input;
 * `noPref` anywhere, since it reads no cached input or no live copy of it remains; `any` on a worker
 * other than the live holders (a 'disk' copy is read from IndexedDB there, a 'memory' one is recomputed).
 */
export type TaskLocality = 'local' | 'noPref' | 'any';

/** What a task set needs to know about one free executor to pick a task for it. */
export interface Offer {
  executorId: ExecutorId;
  /** Live executors without a running task. */
  free: ReadonlySet<ExecutorId>;
  now: number;
  /** Spark's spark.locality.wait: how long a task may wait for a busy worker holding its memory-cached input. */
  localityWaitMs: number;
  /** The live workers holding a copy of a block. */
  holders(blockId: string): ExecutorId[];
}

export interface TaskSet {
  jobId: number;
  stageId: number;
  stageAttempt: number;
  functions: ShippedFunction[];
  sink: TaskSink;
  tasks: TaskSpec[];
}

type FetchFailed = Extract<TaskFailureReason, { kind: 'fetchFailed' }>;

export interface RunningTask {
  readonly taskId: number;
  readonly index: number;
  readonly attempt: number;
  readonly executorId: ExecutorId;
  /** Executor epoch at launch: outputs of tasks launched before their executor was lost are stale. */
  readonly epoch: number;
  readonly startedAt: number;
  readonly speculative: boolean;
  readonly locality: TaskLocality;
  /** Live workers that held a copy of the task's cached input when it launched. */
  readonly holders: ExecutorId[];
}

/** What the task scheduler does with a successful task (Spark's handleSuccessfulTask). */
export type SuccessDecision =
  /**
   * Another copy of the task (speculative or resubmitted) succeeded first: this result changes nothing
   * and is reported as killed.
   */
  | { kind: 'discard' }
  /**
   * The partition is done: the result goes to the DAG scheduler and the other running copies of the task
   * are killed. `completesOtherAttempts` is false once this attempt's output was rolled back: its success
   * then no longer completes the partition in newer attempts of the stage.
   */
  | { kind: 'complete'; completesOtherAttempts: boolean };

/** What the task scheduler does with a failed task (Spark's handleFailedTask). */
export type FailureDecision =
  /** Not the task's fault and not for the task set to retry: the DAG scheduler fails the stage attempt. */
  | { kind: 'fetchFailed'; reason: FetchFailed }
  /**
   * Nothing to retry: the task was killed (a speculative loser, a kill by the user or the engine), another
   * copy of it already succeeded, or the task set is a zombie (an abandoned stage attempt).
   */
  | { kind: 'ignore'; why: 'killed' | 'otherCopySucceeded' | 'zombie' }
  /**
   * The task index runs again (it is pending, unless another copy of it still runs). `counted`: this
   * failure counted towards `maxFailures`.
   */
  | { kind: 'retry'; failures: number; counted: boolean; maxFailures: number }
  /**
   * The task set is now a zombie and its stage must abort with `message`: the failure is one retrying
   * cannot fix, or the index failed `maxTaskFailures` times.
   */
  | { kind: 'abort'; why: 'cannotRetry' | 'tooManyFailures'; failures: number; message: string };

/** What a task set needs to record the launch of one task attempt. */
export interface Launch {
  taskId: number;
  executorId: ExecutorId;
  /** The executor epoch at launch. */
  epoch: number;
  now: number;
  speculative: boolean;
  locality: TaskLocality;
  /** Live workers holding a copy of the task's cached input. */
  holders: ExecutorId[];
}

/** Spark's speculation settings, read at every check (they can be changed between checks). */
export interface SpeculationSettings {
  multiplier: number;
  quantile: number;
}

/**
 * Scheduling state of one stage attempt, and every change to it (Spark's TaskSetManager): which task
 * indexes wait, run and succeeded, how often each failed, and what a task's success or failure means.
 * The task scheduler asks and acts on the decisions; nothing else changes this state. A zombie task set
 * launches nothing more; its running tasks may still report.
 */
export class TaskSetManager {
  readonly taskSet: TaskSet;
  readonly #maxTaskFailures: number;
  readonly #pending: number[];
  readonly #running = new Map<number, RunningTask>();
  readonly #succeeded = new Set<number>();
  /** Failures counted per index since its last success (Spark's numFailures). */
  readonly #failures: number[];
  readonly #attempts: number[];
  /** Durations of successful tasks, for the speculation median. */
  readonly #durations: number[] = [];
  #zombie = false;
  #stale = false;
  /**
   * When this set last launched a task on a worker holding its cached input (or was created): tasks
   * waiting for a busy holder may run elsewhere once the locality wait has passed since (Spark's
   * lastLocalityWaitResetTime, reset by every local launch).
   */
  #localSince: number;

  constructor(taskSet: TaskSet, options: { now: number; maxTaskFailures: number }) {
    this.taskSet = taskSet;
    this.#maxTaskFailures = options.maxTaskFailures;
    this.#localSince = options.now;
    this.#pending = taskSet.tasks.map((_, i) => i);
    this.#failures = taskSet.tasks.map(() => 0);
    this.#attempts = taskSet.tasks.map(() => 0);
  }

  get stageName(): string {
    return `${this.taskSet.stageId}.${this.taskSet.stageAttempt}`;
  }

  /** Launches nothing more; running tasks still report (Spark's isZombie). */
  get zombie(): boolean {
    return this.#zombie;
  }

  /**
   * Set when the stage's output was rolled back (non-deterministic recomputation): successes of this
   * attempt no longer complete partitions of newer attempts.
   */
  get stale(): boolean {
    return this.#stale;
  }

  get finished(): boolean {
    return this.#succeeded.size === this.taskSet.tasks.length;
  }

  /** Finished or a zombie, with no task left running: nothing more can happen to it. */
  get done(): boolean {
    return (this.finished || this.#zombie) && this.#running.size === 0;
  }

  hasSucceeded(index: number): boolean {
    return this.#succeeded.has(index);
  }

  /** Running copies of a task index (the original and any speculative or resubmitted one). */
  runningCopies(index: number): RunningTask[] {
    return [...this.#running.values()].filter((r) => r.index === index);
  }

  /** Index of a partition in this task set, or -1. */
  indexOf(partition: number): number {
    return this.taskSet.tasks.findIndex((t) => t.partition === partition);
  }

  /**
   * Picks the next pending index for a free executor, with the locality it runs at (Spark's delay
   * scheduling): first a task whose cached input it holds; unless `localOnly`, then a task with no live
   * copy to prefer, or a 'disk' one whose holders are all busy (IndexedDB is readable by every worker);
   * and a 'memory' one whose holders are all busy only once the locality wait has expired. Then it
   * recomputes the partition here, as Spark does after spark.locality.wait.
   */
  next(offer: Offer, localOnly: boolean): { index: number; locality: TaskLocality } | null {
    if (this.#zombie || this.#pending.length === 0) return null;
    const pending = this.#pending;
    const holdersOf = (i: number) => {
      const cached = this.taskSet.tasks[i]!.cached;
      return cached ? offer.holders(cached.blockId) : [];
    };
    const local = pending.findIndex((i) => holdersOf(i).includes(offer.executorId));
    if (local >= 0) {
      this.#localSince = offer.now;
      return { index: pending.splice(local, 1)[0]!, locality: 'local' };
    }
    if (localOnly) return null;
    const elsewhere = pending.findIndex((i) => {
      const holders = holdersOf(i);
      return (
        holders.length === 0 ||
        (this.taskSet.tasks[i]!.cached!.level === 'disk' && !holders.some((h) => offer.free.has(h)))
      );
    });
    if (elsewhere >= 0) {
      const locality = holdersOf(pending[elsewhere]!).length === 0 ? 'noPref' : 'any';
      return { index: pending.splice(elsewhere, 1)[0]!, locality };
    }
    if (offer.now - this.#localSince < offer.localityWaitMs) return null;
    const waited = pending.findIndex((i) => !holdersOf(i).some((h) => offer.free.has(h)));
    if (waited < 0) return null;
    return { index: pending.splice(waited, 1)[0]!, locality: 'any' };
  }

  /**
   * When the tasks that wait for a busy worker holding their memory-cached input may run elsewhere; null
   * if none waits.
   */
  localityDeadline(offer: Pick<Offer, 'holders' | 'localityWaitMs'>): number | null {
    if (this.#zombie) return null;
    const waits = this.#pending.some((i) => {
      const cached = this.taskSet.tasks[i]!.cached;
      return cached?.level === 'memory' && offer.holders(cached.blockId).length > 0;
    });
    return waits ? this.#localSince + offer.localityWaitMs : null;
  }

  /** Records a launch of task `index` (picked by `next`, or a speculative copy): its next attempt number. */
  start(index: number, launch: Launch): RunningTask {
    const { taskId, executorId, epoch, now, speculative, locality, holders } = launch;
    const task: RunningTask = {
      taskId,
      index,
      attempt: this.#attempts[index]!++,
      executorId,
      epoch,
      startedAt: now,
      speculative,
      locality,
      holders,
    };
    this.#running.set(taskId, task);
    return task;
  }

  /** Spark's handleSuccessfulTask: the first copy of a task to succeed completes its index. */
  handleSuccess(task: RunningTask, durationMs: number): SuccessDecision {
    this.#running.delete(task.taskId);
    if (this.#succeeded.has(task.index)) return { kind: 'discard' };
    this.#succeeded.add(task.index);
    this.#failures[task.index] = 0;
    this.#durations.push(durationMs);
    return { kind: 'complete', completesOtherAttempts: !this.#stale };
  }

  /**
   * Spark's handleFailedTask: counts the failure if it is the task's fault, then retries the index,
   * aborts the task set (which becomes a zombie) or leaves it alone.
   */
  handleFailure(task: RunningTask, reason: TaskFailureReason): FailureDecision {
    this.#running.delete(task.taskId);
    if (reason.kind === 'fetchFailed') return { kind: 'fetchFailed', reason };
    const counted = countsTowardsTaskFailures(reason);
    if (counted) this.#failures[task.index]!++;
    const failures = this.#failures[task.index]!;
    if (reason.kind === 'killed') return { kind: 'ignore', why: 'killed' };
    if (this.#succeeded.has(task.index)) return { kind: 'ignore', why: 'otherCopySucceeded' };
    if (this.#zombie) return { kind: 'ignore', why: 'zombie' };
    const partition = this.taskSet.tasks[task.index]!.partition;
    if (!retryCanHelp(reason)) {
      this.markZombie();
      return {
        kind: 'abort',
        why: 'cannotRetry',
        failures,
        message: describeTaskSetAbort(partition, this.stageName, reason, null),
      };
    }
    if (failures >= this.#maxTaskFailures) {
      this.markZombie();
      return {
        kind: 'abort',
        why: 'tooManyFailures',
        failures,
        message: describeTaskSetAbort(partition, this.stageName, reason, failures),
      };
    }
    this.#requeue(task.index);
    return { kind: 'retry', failures, counted, maxFailures: this.#maxTaskFailures };
  }

  /** Launches nothing more (Spark's zombie): what waits is dropped, running tasks finish and report. */
  markZombie(): void {
    this.#zombie = true;
    this.#pending.length = 0;
  }

  /** The stage's output was rolled back: see `stale`. */
  markStale(): void {
    this.#stale = true;
  }

  /** Marks an index pending again, e.g. when its map output was lost with an executor (Spark's Resubmitted). */
  resubmit(index: number): void {
    this.#succeeded.delete(index);
    this.#requeue(index);
  }

  /**
   * Another attempt of the stage finished this partition (Spark's markPartitionCompleted): never launch
   * it here. Copies already running are left to finish. Returns whether anything changed.
   */
  markPartitionCompleted(partition: number): boolean {
    const index = this.indexOf(partition);
    if (index < 0 || this.#succeeded.has(index)) return false;
    this.#succeeded.add(index);
    this.#failures[index] = 0;
    const pending = this.#pending.indexOf(index);
    if (pending >= 0) this.#pending.splice(pending, 1);
    return true;
  }

  /**
   * Spark's checkSpeculatableTasks: once `quantile` of the tasks succeeded, every task running longer than
   * `multiplier` × the median duration (at least 100 ms) that has no other copy running deserves one.
   */
  /** Every copy running now, of every index. */
  runningTasks(): RunningTask[] {
    return [...this.#running.values()];
  }

  speculatable(now: number, settings: SpeculationSettings): { task: RunningTask; medianMs: number }[] {
    if (this.#zombie) return [];
    const total = this.taskSet.tasks.length;
    if (this.#succeeded.size < Math.max(1, Math.floor(settings.quantile * total))) return [];
    const sorted = [...this.#durations].sort((a, b) => a - b);
    const medianMs = sorted[Math.floor(sorted.length / 2)] ?? 0;
    const threshold = Math.max(settings.multiplier * medianMs, 100);
    const out: { task: RunningTask; medianMs: number }[] = [];
    for (const task of this.#running.values()) {
      // A finished index needs no copy (Spark's checkSpeculatableTasks skips successful ones).
      if (task.speculative || this.#succeeded.has(task.index) || now - task.startedAt <= threshold) continue;
      if (this.runningCopies(task.index).length > 1) continue;
      out.push({ task, medianMs });
    }
    return out;
  }

  #requeue(index: number): void {
    if (!this.#succeeded.has(index) && !this.#pending.includes(index) && this.runningCopies(index).length === 0) {
      this.#pending.push(index);
    }
  }
}
