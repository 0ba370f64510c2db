import type { ExecutorId, PartitionPlan, RddBlockId, ShippedFunction, TaskSink } from '../protocol';
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

export interface RunningTask {
  taskId: number;
  index: number;
  attempt: number;
  executorId: ExecutorId;
  /** Executor epoch at launch: outputs of tasks launched before their executor was lost are stale. */
  epoch: number;
  startedAt: number;
  speculative: boolean;
  locality: TaskLocality;
  /** Live workers that held a copy of the task's cached input when it launched. */
  holders: ExecutorId[];
}

/**
 * Scheduling state of one stage attempt: which task indexes wait, run, succeeded, and how often each
 * failed. A zombie task set launches nothing more; its running tasks may still report.
 */
export class TaskSetManager {
  readonly taskSet: TaskSet;
  readonly pending: number[];
  readonly running = new Map<number, RunningTask>();
  readonly succeeded = new Set<number>();
  readonly failures: number[];
  readonly #attempts: number[];
  readonly durations: number[] = [];
  zombie = false;
  /**
   * Set when the stage's output was rolled back (non-deterministic recomputation): successes of this
   * attempt no longer complete partitions of newer attempts.
   */
  stale = false;
  /**
   * When this set last launched a task on a worker holding its cached input (or was created): tasks
   * waiting for a busy holder may run elsewhere once the locality wait has passed since (Spark's
   * lastLocalityWaitResetTime, reset by every local launch).
   */
  #localSince: number;

  constructor(taskSet: TaskSet, now: number) {
    this.taskSet = taskSet;
    this.#localSince = now;
    this.pending = taskSet.tasks.map((_, i) => i);
    this.failures = taskSet.tasks.map(() => 0);
    this.#attempts = taskSet.tasks.map(() => 0);
  }

  get stageName(): string {
    return `${this.taskSet.stageId}.${this.taskSet.stageAttempt}`;
  }

  /**
   * Picks the next pending index for a free executor, with the locality it runs at (Spark's delay
   * scheduling): first a task whose cached input it holds; unless `localOnly`, then a task with no live
   * copy to prefer, or a 'disk' one whose holders are all busy (IndexedDB is readable by every worker);
   * and a 'memory' one whose holders are all busy only once the locality wait has expired. Then it
   * recomputes the partition here, as Spark does after spark.locality.wait.
   */
  next(offer: Offer, localOnly: boolean): { index: number; locality: TaskLocality } | null {
    if (this.zombie || this.pending.length === 0) return null;
    const holdersOf = (i: number) => {
      const cached = this.taskSet.tasks[i]!.cached;
      return cached ? offer.holders(cached.blockId) : [];
    };
    const local = this.pending.findIndex((i) => holdersOf(i).includes(offer.executorId));
    if (local >= 0) {
      this.#localSince = offer.now;
      return { index: this.pending.splice(local, 1)[0]!, locality: 'local' };
    }
    if (localOnly) return null;
    const elsewhere = this.pending.findIndex((i) => {
      const holders = holdersOf(i);
      return holders.length === 0 || (this.taskSet.tasks[i]!.cached!.level === 'disk' && !holders.some((h) => offer.free.has(h)));
    });
    if (elsewhere >= 0) {
      const locality = holdersOf(this.pending[elsewhere]!).length === 0 ? 'noPref' : 'any';
      return { index: this.pending.splice(elsewhere, 1)[0]!, locality };
    }
    if (offer.now - this.#localSince < offer.localityWaitMs) return null;
    const waited = this.pending.findIndex((i) => !holdersOf(i).some((h) => offer.free.has(h)));
    if (waited < 0) return null;
    return { index: this.pending.splice(waited, 1)[0]!, locality: 'any' };
  }

  /**
   * When the tasks that wait for a busy worker holding their memory-cached input may run elsewhere; null
   * if none waits.
   */
  localityDeadline(offer: Pick<Offer, 'holders' | 'localityWaitMs'>): number | null {
    if (this.zombie) return null;
    const waits = this.pending.some((i) => {
      const cached = this.taskSet.tasks[i]!.cached;
      return cached?.level === 'memory' && offer.holders(cached.blockId).length > 0;
    });
    return waits ? this.#localSince + offer.localityWaitMs : null;
  }

  nextAttempt(index: number): number {
    return this.#attempts[index]!++;
  }

  isRunningIndex(index: number): boolean {
    for (const r of this.running.values()) if (r.index === index) return true;
    return false;
  }

  requeue(index: number): void {
    if (!this.succeeded.has(index) && !this.pending.includes(index) && !this.isRunningIndex(index)) {
      this.pending.push(index);
    }
  }

  /** Index of a partition in this task set, or -1. */
  indexOf(partition: number): number {
    return this.taskSet.tasks.findIndex((t) => t.partition === partition);
  }

  /**
   * Another attempt of the stage finished this partition (Spark's markPartitionCompleted): never launch
   * it here. Copies already running are left to finish. Returns whether anything changed.
   */
  markPartitionCompleted(partition: number): boolean {
    const index = this.indexOf(partition);
    if (index < 0 || this.succeeded.has(index)) return false;
    this.succeeded.add(index);
    this.failures[index] = 0;
    const pending = this.pending.indexOf(index);
    if (pending >= 0) this.pending.splice(pending, 1);
    return true;
  }

  get finished(): boolean {
    return this.succeeded.size === this.taskSet.tasks.length;
  }
}
