import type { ExecutorId, TaskDescription, TaskFailureReason, TaskResult } from '../protocol';
import { countsTowardsTaskFailures } from '../protocol';
import type { ExecutorBackend } from './backend';
import type { EventBus } from './eventBus';
import { describeReason } from './describe';
import { seededRandom } from './random';
import { TaskSetManager, type RunningTask, type TaskSet } from './taskSetManager';

type Success = Extract<TaskResult, { status: 'success' }>;

export interface TaskSchedulerListener {
  taskSucceeded(tsm: TaskSetManager, task: RunningTask, result: Success): void;
  taskFetchFailed(tsm: TaskSetManager, task: RunningTask, reason: Extract<TaskFailureReason, { kind: 'fetchFailed' }>): void;
  /** A task index failed maxTaskFailures times in a row: the stage and its jobs must abort. */
  taskSetAborted(tsm: TaskSetManager, message: string): void;
}

export interface TaskSchedulerConfig {
  maxTaskFailures: number;
  speculation: boolean;
  speculationMultiplier: number;
  speculationQuantile: number;
  taskDelayMs: number;
  failureProbability: number;
  seed: number;
}

/** Places the tasks of active task sets on free executors (one task per executor) and counts failures. */
export class TaskScheduler {
  readonly #backend: ExecutorBackend;
  readonly #bus: EventBus;
  readonly #config: TaskSchedulerConfig;
  readonly #now: () => number;
  #listener!: TaskSchedulerListener;
  readonly #sets: TaskSetManager[] = [];
  readonly #busy = new Map<ExecutorId, number>();
  #nextTaskId = 0;
  #epoch = 0;
  #random: () => number;

  constructor(backend: ExecutorBackend, bus: EventBus, config: TaskSchedulerConfig, now: () => number) {
    this.#backend = backend;
    this.#bus = bus;
    this.#config = config;
    this.#now = now;
    this.#random = seededRandom(config.seed);
  }

  setListener(listener: TaskSchedulerListener): void {
    this.#listener = listener;
  }

  configure(partial: Partial<TaskSchedulerConfig>): void {
    Object.assign(this.#config, partial);
    if (partial.seed !== undefined || partial.failureProbability !== undefined) this.#random = seededRandom(this.#config.seed);
  }

  setEpoch(epoch: number): void {
    this.#epoch = epoch;
  }

  submit(taskSet: TaskSet): TaskSetManager {
    // A stage has at most one active attempt (Spark 3's submitTasks): any older one is a zombie now.
    for (const other of this.taskSetsOf(taskSet.stageId)) if (!other.zombie) this.markZombie(other);
    const tsm = new TaskSetManager(taskSet);
    this.#sets.push(tsm);
    this.schedule();
    return tsm;
  }

  /** Every task set of a stage still known here (the active attempt and zombies with running tasks). */
  taskSetsOf(stageId: number): TaskSetManager[] {
    return this.#sets.filter((t) => t.taskSet.stageId === stageId);
  }

  /** Stops launching tasks of a task set; its running tasks finish and report (Spark's zombie). */
  markZombie(tsm: TaskSetManager): void {
    tsm.zombie = true;
    this.#removeIfDone(tsm);
  }

  activeTaskSets(): readonly TaskSetManager[] {
    return this.#sets;
  }

  runningTaskOn(executorId: ExecutorId): number | null {
    return this.#busy.get(executorId) ?? null;
  }

  /** Marks an index pending again, e.g. when its map output was lost with an executor. */
  resubmit(tsm: TaskSetManager, index: number): void {
    tsm.succeeded.delete(index);
    tsm.requeue(index);
    if (!this.#sets.includes(tsm)) this.#sets.push(tsm);
  }

  schedule(): void {
    const live = new Set(this.#backend.liveExecutors());
    // First every free executor takes a task whose cached input it holds; then the rest are placed,
    // leaving a task to its preferred executor only while that one is alive and free.
    for (const localOnly of [true, false]) {
      for (const executorId of live) {
        if (this.#busy.has(executorId)) continue;
        const available = new Set([...live].filter((e) => !this.#busy.has(e)));
        for (const tsm of this.#sets) {
          const index = tsm.next(executorId, available, localOnly);
          if (index === null) continue;
          this.#launch(tsm, index, executorId, false);
          break;
        }
      }
    }
    if (this.#config.speculation) this.#speculate(live);
  }

  #launch(tsm: TaskSetManager, index: number, executorId: ExecutorId, speculative: boolean): void {
    const set = tsm.taskSet;
    const spec = set.tasks[index]!;
    const taskId = this.#nextTaskId++;
    const attempt = tsm.nextAttempt(index);
    const task: TaskDescription = {
      taskId,
      jobId: set.jobId,
      stageId: set.stageId,
      stageAttempt: set.stageAttempt,
      partition: spec.partition,
      attempt,
      epoch: this.#epoch,
      functions: set.functions,
      plan: spec.plan,
      sink: set.sink,
      chaos: {
        delayMs: this.#config.taskDelayMs,
        injectFailure: this.#config.failureProbability > 0 && this.#random() < this.#config.failureProbability,
      },
    };
    const running: RunningTask = { taskId, index, attempt, executorId, epoch: this.#epoch, startedAt: this.#now(), speculative };
    tsm.running.set(taskId, running);
    this.#busy.set(executorId, taskId);
    this.#bus.emit({
      type: 'task.started',
      taskId,
      stageId: set.stageId,
      stageAttempt: set.stageAttempt,
      partition: spec.partition,
      attempt,
      executorId,
      speculative,
    });
    void this.#backend.launch(executorId, task).then((result) => this.#finish(tsm, running, result));
  }

  #finish(tsm: TaskSetManager, task: RunningTask, result: TaskResult): void {
    tsm.running.delete(task.taskId);
    if (this.#busy.get(task.executorId) === task.taskId) this.#busy.delete(task.executorId);
    const set = tsm.taskSet;
    const partition = set.tasks[task.index]!.partition;
    const base = {
      taskId: task.taskId,
      stageId: set.stageId,
      stageAttempt: set.stageAttempt,
      partition,
      attempt: task.attempt,
      executorId: task.executorId,
    };

    if (result.status === 'success') {
      if (tsm.succeeded.has(task.index)) {
        // Another copy (speculative or resubmitted) finished first: this one changes nothing.
        this.#bus.emit({ ...base, type: 'task.ended', outcome: 'killed', reason: { kind: 'killed', message: 'Another attempt of this task finished first.' }, metrics: result.metrics, explanation: `Task ${partition} of stage ${tsm.stageName}: attempt ${task.attempt} finished after another attempt had already succeeded; its result was discarded.` });
      } else {
        tsm.succeeded.add(task.index);
        tsm.failures[task.index] = 0;
        tsm.durations.push(result.metrics.durationMs);
        this.#bus.emit({ ...base, type: 'task.ended', outcome: 'success', reason: null, metrics: result.metrics, explanation: null });
        // Before the DAG scheduler reacts (it may submit a new attempt): other attempts of this stage
        // must not launch the partition again (Spark's markPartitionCompletedInAllTaskSets).
        if (!tsm.stale) {
          for (const other of this.taskSetsOf(set.stageId)) {
            if (other !== tsm && other.markPartitionCompleted(partition)) this.#removeIfDone(other);
          }
        }
        this.#killOtherCopies(tsm, task);
        this.#listener.taskSucceeded(tsm, task, result);
      }
      this.#removeIfDone(tsm);
      this.schedule();
      return;
    }

    const reason = result.reason;
    const described = describeReason(reason);
    if (reason.kind === 'fetchFailed') {
      this.#bus.emit({ ...base, type: 'task.ended', outcome: 'failed', reason, metrics: result.metrics, explanation: `Task ${partition} of stage ${tsm.stageName} could not read its input: ${described}. Fetch failures do not count against the task; the stage will be retried.` });
      this.#listener.taskFetchFailed(tsm, task, reason);
      this.#removeIfDone(tsm);
      this.schedule();
      return;
    }

    const counts = countsTowardsTaskFailures(reason);
    if (counts) tsm.failures[task.index]!++;
    const failures = tsm.failures[task.index]!;
    const killed = reason.kind === 'killed';
    // Failures that retrying cannot fix abort at once: a record that cannot be serialized (as in Spark),
    // an input file that is gone (lineage ends at the source) and a write refused for lack of quota.
    const hopeless = reason.kind === 'notSerializable' || reason.kind === 'inputUnreadable' || reason.kind === 'storage';
    const abort = hopeless || failures >= this.#config.maxTaskFailures;
    let explanation: string;
    if (tsm.succeeded.has(task.index) || killed) {
      explanation = `Task ${partition} of stage ${tsm.stageName} (attempt ${task.attempt}) was stopped: ${described}`;
    } else if (tsm.zombie) {
      explanation = `Task ${partition} of stage ${tsm.stageName} failed (${described}) in a stage attempt that was already abandoned; nothing is retried here.`;
    } else if (hopeless) {
      explanation = `Task ${partition} of stage ${tsm.stageName} ${hopelessWhy(reason)}; retrying cannot help, so the stage is aborted.`;
    } else if (abort) {
      explanation = `Task ${partition} of stage ${tsm.stageName} failed ${failures} times; the stage is aborted.`;
    } else {
      explanation =
        `Task ${partition} of stage ${tsm.stageName} failed on worker ${task.executorId} (${described}); retrying as attempt ${task.attempt + 1}` +
        (counts ? ` (failure ${failures} of ${this.#config.maxTaskFailures} allowed).` : '; this failure does not count against the task.');
    }
    this.#bus.emit({ ...base, type: 'task.ended', outcome: killed ? 'killed' : 'failed', reason, metrics: result.metrics, explanation });

    if (!tsm.zombie && !tsm.succeeded.has(task.index) && !killed) {
      if (abort) {
        this.markZombie(tsm);
        this.#listener.taskSetAborted(
          tsm,
          hopeless
            ? `Task ${partition} in stage ${tsm.stageName} failed and cannot be retried: ${described}`
            : `Task ${partition} in stage ${tsm.stageName} failed ${failures} times; most recent failure: ${described}`,
        );
      } else {
        tsm.requeue(task.index);
      }
    }
    this.#removeIfDone(tsm);
    this.schedule();
  }

  /** The first copy of a task to succeed wins: the others are killed and never count as failures. */
  #killOtherCopies(tsm: TaskSetManager, winner: RunningTask): void {
    for (const other of [...tsm.running.values()]) {
      if (other.index !== winner.index || other.taskId === winner.taskId) continue;
      this.#backend.killTask(other.executorId, other.taskId, `attempt ${winner.attempt} of this task on worker ${winner.executorId} finished first`);
    }
  }

  #removeIfDone(tsm: TaskSetManager): void {
    const done = tsm.finished || (tsm.zombie && tsm.running.size === 0) || (tsm.zombie && tsm.pending.length === 0);
    if (done && tsm.running.size === 0) {
      const i = this.#sets.indexOf(tsm);
      if (i >= 0) this.#sets.splice(i, 1);
    } else if (tsm.zombie) {
      tsm.pending.length = 0;
    }
  }

  /** Spark's speculation: a task running longer than multiplier × median gets a copy elsewhere. */
  #speculate(live: Set<ExecutorId>): void {
    const now = this.#now();
    for (const tsm of this.#sets) {
      if (tsm.zombie) continue;
      const total = tsm.taskSet.tasks.length;
      if (tsm.succeeded.size < Math.max(1, Math.floor(this.#config.speculationQuantile * total))) continue;
      const sorted = [...tsm.durations].sort((a, b) => a - b);
      const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
      const threshold = Math.max(this.#config.speculationMultiplier * median, 100);
      for (const running of [...tsm.running.values()]) {
        if (running.speculative || now - running.startedAt <= threshold) continue;
        const copies = [...tsm.running.values()].filter((r) => r.index === running.index).length;
        if (copies > 1) continue;
        const free = [...live].find((e) => !this.#busy.has(e) && e !== running.executorId);
        if (free === undefined) return;
        this.#bus.emit({ type: 'log', level: 'info', message: `Task ${tsm.taskSet.tasks[running.index]!.partition} of stage ${tsm.stageName} has run ${Math.round(now - running.startedAt)} ms, over ${this.#config.speculationMultiplier}× the median ${Math.round(median)} ms: launching a speculative copy on worker ${free}.` });
        this.#launch(tsm, running.index, free, true);
      }
    }
  }

  /** Abandons every task set of a job (cancel or abort). */
  cancelJob(jobId: number): void {
    for (const tsm of [...this.#sets]) if (tsm.taskSet.jobId === jobId) this.markZombie(tsm);
  }
}

function hopelessWhy(reason: TaskFailureReason): string {
  switch (reason.kind) {
    case 'inputUnreadable':
      return `could not read its input file ${reason.fileName}`;
    case 'storage':
      return `could not store its output in '${reason.store}'`;
    default:
      return 'produced a record that cannot be sent between workers';
  }
}
