import type { CacheUse, ExecutorId, TaskDescription, TaskFailureReason, TaskMetrics, TaskResult } from '../protocol';
import type { ExecutorBackend } from './backend';
import type { EventBus } from './eventBus';
import {
  DISCARDED_SUCCESS,
  describeSpeculativeLaunch,
  explainDiscardedSuccess,
  explainTaskFailure,
  explainTaskSuccess,
  killedByOtherCopy,
  type TaskAttemptRef,
} from './describe';
import { seededRandom } from './random';
import type { TaskHandles } from './handles';
import {
  TaskSetManager,
  type Offer,
  type RunningTask,
  type TaskLocality,
  type TaskSet,
  type TaskSpec,
} from './taskSetManager';

type Success = Extract<TaskResult, { status: 'success' }>;

export interface TaskSchedulerListener {
  taskSucceeded(tsm: TaskSetManager, task: RunningTask, result: Success): void;
  taskFetchFailed(
    tsm: TaskSetManager,
    task: RunningTask,
    reason: Extract<TaskFailureReason, { kind: 'fetchFailed' }>,
  ): void;
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

/**
 * Places the tasks of active task sets on free executors (one task per executor), routes each result to
 * its task set, acts on the task set's decision and reports it (Spark's TaskSchedulerImpl). What a
 * success or failure means is decided by the task set (`TaskSetManager`), not here.
 */
export class TaskScheduler {
  readonly #backend: ExecutorBackend;
  readonly #bus: EventBus;
  readonly #config: TaskSchedulerConfig;
  readonly #now: () => number;
  readonly #blocks: BlockLocations;
  readonly #handles: TaskHandles | null;
  #listener!: TaskSchedulerListener;
  readonly #sets: TaskSetManager[] = [];
  readonly #busy = new Map<ExecutorId, number>();
  #nextTaskId = 0;
  #epoch = 0;
  #random: () => number;
  /** Re-offers free executors when waiting tasks' locality wait expires (nothing else would). */
  #localityTimer: { at: number; handle: ReturnType<typeof setTimeout> } | null = null;

  constructor(
    backend: ExecutorBackend,
    bus: EventBus,
    config: TaskSchedulerConfig,
    now: () => number,
    blocks: BlockLocations,
    /** Broadcasts to ship with tasks and accumulators to update (none in scheduler-only tests). */
    handles: TaskHandles | null = null,
  ) {
    this.#handles = handles;
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
    if (partial.seed !== undefined || partial.failureProbability !== undefined)
      this.#random = seededRandom(this.#config.seed);
  }

  setEpoch(epoch: number): void {
    this.#epoch = epoch;
  }

  submit(taskSet: TaskSet): TaskSetManager {
    // A stage has at most one active attempt (Spark 3's submitTasks): any older one is a zombie now.
    for (const other of this.taskSetsOf(taskSet.stageId)) if (!other.zombie) this.markZombie(other);
    const tsm = new TaskSetManager(taskSet, { now: this.#now(), maxTaskFailures: this.#config.maxTaskFailures });
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
    tsm.markZombie();
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
    tsm.resubmit(index);
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
    const handle = setTimeout(
      () => {
        this.#localityTimer = null;
        this.schedule();
      },
      Math.max(0, at - now),
    );
    this.#localityTimer = { at, handle };
  }

  #launch(
    tsm: TaskSetManager,
    index: number,
    executorId: ExecutorId,
    speculative: boolean,
    locality: TaskLocality,
    holders: (blockId: string) => ExecutorId[],
  ): void {
    const set = tsm.taskSet;
    const spec = set.tasks[index]!;
    const holding = spec.cached ? holders(spec.cached.blockId) : [];
    const running = tsm.start(index, {
      taskId: this.#nextTaskId++,
      executorId,
      epoch: this.#epoch,
      now: this.#now(),
      speculative,
      locality,
      holders: holding,
    });
    const { taskId, attempt } = running;
    const task: TaskDescription = {
      taskId,
      jobId: set.jobId,
      stageId: set.stageId,
      stageAttempt: set.stageAttempt,
      partition: spec.partition,
      attempt,
      epoch: this.#epoch,
      functions: set.functions,
      broadcasts: this.#handles?.broadcastsFor(executorId, set.functions) ?? [],
      plan: spec.plan,
      sink: set.sink,
      chaos: {
        delayMs: this.#config.taskDelayMs,
        injectFailure: this.#config.failureProbability > 0 && this.#random() < this.#config.failureProbability,
      },
    };
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

  /** Routes a result to its task set and acts on what the task set decides. */
  #finish(tsm: TaskSetManager, task: RunningTask, result: TaskResult): void {
    if (this.#busy.get(task.executorId) === task.taskId) this.#busy.delete(task.executorId);
    if (result.status === 'success') this.#succeeded(tsm, task, result);
    else this.#failed(tsm, task, result.reason, result.metrics);
    this.#removeIfDone(tsm);
    this.schedule();
  }

  #succeeded(tsm: TaskSetManager, task: RunningTask, result: Success): void {
    const decision = tsm.handleSuccess(task, result.metrics.durationMs);
    const set = tsm.taskSet;
    const ref = this.#ref(tsm, task);
    const base = this.#ended(tsm, task);
    if (decision.kind === 'discard') {
      this.#bus.emit({
        ...base,
        type: 'task.ended',
        outcome: 'killed',
        reason: { kind: 'killed', message: DISCARDED_SUCCESS },
        metrics: result.metrics,
        explanation: explainDiscardedSuccess(ref),
      });
      return;
    }
    // Only the copy the task set accepts as the partition's first success updates accumulators, so a
    // retried or speculated task counts once (Spark's exactly-once for updates inside actions).
    if (result.accumulatorUpdates) this.#handles?.accumulate(result.accumulatorUpdates);
    const cache = this.#cacheUse(set.tasks[task.index]!, task, result);
    this.#bus.emit({
      ...base,
      type: 'task.ended',
      outcome: 'success',
      reason: null,
      metrics: result.metrics,
      explanation: explainTaskSuccess(ref, cache),
      ...(cache ? { cache } : {}),
    });
    // Before the DAG scheduler reacts (it may submit a new attempt): other attempts of this stage
    // must not launch the partition again (Spark's markPartitionCompletedInAllTaskSets).
    if (decision.completesOtherAttempts) {
      for (const other of this.taskSetsOf(set.stageId)) {
        if (other !== tsm && other.markPartitionCompleted(ref.partition)) this.#removeIfDone(other);
      }
    }
    // The first copy of a task to succeed wins: the others are killed and never count as failures.
    for (const other of tsm.runningCopies(task.index)) {
      this.#backend.killTask(other.executorId, other.taskId, killedByOtherCopy(task));
    }
    this.#listener.taskSucceeded(tsm, task, result);
  }

  #failed(tsm: TaskSetManager, task: RunningTask, reason: TaskFailureReason, metrics: TaskMetrics): void {
    const decision = tsm.handleFailure(task, reason);
    const explanation = explainTaskFailure(this.#ref(tsm, task), reason, decision);
    this.#bus.emit({
      ...this.#ended(tsm, task),
      type: 'task.ended',
      outcome: reason.kind === 'killed' ? 'killed' : 'failed',
      reason,
      metrics,
      explanation,
    });
    if (decision.kind === 'fetchFailed') {
      this.#listener.taskFetchFailed(tsm, task, decision.reason);
    } else if (decision.kind === 'abort') {
      // The task set made itself a zombie; drop it here if nothing of it still runs.
      this.#removeIfDone(tsm);
      this.#listener.taskSetAborted(tsm, decision.message);
    }
  }

  #ref(tsm: TaskSetManager, task: RunningTask): TaskAttemptRef {
    return {
      partition: tsm.taskSet.tasks[task.index]!.partition,
      stage: tsm.stageName,
      attempt: task.attempt,
      executorId: task.executorId,
    };
  }

  /** The fields every task.ended event of this task carries. */
  #ended(tsm: TaskSetManager, task: RunningTask) {
    const set = tsm.taskSet;
    return {
      taskId: task.taskId,
      stageId: set.stageId,
      stageAttempt: set.stageAttempt,
      partition: set.tasks[task.index]!.partition,
      attempt: task.attempt,
      executorId: task.executorId,
    };
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

  #removeIfDone(tsm: TaskSetManager): void {
    if (!tsm.done) return;
    const i = this.#sets.indexOf(tsm);
    if (i >= 0) this.#sets.splice(i, 1);
  }

  /** Spark's speculation: a task running longer than multiplier × median gets a copy elsewhere. */
  #speculate(live: Set<ExecutorId>, holders: (blockId: string) => ExecutorId[]): void {
    const now = this.#now();
    const settings = { multiplier: this.#config.speculationMultiplier, quantile: this.#config.speculationQuantile };
    for (const tsm of this.#sets) {
      for (const { task, medianMs } of tsm.speculatable(now, settings)) {
        const free = [...live].find((e) => !this.#busy.has(e) && e !== task.executorId);
        if (free === undefined) return;
        this.#bus.emit({
          type: 'log',
          level: 'info',
          message: describeSpeculativeLaunch(
            this.#ref(tsm, task),
            now - task.startedAt,
            settings.multiplier,
            medianMs,
            free,
          ),
        });
        const cached = tsm.taskSet.tasks[task.index]!.cached;
        const holding = cached ? holders(cached.blockId) : [];
        this.#launch(
          tsm,
          task.index,
          free,
          true,
          holding.length === 0 ? 'noPref' : holding.includes(free) ? 'local' : 'any',
          holders,
        );
      }
    }
  }

  /** Abandons every task set of a job (cancel or abort). */
  cancelJob(jobId: number): void {
    for (const tsm of [...this.#sets]) if (tsm.taskSet.jobId === jobId) this.markZombie(tsm);
  }
}
