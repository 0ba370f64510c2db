import type { CacheUse, ExecutorId, TaskDescription, TaskFailureReason, TaskResult } from '../protocol';
import { countsTowardsTaskFailures } from '../protocol';
import type { ExecutorBackend } from './backend';
import type { EventBus } from './eventBus';
import { describeCacheUse, describeReason } from './describe';
import { seededRandom } from './random';
import { TaskSetManager, type Offer, type RunningTask, type TaskLocality, type TaskSet, type TaskSpec } from './taskSetManager';

type Success = Extract<TaskResult, { status: 'success' }>;

export interface TaskSchedulerListener {
  taskSucceeded(tsm: TaskSetManager, task: RunningTask, result: Success): void;
  taskFetchFailed(tsm: TaskSetManager, task: RunningTask, reason: Extract<TaskFailureReason, { kind: 'fetchFailed' }>): void;
  /** A task index failed maxTaskFailures times in a row: the stage and its jobs must abort. */
  taskSetAborted(tsm: TaskSetManager, message: string): void;
  /** A task's result was handled (whatever it was): state kept for running tasks only may go. */
  taskEnded(): void;
}

/** Where cached blocks are (the block master): the scheduler places tasks by it. */
export interface BlockLocations {
  /** The workers holding a copy of a block. */
  locations(blockId: string): ExecutorId[];
  /** Whether the block's last copy was removed (lost or cleared) and it was not stored again since. */
  wasRemoved(blockId: string): boolean;
}

export interface TaskSchedulerConfig {
  maxTaskFailures: number;
  speculation: boolean;
  speculationMultiplier: number;
  speculationQuantile: number;
  taskDelayMs: number;
  failureProbability: number;
  seed: number;
  /** Spark's spark.locality.wait: how long a task may wait for a busy worker holding its memory-cached input. */
  localityWaitMs: number;
}

/** Places the tasks of active task sets on free executors (one task per executor) and counts failures. */
export class TaskScheduler {
  readonly #backend: ExecutorBackend;
  readonly #bus: EventBus;
  readonly #config: TaskSchedulerConfig;
  readonly #now: () => number;
  readonly #blocks: BlockLocations;
  #listener!: TaskSchedulerListener;
  readonly #sets: TaskSetManager[] = [];
  readonly #busy = new Map<ExecutorId, number>();
  #nextTaskId = 0;
  #epoch = 0;
  #random: () => number;
  /** Re-offers free executors when waiting tasks' locality wait expires (nothing else would). */
  #localityTimer: { at: number; handle: ReturnType<typeof setTimeout> } | null = null;

  constructor(backend: ExecutorBackend, bus: EventBus, config: TaskSchedulerConfig, now: () => number, blocks: BlockLocations) {
    this.#backend = backend;
    this.#bus = bus;
    this.#config = config;
    this.#now = now;
    this.#blocks = blocks;
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
    const tsm = new TaskSetManager(taskSet, this.#now());
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
    const now = this.#now();
    const holders = (blockId: string) => this.#blocks.locations(blockId).filter((e) => live.has(e));
    // First every free executor takes a task whose cached input it holds; then the rest are placed,
    // leaving a task to the workers holding its cached input while the locality wait lasts.
    for (const localOnly of [true, false]) {
      for (const executorId of live) {
        if (this.#busy.has(executorId)) continue;
        const free = new Set([...live].filter((e) => !this.#busy.has(e)));
        const offer: Offer = { executorId, free, now, localityWaitMs: this.#config.localityWaitMs, holders };
        for (const tsm of this.#sets) {
          const pick = tsm.next(offer, localOnly);
          if (pick === null) continue;
          this.#launch(tsm, pick.index, executorId, false, pick.locality, holders);
          break;
        }
      }
    }
    this.#armLocalityTimer(live, now, holders);
    if (this.#config.speculation) this.#speculate(live, holders);
  }

  /**
   * While a free executor idles because tasks wait for busy holders of their cached input, wakes the
   * scheduler when the wait expires. A holder that dies or a block that is removed reschedules at once
   * (the task then has no live copy to wait for), so a wait never outlasts its deadline.
   */
  #armLocalityTimer(live: ReadonlySet<ExecutorId>, now: number, holders: (blockId: string) => ExecutorId[]): void {
    const idle = [...live].some((e) => !this.#busy.has(e));
    let at: number | null = null;
    if (idle) {
      for (const tsm of this.#sets) {
        const deadline = tsm.localityDeadline({ holders, localityWaitMs: this.#config.localityWaitMs });
        if (deadline !== null && (at === null || deadline < at)) at = deadline;
      }
    }
    if (this.#localityTimer && this.#localityTimer.at === at) return;
    if (this.#localityTimer) clearTimeout(this.#localityTimer.handle);
    this.#localityTimer = null;
    if (at === null) return;
    const handle = setTimeout(() => {
      this.#localityTimer = null;
      this.schedule();
    }, Math.max(0, at - now));
    this.#localityTimer = { at, handle };
  }

  #launch(tsm: TaskSetManager, index: number, executorId: ExecutorId, speculative: boolean, locality: TaskLocality, holders: (blockId: string) => ExecutorId[]): void {
    const set = tsm.taskSet;
    const spec = set.tasks[index]!;
    const holding = spec.cached ? holders(spec.cached.blockId) : [];
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
    const running: RunningTask = { taskId, index, attempt, executorId, epoch: this.#epoch, startedAt: this.#now(), speculative, locality, holders: holding };
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
    void this.#backend.launch(executorId, task).then((result) => {
      this.#finish(tsm, running, result);
      this.#listener.taskEnded();
    });
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
        const cache = this.#cacheUse(set.tasks[task.index]!, task, result);
        const explanation = cache?.read === 'recomputed' ? `Task ${partition} of stage ${tsm.stageName} ${describeCacheUse(cache, task.executorId)}` : null;
        this.#bus.emit({ ...base, type: 'task.ended', outcome: 'success', reason: null, metrics: result.metrics, explanation, ...(cache ? { cache } : {}) });
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

  /**
   * How a successful task got its cached input. One that stored no block of it read a copy. One that
   * stored it computed it: again ('recomputed') if a copy had existed, held by workers that stayed busy
   * past the locality wait, or since lost or cleared; otherwise for the first time.
   */
  #cacheUse(spec: TaskSpec, task: RunningTask, result: Success): CacheUse | null {
    const cached = spec.cached;
    if (!cached) return null;
    const where = { rddId: cached.rddId, partition: cached.partition, level: cached.level };
    if (!result.blocks.some((b) => b.id === cached.blockId)) return { ...where, read: 'cached' };
    const busyHolders = task.locality === 'any' && cached.level === 'memory' ? task.holders : [];
    if (busyHolders.length > 0 || this.#blocks.wasRemoved(cached.blockId) || task.holders.length > 0) {
      return { ...where, read: 'recomputed', busyHolders };
    }
    return { ...where, read: 'computed' };
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
  #speculate(live: Set<ExecutorId>, holders: (blockId: string) => ExecutorId[]): void {
    const now = this.#now();
    for (const tsm of this.#sets) {
      if (tsm.zombie) continue;
      const total = tsm.taskSet.tasks.length;
      if (tsm.succeeded.size < Math.max(1, Math.floor(this.#config.speculationQuantile * total))) continue;
      const sorted = [...tsm.durations].sort((a, b) => a - b);
      const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
      const threshold = Math.max(this.#config.speculationMultiplier * median, 100);
      for (const running of [...tsm.running.values()]) {
        // A finished index needs no copy (Spark's checkSpeculatableTasks skips successful ones).
        if (running.speculative || tsm.succeeded.has(running.index) || now - running.startedAt <= threshold) continue;
        const copies = [...tsm.running.values()].filter((r) => r.index === running.index).length;
        if (copies > 1) continue;
        const free = [...live].find((e) => !this.#busy.has(e) && e !== running.executorId);
        if (free === undefined) return;
        this.#bus.emit({ type: 'log', level: 'info', message: `Task ${tsm.taskSet.tasks[running.index]!.partition} of stage ${tsm.stageName} has run ${Math.round(now - running.startedAt)} ms, over ${this.#config.speculationMultiplier}× the median ${Math.round(median)} ms: launching a speculative copy on worker ${free}.` });
        const cached = tsm.taskSet.tasks[running.index]!.cached;
        const holding = cached ? holders(cached.blockId) : [];
        this.#launch(tsm, running.index, free, true, holding.length === 0 ? 'noPref' : holding.includes(free) ? 'local' : 'any', holders);
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
