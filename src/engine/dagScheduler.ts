import type { AppId, ExecutorId, StageInfo, TaskFailureReason, TaskOutput, TaskResult, WorkerLoss } from '../protocol';
import { rddBlockId, shuffleBlockId } from '../protocol';
import type { BlockMaster } from './blockMaster';
import type { EventBus } from './eventBus';
import { EventLoop } from './eventLoop';
import type { MapOutputTracker } from './mapOutputTracker';
import type { ActionSpec, RDD, ShuffleDependency } from './rdd';
import type { ResultStage, ShuffleMapStage, Stage } from './stage';
import { StagePlanner } from './stagePlanner';
import { dependencies, stageShuffleDependencies, walkLineage } from './lineage';
import type { TaskScheduler, TaskSchedulerListener } from './taskScheduler';
import type { CachedInput, RunningTask, TaskSetManager } from './taskSetManager';
import { describeReason, listPartitions, plural } from './describe';
import { JobFailedError } from './errors';

type Success = Extract<TaskResult, { status: 'success' }>;
type FetchFailed = Extract<TaskFailureReason, { kind: 'fetchFailed' }>;

export interface DagSchedulerConfig {
  /** The context's application id: its cached partitions are looked up under it. */
  app: AppId;
  maxConsecutiveStageAttempts: number;
  resubmitDelayMs: number;
  /** Keep shuffle blocks when their executor dies (Spark's external shuffle service). */
  shuffleService: boolean;
}

/** Side effects on stored data that the scheduler asks for but does not perform itself. */
export interface SchedulerEffects {
  /** Deletes blocks from IndexedDB (they died with their executor). */
  deleteBlocks(ids: string[]): void;
  /** A map output was registered: journaled runs persist it so that a resume can reuse it. */
  mapOutputRegistered(shuffleId: number, map: number, sizes: number[]): void;
}

interface ActiveJob {
  readonly jobId: number;
  readonly finalStage: ResultStage;
  readonly action: ActionSpec;
  readonly partitions: number[];
  readonly outputs: (TaskOutput | undefined)[];
  /**
   * The checksum of each result partition's first success. Kept with the job, beside the outputs it
   * describes, and gone with it: Spark's MapOutputTracker tracks map outputs only, and a result is
   * accepted per job (Spark's ActiveJob.finished), so no tracker outlives the job for it.
   */
  readonly checksums: Map<number, number>;
  numFinished: number;
  readonly resolve: (outputs: TaskOutput[]) => void;
  readonly reject: (error: Error) => void;
}

/**
 * Splits jobs into stages at shuffle dependencies, submits each stage's missing partitions once its
 * parents' outputs exist, and recovers from fetch failures and executor loss as Spark's DAGScheduler does.
 * Every call that changes its state runs through one EventLoop, one handler at a time; where map outputs
 * live (and their checksums) is the MapOutputTracker's, which blocks exist the BlockMaster's.
 */
export class DagScheduler implements TaskSchedulerListener {
  readonly #tracker: MapOutputTracker;
  readonly #blocks: BlockMaster;
  readonly #tasks: TaskScheduler;
  readonly #bus: EventBus;
  readonly #config: DagSchedulerConfig;
  readonly #effects: SchedulerEffects;
  readonly #loop: EventLoop;

  /** Stages that an active job needs, by id. */
  readonly #stages = new Map<number, Stage>();
  /**
   * Each shuffle's map stage for as long as its dependency lives: a later job reuses it (and skips it
   * while its output is stored). Keyed weakly, so that a stage never keeps its dependency's lineage
   * from being collected once no job needs it (Spark's cleanupStateForJobAndIndependentStages).
   */
  readonly #shuffleStageOf = new WeakMap<ShuffleDependency, ShuffleMapStage>();
  /** Map stages no active job needs, held weakly: late results of their tasks still find them while they live. */
  readonly #idleMapStages = new Map<number, WeakRef<ShuffleMapStage>>();
  /** The map stage id of every shuffle still registered with the tracker. */
  readonly #stageIdOfShuffle = new Map<number, number>();
  readonly #jobs = new Map<number, ActiveJob>();
  readonly #stageJobs = new Map<Stage, Set<number>>();
  readonly #waiting = new Set<Stage>();
  readonly #running = new Set<Stage>();
  readonly #failed = new Set<Stage>();
  readonly #inputIds = new WeakMap<RDD<unknown>, string[]>();
  /** Epoch at which each executor was last declared lost: map outputs of tasks launched before are ignored. */
  readonly #executorFailureEpoch = new Map<ExecutorId, number>();
  /** Workers removed for good (killed, silent, replaced); ids are never reused. */
  readonly #removedExecutors = new Set<ExecutorId>();
  /** Why each removed executor was lost, for the blocks it still reports afterwards. */
  readonly #lossOf = new Map<ExecutorId, WorkerLoss>();
  /**
   * Epoch at which each executor's shuffle outputs were last unregistered. Kept apart from the failure
   * epoch (SPARK-32003): with the shuffle service a lost executor keeps its outputs until a fetch fails.
   */
  readonly #shuffleFileLostEpoch = new Map<ExecutorId, number>();
  /** Why a running map stage will miss partitions when it finishes, to explain its next attempt. */
  readonly #lostWhy = new Map<Stage, string>();
  #epoch = 0;
  #nextStageId = 0;
  #nextJobId = 0;
  #resubmitTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    tracker: MapOutputTracker,
    blocks: BlockMaster,
    tasks: TaskScheduler,
    bus: EventBus,
    config: DagSchedulerConfig,
    effects: SchedulerEffects,
  ) {
    this.#tracker = tracker;
    this.#blocks = blocks;
    this.#tasks = tasks;
    this.#bus = bus;
    this.#config = config;
    this.#effects = effects;
    // Events emitted while a handler runs (by this scheduler or the task scheduler) wait for its end.
    this.#loop = new EventLoop(bus);
    tasks.setListener(this);
  }

  configure(partial: Partial<DagSchedulerConfig>): void {
    Object.assign(this.#config, partial);
  }

  /**
   * Registers a map output that survived from an earlier session (a resumed run). Not queued: it is
   * called before the job that reads it is submitted, never from a listener, and touches only the tracker.
   */
  restoreMapOutput(dep: ShuffleDependency, map: number, sizes: number[]): void {
    this.#tracker.registerShuffle(dep.shuffleId, dep.parent.numPartitions);
    this.#tracker.registerOutput(dep.shuffleId, map, { executorId: null, sizes });
  }

  registerInputs(rdd: RDD<unknown>, inputIds: string[]): void {
    this.#inputIds.set(rdd, inputIds);
  }

  activeJobIds(): number[] {
    return [...this.#jobs.keys()];
  }

  // ---------------------------------------------------------------- stage graph

  #shuffleMapStage(dep: ShuffleDependency, jobId: number): ShuffleMapStage {
    const existing = this.#shuffleStageOf.get(dep);
    if (existing) {
      this.#activate(existing);
      return existing;
    }
    const parents = stageShuffleDependencies(dep.parent).map((d) => this.#shuffleMapStage(d, jobId));
    const stage: ShuffleMapStage = { kind: 'shuffleMap', dep, ...this.#newStage(dep.parent, parents, jobId) };
    this.#tracker.registerShuffle(dep.shuffleId, stage.numPartitions);
    this.#stages.set(stage.id, stage);
    this.#shuffleStageOf.set(dep, stage);
    this.#stageIdOfShuffle.set(dep.shuffleId, stage.id);
    return stage;
  }

  /** An idle map stage (and its parents) is needed by a job again. */
  #activate(stage: ShuffleMapStage): void {
    if (this.#stages.has(stage.id)) return;
    this.#stages.set(stage.id, stage);
    this.#idleMapStages.delete(stage.id);
    for (const p of stage.parents) if (p.kind === 'shuffleMap') this.#activate(p);
  }

  /** A stage by id: active, or an idle map stage not collected yet. */
  #stage(stageId: number): Stage | undefined {
    return this.#stages.get(stageId) ?? this.#idleMapStages.get(stageId)?.deref();
  }

  #shuffleStage(shuffleId: number): ShuffleMapStage | undefined {
    const stageId = this.#stageIdOfShuffle.get(shuffleId);
    const stage = stageId === undefined ? undefined : this.#stage(stageId);
    return stage?.kind === 'shuffleMap' ? stage : undefined;
  }

  /**
   * The cleaner found the shuffle's dependency collected: no RDD can read its outputs any more. Forgets
   * its map outputs, checksums and stage (its blocks are the context's business).
   */
  removeShuffle(shuffleId: number): void {
    this.#loop.post(() => {
      const stageId = this.#stageIdOfShuffle.get(shuffleId);
      if (stageId !== undefined) this.#idleMapStages.delete(stageId);
      this.#stageIdOfShuffle.delete(shuffleId);
      this.#tracker.unregisterShuffle(shuffleId);
    });
  }

  /**
   * Sizes of the per-job and per-shuffle structures, for tests that check that a finished job leaves
   * nothing behind (Spark's assertDataStructuresEmpty).
   */
  stateSizes(): Record<string, number> {
    return {
      activeStages: this.#stages.size,
      idleMapStages: this.#idleMapStages.size,
      shuffles: this.#stageIdOfShuffle.size,
      jobs: this.#jobs.size,
      stageJobs: this.#stageJobs.size,
      waiting: this.#waiting.size,
      running: this.#running.size,
      failed: this.#failed.size,
      lostWhy: this.#lostWhy.size,
      removedExecutors: this.#removedExecutors.size,
      executorEpochs: this.#executorFailureEpoch.size + this.#shuffleFileLostEpoch.size,
      taskSets: this.#tasks.activeTaskSets().length,
      resubmitPending: this.#resubmitTimer ? 1 : 0,
    };
  }

  /** The fields every stage starts with: not yet submitted, nothing pending, no failed attempt. */
  #newStage(rdd: RDD<unknown>, parents: ShuffleMapStage[], jobId: number) {
    return {
      id: this.#nextStageId++,
      rdd,
      numPartitions: rdd.numPartitions,
      parents,
      firstJobId: jobId,
      latestAttempt: -1,
      pending: new Set<number>(),
      failedAttempts: new Set<number>(),
      taskSet: null,
      resubmitReason: null,
      indeterminate: false,
    };
  }

  #allStages(stage: Stage, out = new Set<Stage>()): Set<Stage> {
    if (out.has(stage)) return out;
    out.add(stage);
    stage.parents.forEach((p) => this.#allStages(p, out));
    return out;
  }

  /** Whether every partition of a persisted RDD is cached, so its lineage need not be recomputed. */
  #fullyCached(rdd: RDD<unknown>): boolean {
    if (!rdd.storageLevel) return false;
    for (let p = 0; p < rdd.numPartitions; p++)
      if (!this.#blocks.has(rddBlockId(this.#config.app, rdd.id, p))) return false;
    return true;
  }

  /** Parent stages whose outputs are missing, looking through cached RDDs as Spark does. */
  #missingParents(stage: Stage): ShuffleMapStage[] {
    const missing = new Set<ShuffleMapStage>();
    const jobId = stage.firstJobId;
    walkLineage(
      stage.rdd,
      { atCheckpoint: 'stop', atShuffle: 'stop' },
      {
        enter: (r) => !this.#fullyCached(r),
        shuffle: (dep) => {
          const parent = this.#shuffleMapStage(dep, jobId);
          if (!this.#tracker.isAvailable(dep.shuffleId)) missing.add(parent);
        },
      },
    );
    return [...missing].sort((a, b) => a.id - b.id);
  }

  #operations(stage: Stage): string[] {
    const ops: string[] = [];
    // The chain of one-to-one operators above the stage's input: a union's parents are not listed.
    walkLineage(
      stage.rdd,
      { atCheckpoint: 'stop', atShuffle: 'stop' },
      {
        enter: (r) => {
          ops.unshift(r.checkpointed ? `${r.operation} (checkpoint)` : r.operation);
          return dependencies(r).every((d) => d.kind === 'oneToOne');
        },
      },
    );
    if (stage.kind === 'shuffleMap') ops.push(stage.dep.mapSideCombine ? 'combine + shuffle write' : 'shuffle write');
    return ops;
  }

  #info(stage: Stage): StageInfo {
    return {
      stageId: stage.id,
      kind: stage.kind,
      operations: this.#operations(stage),
      parentStageIds: stage.parents.map((p) => p.id),
      numPartitions:
        stage.kind === 'result' ? (this.#jobOf(stage)?.partitions.length ?? stage.numPartitions) : stage.numPartitions,
      shuffleId: stage.kind === 'shuffleMap' ? stage.dep.shuffleId : null,
    };
  }

  // ---------------------------------------------------------------- jobs

  /** Runs a job; resolves with one TaskOutput per requested partition, in partition order. */
  runJob(rdd: RDD<unknown>, action: ActionSpec, description: string, partitions?: number[]): Promise<TaskOutput[]> {
    return new Promise<TaskOutput[]>((resolve, reject) => {
      this.#loop.post(() => this.#submitJob(rdd, action, description, partitions, resolve, reject));
    });
  }

  #submitJob(
    rdd: RDD<unknown>,
    action: ActionSpec,
    description: string,
    partitions: number[] | undefined,
    resolve: (outputs: TaskOutput[]) => void,
    reject: (error: Error) => void,
  ): void {
    const jobId = this.#nextJobId++;
    const parts = partitions ?? [...Array(rdd.numPartitions).keys()];
    const parents = stageShuffleDependencies(rdd).map((d) => this.#shuffleMapStage(d, jobId));
    const finalStage: ResultStage = { kind: 'result', ...this.#newStage(rdd, parents, jobId) };
    this.#stages.set(finalStage.id, finalStage);
    const job: ActiveJob = {
      jobId,
      finalStage,
      action,
      partitions: parts,
      outputs: parts.map(() => undefined),
      checksums: new Map(),
      numFinished: 0,
      resolve,
      reject,
    };
    this.#jobs.set(jobId, job);
    const stages = [...this.#allStages(finalStage)].sort((a, b) => a.id - b.id);
    for (const s of stages) {
      const set = this.#stageJobs.get(s) ?? new Set();
      set.add(jobId);
      this.#stageJobs.set(s, set);
    }
    this.#bus.emit({
      type: 'job.submitted',
      jobId,
      description,
      stages: stages.map((s) => this.#info(s)),
      finalStageId: finalStage.id,
    });
    if (parts.length === 0) {
      this.#finishJob(job);
      return;
    }
    const before = new Map(stages.map((s) => [s, s.latestAttempt]));
    this.#submitStage(finalStage);
    for (const s of stages) {
      if (s.kind !== 'shuffleMap' || this.#running.has(s) || this.#waiting.has(s) || this.#failed.has(s)) continue;
      if (s.latestAttempt !== before.get(s)) continue; // it ran (an empty stage) in this job
      const explanation = this.#tracker.isAvailable(s.dep.shuffleId)
        ? `Stage ${s.id} skipped: its shuffle output from an earlier job is still stored.`
        : `Stage ${s.id} skipped: the partitions it would feed are cached or checkpointed.`;
      this.#bus.emit({ type: 'stage.skipped', jobId, stageId: s.id, explanation });
    }
  }

  #jobOf(stage: Stage): ActiveJob | undefined {
    let best: ActiveJob | undefined;
    for (const id of this.#stageJobs.get(stage) ?? []) {
      const job = this.#jobs.get(id);
      if (job && (!best || job.jobId < best.jobId)) best = job;
    }
    return best;
  }

  #submitStage(stage: Stage): void {
    const job = this.#jobOf(stage);
    if (!job) return;
    if (this.#waiting.has(stage) || this.#running.has(stage) || this.#failed.has(stage)) return;
    const missing = this.#missingParents(stage);
    if (missing.length === 0) {
      this.#submitMissingTasks(stage, job);
    } else {
      missing.forEach((p) => this.#submitStage(p));
      this.#waiting.add(stage);
    }
  }

  #submitMissingTasks(stage: Stage, job: ActiveJob): void {
    const partitions =
      stage.kind === 'shuffleMap'
        ? this.#tracker.missing(stage.dep.shuffleId)
        : job.partitions.filter((_, i) => job.outputs[i] === undefined);
    stage.latestAttempt++;
    stage.pending.clear();
    partitions.forEach((p) => stage.pending.add(p));
    const explanation = stage.resubmitReason;
    stage.resubmitReason = null;
    this.#bus.emit({
      type: 'stage.submitted',
      jobId: job.jobId,
      stageId: stage.id,
      attempt: stage.latestAttempt,
      partitions,
      explanation,
    });
    if (partitions.length === 0) {
      this.#markStageFinished(stage);
      this.#afterMapStageFinished(stage);
      return;
    }
    this.#running.add(stage);
    const planner = new StagePlanner(this.#tracker, this.#inputIds);
    const tasks = partitions.map((partition) => ({
      partition,
      plan: planner.plan(stage.rdd, partition),
      cached: this.#cachedInput(stage.rdd, partition),
    }));
    const sink = stage.kind === 'shuffleMap' ? planner.shuffleSink(stage.dep) : planner.resultSink(job.action);
    stage.taskSet = this.#tasks.submit({
      jobId: job.jobId,
      stageId: stage.id,
      stageAttempt: stage.latestAttempt,
      functions: planner.functions,
      sink,
      tasks,
    });
  }

  /**
   * The persisted partition a task of this stage reads first: walking its narrow lineage (as the task's
   * plan does), the topmost persisted RDD with a copy of the partition, or else the topmost persisted RDD.
   */
  #cachedInput(rdd: RDD<unknown>, partition: number): CachedInput | null {
    let first: CachedInput | null = null;
    let found: CachedInput | null = null;
    walkLineage(
      rdd,
      { atCheckpoint: 'stop', atShuffle: 'stop', partition },
      {
        enter: (r, _via, p) => {
          // A checkpointed RDD's partition is read from its checkpoint, not from a cache.
          if (found || r.checkpointed) return false;
          if (r.storageLevel) {
            const input: CachedInput = {
              blockId: rddBlockId(this.#config.app, r.id, p!),
              rddId: r.id,
              partition: p!,
              level: r.storageLevel,
            };
            if (this.#blocks.has(input.blockId)) {
              found = input;
              return false;
            }
            first ??= input;
          }
        },
      },
    );
    return found ?? first;
  }

  #markStageFinished(stage: Stage): void {
    this.#running.delete(stage);
    stage.failedAttempts.clear();
    this.#bus.emit({ type: 'stage.completed', stageId: stage.id, attempt: stage.latestAttempt });
  }

  #afterMapStageFinished(stage: Stage): void {
    if (stage.kind !== 'shuffleMap') return;
    const missing = this.#tracker.missing(stage.dep.shuffleId);
    const why = this.#lostWhy.get(stage) ?? 'their shuffle output was lost after they finished';
    this.#lostWhy.delete(stage);
    if (missing.length > 0) {
      // Outputs were lost while the stage ran, or came from a worker already declared lost.
      stage.resubmitReason ??= `Stage ${stage.id} resubmitted for partitions ${listPartitions(missing)}: ${why}.`;
      this.#submitStage(stage);
      return;
    }
    for (const child of [...this.#waiting].sort((a, b) => a.id - b.id)) {
      if (this.#missingParents(child).length === 0) {
        this.#waiting.delete(child);
        this.#submitStage(child);
      }
    }
  }

  // ---------------------------------------------------------------- task events

  taskSucceeded(tsm: TaskSetManager, task: RunningTask, result: Success): void {
    this.#loop.post(() => this.#handleTaskSucceeded(tsm, task, result));
  }

  #handleTaskSucceeded(tsm: TaskSetManager, task: RunningTask, result: Success): void {
    const stage = this.#stage(tsm.taskSet.stageId);
    if (!stage) return;
    const partition = tsm.taskSet.tasks[task.index]!.partition;
    const failedAt = this.#executorFailureEpoch.get(result.executorId);
    const lostSinceLaunch = failedAt !== undefined && failedAt > task.epoch;
    // The worker may have been removed after the task ended and before its result got here (a result
    // in flight, or a kill from a task.ended listener): the block master decides which of the blocks it
    // reported died with it, as it did for those the worker held when it was removed.
    const { added: kept, dead } = this.#blocks.addFromTask(
      result.blocks,
      result.executorId,
      this.#removedExecutors.has(result.executorId),
      this.#config.shuffleService,
    );
    if (dead.length > 0) {
      const ids = dead.map((b) => b.id);
      const stored = dead.filter((b) => !b.inMemory).map((b) => b.id);
      if (stored.length > 0) this.#effects.deleteBlocks(stored);
      this.#bus.emit({
        type: 'blocks.removed',
        blockIds: ids,
        owner: result.executorId,
        explanation: `${plural(ids.length, 'block')} written by worker ${result.executorId} after it was removed died with it.`,
        cause: {
          kind: 'diedWithWorker',
          executorId: result.executorId,
          loss: this.#lossOf.get(result.executorId) ?? { kind: 'crashed' },
        },
      });
    }
    if (kept.length > 0) this.#bus.emit({ type: 'blocks.added', blocks: kept });
    if (tsm.stale) {
      this.#bus.emit({
        type: 'log',
        level: 'info',
        message: `Ignored the result of task ${partition} of stage ${tsm.stageName}: it read data that was rolled back.`,
      });
      return;
    }
    if (stage.kind === 'result') {
      const job = this.#jobs.get(tsm.taskSet.jobId);
      if (!job || job.finalStage !== stage) return;
      const i = job.partitions.indexOf(partition);
      const first = job.checksums.get(partition);
      if (first === undefined) job.checksums.set(partition, result.checksum);
      else if (first !== result.checksum) {
        this.#bus.emit({
          type: 'log',
          level: 'warn',
          message: `Result partition ${partition} of stage ${stage.id} (${stage.rdd.label}) differed when computed again (checksum changed); the first result is kept.`,
        });
      }
      if (i < 0 || job.outputs[i] !== undefined) return; // counted once, however many copies succeed
      job.outputs[i] = result.output;
      job.numFinished++;
      stage.pending.delete(partition);
      if (job.numFinished === job.partitions.length) {
        this.#markStageFinished(stage);
        this.#finishJob(job);
      }
      return;
    }
    if (result.output.kind !== 'mapOutput') return;
    if (stage.indeterminate && tsm.taskSet.stageAttempt !== stage.latestAttempt) {
      this.#bus.emit({
        type: 'log',
        level: 'info',
        message: `Ignored task ${partition} of stage ${tsm.stageName}: the stage's output is non-deterministic, so only its latest attempt counts.`,
      });
      return;
    }
    stage.pending.delete(partition);
    if (lostSinceLaunch) {
      this.#bus.emit({
        type: 'log',
        level: 'warn',
        message: `Ignored a map output of stage ${tsm.stageName} from worker ${result.executorId}: it was launched before that worker was declared lost.`,
      });
      this.#lostWhy.set(
        stage,
        `their output came from worker ${result.executorId} after it was declared lost, so it was not trusted`,
      );
    } else {
      const status = { executorId: result.executorId, sizes: result.output.sizes };
      if (this.#tracker.addMapOutput(stage.dep.shuffleId, partition, status, result.checksum) === 'checksumChanged') {
        this.#rollBack(stage, partition);
        return;
      }
      this.#effects.mapOutputRegistered(stage.dep.shuffleId, partition, result.output.sizes);
    }
    if (this.#running.has(stage) && stage.pending.size === 0) {
      this.#markStageFinished(stage);
      this.#afterMapStageFinished(stage);
    }
  }

  taskFetchFailed(tsm: TaskSetManager, task: RunningTask, reason: FetchFailed): void {
    this.#loop.post(() => this.#handleFetchFailed(tsm, task, reason));
  }

  #handleFetchFailed(tsm: TaskSetManager, task: RunningTask, reason: FetchFailed): void {
    const failedStage = this.#stage(tsm.taskSet.stageId);
    const mapStage = this.#shuffleStage(reason.shuffleId);
    if (!failedStage || !mapStage) return;
    // Spark forgets a stage with its last job: a late failure of a finished or aborted job changes nothing.
    if (!this.#stageJobs.has(failedStage)) return;
    if (failedStage.latestAttempt !== tsm.taskSet.stageAttempt || tsm.stale) {
      this.#bus.emit({
        type: 'log',
        level: 'info',
        message: `Ignored a fetch failure from stage ${tsm.stageName}: a newer attempt (${failedStage.latestAttempt}) replaces it.`,
      });
      return;
    }
    const described = describeReason(reason);
    this.#tasks.markZombie(tsm);
    if (this.#running.has(failedStage)) {
      this.#running.delete(failedStage);
      failedStage.failedAttempts.add(tsm.taskSet.stageAttempt);
      this.#bus.emit({
        type: 'stage.failed',
        stageId: failedStage.id,
        attempt: tsm.taskSet.stageAttempt,
        reason: described,
      });
    }

    // Unregister the lost output, and every output of its executor once per epoch.
    if (reason.owner != null) {
      // Spark's removeExecutorAndUnregisterOutputs for a fetch failure: the owner is suspect since then.
      const failedAt = this.#executorFailureEpoch.get(reason.owner);
      if (failedAt === undefined || failedAt <= task.epoch) this.#markExecutorFailed(reason.owner);
      this.#removeExecutorOutputs(reason.owner, task.epoch, 'one of its shuffle blocks could not be read');
    }
    this.#tracker.unregisterOutput(reason.shuffleId, reason.mapPartition);
    this.#unregisterOutputsWithRemovedBlocks(mapStage);

    if (failedStage.failedAttempts.size >= this.#config.maxConsecutiveStageAttempts) {
      this.#abortStage(
        failedStage,
        `Stage ${failedStage.id} (${failedStage.rdd.label}) has failed the maximum allowable number of times: ${this.#config.maxConsecutiveStageAttempts}. Most recent failure reason: ${described}`,
      );
      return;
    }
    // The reader only knows a block was unreadable, not why (a clear, a dead worker): say no more.
    const where = reason.owner == null ? '' : ` on worker ${reason.owner}`;
    const lost = this.#tracker.missing(mapStage.dep.shuffleId);
    const why = `their shuffle output${where} could not be read`;
    // A running map stage picks lost partitions up when it finishes (see #afterMapStageFinished).
    if (this.#running.has(mapStage)) this.#lostWhy.set(mapStage, why);
    else mapStage.resubmitReason = `Stage ${mapStage.id} resubmitted for partitions ${listPartitions(lost)}: ${why}.`;
    failedStage.resubmitReason = `Stage ${failedStage.id} resubmitted as attempt ${failedStage.latestAttempt + 1} after attempt ${tsm.taskSet.stageAttempt} could not read shuffle ${reason.shuffleId} (map ${reason.mapPartition}${where}).`;
    if (this.#failed.size === 0) {
      this.#resubmitTimer = setTimeout(
        () => this.#loop.post(() => this.#resubmitFailedStages()),
        this.#config.resubmitDelayMs,
      );
    }
    this.#failed.add(failedStage);
    this.#failed.add(mapStage);
  }

  /**
   * The block master knows which blocks were removed (cleared on purpose, or dead with a worker): outputs
   * that lost a block are lost too, so that one resubmission recomputes all of them instead of one
   * fetch failure (and one stage attempt) per worker.
   */
  #unregisterOutputsWithRemovedBlocks(stage: ShuffleMapStage): void {
    const { shuffleId, app } = stage.dep;
    for (let map = 0; map < stage.numPartitions; map++) {
      const status = this.#tracker.status(shuffleId, map);
      if (
        status?.sizes.some(
          (size, reduce) => size > 0 && this.#blocks.wasRemoved(shuffleBlockId(app, shuffleId, map, reduce)),
        )
      ) {
        this.#tracker.unregisterOutput(shuffleId, map);
      }
    }
  }

  /** Active stages that read, directly or through other stages, the output of `stage`. */
  #consumersOf(stage: Stage): Stage[] {
    const out: Stage[] = [];
    for (const s of this.#stageJobs.keys()) {
      if (s !== stage && this.#allStages(s).has(stage)) out.push(s);
    }
    return out.sort((a, b) => a.id - b.id);
  }

  /**
   * A recomputed map partition differs from its first computation (non-determinism): its consumers may
   * have read a mix of both versions. Every partition of the map stage and of every consumer stage is
   * recomputed; a result stage that already returned partitions cannot be, so its job aborts.
   */
  #rollBack(stage: ShuffleMapStage, partition: number): void {
    stage.indeterminate = true;
    const changed = `partition ${partition} checksum changed`;
    const consumers = this.#consumersOf(stage);
    for (const c of consumers) {
      if (c.kind !== 'result') continue;
      const job = this.#jobOf(c);
      if (!job || job.finalStage !== c || job.numFinished === 0) continue;
      const done = job.partitions.filter((_, i) => job.outputs[i] !== undefined);
      this.#abortStage(
        c,
        `${stage.rdd.label} in stage ${stage.id} produced different output when recomputed (${changed}), so its consumers cannot be rolled back: ` +
          `stage ${c.id} already returned ${plural(done.length, 'partition')} (${listPartitions(done)}). ` +
          `Make it deterministic, or checkpoint it before the shuffle with rdd.checkpoint().`,
      );
    }
    if (!this.#stageJobs.has(stage)) return; // every job that needed it was aborted
    const live = consumers.filter((c) => this.#stageJobs.has(c));
    const names =
      live.length === 0 ? '' : `${live.length === 1 ? 'stage' : 'stages'} ${live.map((c) => c.id).join(', ')}`;
    for (const s of [stage, ...live]) {
      for (const t of this.#tasks.taskSetsOf(s.id)) {
        t.markStale();
        this.#tasks.markZombie(t);
      }
      s.pending.clear();
      if (s.kind === 'shuffleMap') this.#tracker.unregisterAll(s.dep.shuffleId);
      if (s !== stage) {
        s.resubmitReason = `Stage ${s.id} resubmitted for all its partitions: it read output of stage ${stage.id} that was recomputed differently, so it starts over.`;
        if (this.#running.delete(s) || !this.#failed.has(s)) this.#waiting.add(s);
      }
    }
    this.#running.delete(stage);
    this.#waiting.delete(stage);
    this.#bus.emit({
      type: 'log',
      level: 'warn',
      message: `${stage.rdd.label} in stage ${stage.id} produced different output when recomputed (${changed}): it is non-deterministic, so stage ${stage.id}${names ? ` and ${names}` : ''} are recomputed in full.`,
    });
    stage.resubmitReason =
      `Stage ${stage.id} resubmitted for all ${plural(stage.numPartitions, 'partition')}: partition ${partition} of ${stage.rdd.label} produced different output when recomputed, ` +
      (names ? `so it and ${names}, which read it, start over.` : 'so all of it starts over.');
    if (!this.#failed.has(stage)) this.#submitStage(stage);
  }

  #resubmitFailedStages(): void {
    this.#resubmitTimer = null;
    const stages = [...this.#failed].sort((a, b) => a.firstJobId - b.firstJobId || a.id - b.id);
    this.#failed.clear();
    for (const stage of stages) this.#submitStage(stage);
  }

  taskEnded(): void {
    this.#loop.post(() => this.#forgetUnneededEpochs());
  }

  taskSetAborted(tsm: TaskSetManager, message: string): void {
    this.#loop.post(() => {
      const stage = this.#stage(tsm.taskSet.stageId);
      if (!stage) return;
      if (this.#running.has(stage)) {
        this.#running.delete(stage);
        this.#bus.emit({ type: 'stage.failed', stageId: stage.id, attempt: tsm.taskSet.stageAttempt, reason: message });
      }
      this.#abortStage(stage, message);
    });
  }

  // ---------------------------------------------------------------- executors

  /** A worker joined (at start, added by the user, or replacing a lost one): tasks may run on it. */
  executorAdded(executorId: ExecutorId, reason: string): void {
    this.#loop.post(() => {
      this.#bus.emit({ type: 'executor.added', executorId, reason });
      this.#tasks.schedule();
    });
  }

  /** An executor is gone: its outputs and blocks with it (its running tasks fail through the backend). */
  executorLost(executorId: ExecutorId, loss: WorkerLoss, reason: string): void {
    this.#loop.post(() => this.#handleExecutorLost(executorId, loss, reason));
  }

  #handleExecutorLost(executorId: ExecutorId, loss: WorkerLoss, reason: string): void {
    this.#bus.emit({ type: 'executor.removed', executorId, reason: `Worker ${executorId} lost: ${reason}.`, loss });
    this.#removedExecutors.add(executorId);
    this.#lossOf.set(executorId, loss);
    this.#markExecutorFailed(executorId);
    // With the shuffle service its outputs stay registered until a fetch of one actually fails.
    if (!this.#config.shuffleService) this.#removeExecutorOutputs(executorId, null, reason);
    // The block master decides what died with the worker (other workers' copies survive).
    const lostBlocks = this.#blocks.removeWorker(executorId, this.#config.shuffleService);
    if (lostBlocks.length > 0) {
      const ids = lostBlocks.map((b) => b.id);
      const stored = lostBlocks.filter((b) => !b.inMemory).map((b) => b.id);
      if (stored.length > 0) this.#effects.deleteBlocks(stored);
      const surviving = ids.filter((id) => this.#blocks.has(id)).length;
      this.#bus.emit({
        type: 'blocks.removed',
        blockIds: ids,
        owner: executorId,
        explanation: `${plural(ids.length, 'block')} of worker ${executorId} died with it (${reason})${
          this.#config.shuffleService ? '; its shuffle blocks are kept by the shuffle service' : ''
        }${surviving > 0 ? `; other workers still hold copies of ${surviving} of them` : ''}.`,
        cause: { kind: 'diedWithWorker', executorId, loss },
      });
    }
    // Tasks that waited for this worker's cached copies can run elsewhere now.
    this.#tasks.schedule();
  }

  /**
   * An executor's epochs serve only to judge results and fetch failures of tasks launched before them,
   * and a removed worker's id only results of tasks it ran (all launched before its removal bumped the
   * epoch). Once no running task was launched before an executor's latest epoch, none can arrive, and
   * they are forgotten: a live worker's too, which a fetch failure marked.
   */
  #forgetUnneededEpochs(): void {
    const running = this.#tasks.activeTaskSets().flatMap((tsm) => tsm.runningTasks());
    const oldestLaunch = Math.min(...running.map((t) => t.epoch));
    for (const executorId of new Set([
      ...this.#executorFailureEpoch.keys(),
      ...this.#shuffleFileLostEpoch.keys(),
      ...this.#removedExecutors,
    ])) {
      const latest = Math.max(
        this.#executorFailureEpoch.get(executorId) ?? 0,
        this.#shuffleFileLostEpoch.get(executorId) ?? 0,
      );
      if (oldestLaunch < latest) continue;
      this.#removedExecutors.delete(executorId);
      this.#lossOf.delete(executorId);
      this.#executorFailureEpoch.delete(executorId);
      this.#shuffleFileLostEpoch.delete(executorId);
    }
  }

  #bumpEpoch(): number {
    this.#epoch++;
    this.#tasks.setEpoch(this.#epoch);
    return this.#epoch;
  }

  /** From now on, map outputs of tasks launched earlier on this executor are ignored. */
  #markExecutorFailed(executorId: ExecutorId): void {
    this.#executorFailureEpoch.set(executorId, this.#bumpEpoch());
  }

  /**
   * Spark's removeExecutorAndUnregisterOutputs: once per epoch, forget every output of an executor.
   * `taskEpoch` is the launch epoch of the task whose fetch failed (null for an executor loss).
   */
  #removeExecutorOutputs(executorId: ExecutorId, taskEpoch: number | null, why: string): void {
    const lostAt = this.#shuffleFileLostEpoch.get(executorId);
    // Already handled since the failing task launched: a second fetch failure removes nothing more.
    if (taskEpoch !== null && lostAt !== undefined && lostAt > taskEpoch) return;
    this.#shuffleFileLostEpoch.set(executorId, this.#bumpEpoch());
    const lost = this.#tracker.removeOutputsOnExecutor(executorId);
    for (const [shuffleId, maps] of lost) {
      const stage = this.#shuffleStage(shuffleId);
      if (!stage) continue;
      this.#bus.emit({
        type: 'log',
        level: 'warn',
        message:
          taskEpoch === null
            ? `Shuffle output of stage ${stage.id} for ${plural(maps.length, 'partition')} (${listPartitions(maps)}) was lost with worker ${executorId}: ${why}.`
            : `Shuffle output of stage ${stage.id} for ${plural(maps.length, 'partition')} (${listPartitions(maps)}) on worker ${executorId} is no longer trusted: ${why}, so all of that worker's outputs are recomputed.`,
      });
      // A running map stage recomputes them within the current attempt, as Spark's Resubmitted does.
      const tsm = stage.taskSet;
      if (this.#running.has(stage) && tsm && tsm.taskSet.stageAttempt === stage.latestAttempt && !tsm.zombie) {
        for (const map of maps) {
          const index = tsm.taskSet.tasks.findIndex((t) => t.partition === map);
          if (index >= 0 && tsm.hasSucceeded(index)) {
            stage.pending.add(map);
            this.#tasks.resubmit(tsm, index);
          }
        }
      }
    }
    this.#tasks.schedule();
  }

  // ---------------------------------------------------------------- ending jobs

  #finishJob(job: ActiveJob): void {
    this.#jobs.delete(job.jobId);
    this.#cleanupStages(job);
    this.#bus.emit({ type: 'job.succeeded', jobId: job.jobId });
    job.resolve(job.outputs as TaskOutput[]);
  }

  #abortStage(stage: Stage, message: string): void {
    const reason = `Job aborted due to stage failure: ${message}`;
    for (const id of [...(this.#stageJobs.get(stage) ?? [])]) {
      const job = this.#jobs.get(id);
      if (job) this.#failJob(job.jobId, reason);
    }
  }

  /** Fails a job (the user cancelled it); its tasks are abandoned. */
  failJob(jobId: number, reason: string): void {
    this.#loop.post(() => this.#failJob(jobId, reason));
  }

  #failJob(jobId: number, reason: string): void {
    const job = this.#jobs.get(jobId);
    if (!job) return;
    this.#jobs.delete(jobId);
    this.#tasks.cancelJob(jobId);
    this.#cleanupStages(job);
    this.#bus.emit({ type: 'job.failed', jobId, reason });
    job.reject(new JobFailedError(jobId, reason));
  }

  #cleanupStages(job: ActiveJob): void {
    for (const [stage, jobs] of this.#stageJobs) {
      if (!jobs.delete(job.jobId) || jobs.size > 0) continue;
      this.#stageJobs.delete(stage);
      this.#waiting.delete(stage);
      this.#failed.delete(stage);
      // Spark forgets a stage with its last job: a later job's attempts count from zero (SPARK-17644).
      stage.failedAttempts.clear();
      stage.resubmitReason = null;
      this.#lostWhy.delete(stage);
      if (this.#running.delete(stage) && stage.taskSet) this.#tasks.markZombie(stage.taskSet);
      // No job needs the stage: only its dependency (held by the RDDs that read the shuffle) may keep it.
      this.#stages.delete(stage.id);
      if (stage.kind === 'shuffleMap') this.#idleMapStages.set(stage.id, new WeakRef(stage));
      // The stage's task set, and the plans in it, are not needed again.
      stage.taskSet = null;
    }
    this.#forgetUnneededEpochs();
    if (this.#failed.size === 0 && this.#resubmitTimer) {
      clearTimeout(this.#resubmitTimer);
      this.#resubmitTimer = null;
    }
  }
}
