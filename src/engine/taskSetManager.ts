import type { ExecutorId, PartitionPlan, ShippedFunction, TaskSink } from '../protocol';

export interface TaskSpec {
  partition: number;
  plan: PartitionPlan;
  /** The executor holding this partition's cached input, if any. */
  preferred: ExecutorId | null;
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

  constructor(taskSet: TaskSet) {
    this.taskSet = taskSet;
    this.pending = taskSet.tasks.map((_, i) => i);
    this.failures = taskSet.tasks.map(() => 0);
    this.#attempts = taskSet.tasks.map(() => 0);
  }

  get stageName(): string {
    return `${this.taskSet.stageId}.${this.taskSet.stageAttempt}`;
  }

  /**
   * Picks the next pending index for an executor: a task whose cached input it holds, or (unless
   * `localOnly`) one whose preferred executor is not free to take it now. `free` are the live executors
   * without a running task.
   */
  next(executorId: ExecutorId, free: ReadonlySet<ExecutorId>, localOnly = false): number | null {
    if (this.zombie || this.pending.length === 0) return null;
    let pick = this.pending.findIndex((i) => this.taskSet.tasks[i]!.preferred === executorId);
    if (pick < 0 && !localOnly) {
      pick = this.pending.findIndex((i) => {
        const preferred = this.taskSet.tasks[i]!.preferred;
        return preferred === null || !free.has(preferred);
      });
    }
    if (pick < 0) return null;
    return this.pending.splice(pick, 1)[0]!;
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
