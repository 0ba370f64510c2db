import type {
  AppId,
  BlockInfo,
  BlockRemovalCause,
  ExecutorId,
  StoredInputInfo,
  StoredRun,
  TaskOutput,
  WorkerLoss,
} from '../protocol';
import { datasetBlockId, parseBlockId, pickBlockIds, rddBlockId, shuffleBlockId } from '../protocol';
import { blockMismatch } from '../storage/verifyBlock';
import { decodeRecords } from '../common/codec';
import { groupSplits, planSplits } from '../common/lineSplits';
import type {
  BlockFilter,
  ChaosApi,
  ContextOptions,
  ExecutorSnapshot,
  ExecutorState,
  JobSettings,
  WordCountOptions,
} from './api';
import type { ExecutorBackend } from './backend';
import { BlockMaster } from './blockMaster';
import { DagScheduler } from './dagScheduler';
import type { EngineStore, StoreState } from './engineStore';
import { EventBus } from './eventBus';
import { InvalidArgumentError, EmberflowError } from './errors';
import type { JobRunner } from './jobRunner';
import { MapOutputTracker } from './mapOutputTracker';
import { RDD, checkPartitions, type ActionSpec } from './rdd';
import { TaskScheduler } from './taskScheduler';
import { describeSampleJob, plural } from './describe';
import { RunJournal } from './runJournal';
import { InputStats } from './inputStats';
import { assertSendable } from './assertSendable';
import { ContextCleaner, type CleanupTask } from './contextCleaner';
import { DEFAULTS } from './defaults';
import { dependencies, lineage, shuffleDependencies } from './lineage';
import { rangeBoundsFromSample, sampleSizePerMap, unsampledRangeShuffles } from './rangeBounds';
import { combineResults, outputRecords } from './combineResults';
import { HandleRegistry, type Accumulator, type Broadcast } from './handles';

export type TextInput = Blob | StoredInputInfo;

export interface ContextParts {
  backend: ExecutorBackend;
  /** Storage for one engine instance: its `app` is this context's application id. */
  store: EngineStore;
  now?: () => number;
}

/**
 * The engine's entry point: builds lineage (textFile, parallelize, wordCount), runs jobs through the
 * DAG and task schedulers on a pool of executors, and exposes events, settings and chaos controls.
 */
export class EmberContext implements JobRunner {
  readonly events: EventBus;
  readonly settings: JobSettings = { ...DEFAULTS.settings };
  /** This engine instance's application id: in every block id it writes, unique per context. */
  readonly app: AppId;
  readonly #backend: ExecutorBackend;
  readonly #store: EngineStore;
  readonly #blocks = new BlockMaster();
  readonly #tracker = new MapOutputTracker();
  readonly #tasks: TaskScheduler;
  readonly #dag: DagScheduler;
  readonly #executors = new Map<ExecutorId, ExecutorState>();
  /** Weak: a text RDD nobody holds must not be kept alive by its input ids. */
  readonly #textInputs = new WeakMap<RDD<unknown>, Promise<string[]>>();
  readonly #datasets = new Map<string, number>();
  readonly #cleaner: ContextCleaner;
  readonly #handles = new HandleRegistry();
  /**
   * Persisted RDDs whose cache lives only while an action on an RDD built on them runs (the word
   * count's reduced counts), with the number of such actions in flight.
   */
  readonly #actionScoped = new WeakSet<RDD<unknown>>();
  readonly #actionsUsing = new Map<RDD<unknown>, number>();
  #speculationTimer: ReturnType<typeof setInterval> | null = null;
  readonly #journal: RunJournal;
  #storeState: Promise<StoreState> | null = null;
  #nextRdd = 0;
  #nextShuffle = 0;
  #stopped = false;

  constructor(options: ContextOptions, parts: ContextParts) {
    const config = { ...DEFAULTS, ...options };
    const now = parts.now ?? (() => performance.now());
    this.#backend = parts.backend;
    this.#store = parts.store;
    this.app = parts.store.app;
    this.events = new EventBus(now, parts.store, { runsKept: config.eventRunsKept, app: this.app });
    this.#journal = new RunJournal({
      store: parts.store,
      ready: () => this.#ready(),
      wordCount: (options) => this.wordCount(options),
      shuffleDependencies: (rdd) => shuffleDependencies(rdd as RDD<unknown>),
      restoreMapOutput: (dep, map, sizes) => this.#dag.restoreMapOutput(dep, map, sizes),
      releaseCaches: async (rdd) => {
        for (const r of lineage(rdd as RDD<unknown>)) if (r.storageLevel) await r.unpersist();
      },
      log: (level, message) => this.events.emit({ type: 'log', level, message }),
    });
    this.#tasks = new TaskScheduler(
      this.#backend,
      this.events,
      {
        maxTaskFailures: config.maxTaskFailures,
        speculation: this.settings.speculation,
        speculationMultiplier: DEFAULTS.speculationMultiplier,
        speculationQuantile: DEFAULTS.speculationQuantile,
        taskDelayMs: this.settings.taskDelayMs,
        failureProbability: this.settings.failureProbability,
        seed: this.settings.seed,
        localityWaitMs: this.settings.localityWaitMs,
      },
      now,
      this.#blocks,
      this.#handles,
    );
    this.#dag = new DagScheduler(
      this.#tracker,
      this.#blocks,
      this.#tasks,
      this.events,
      {
        app: this.app,
        maxConsecutiveStageAttempts: config.maxConsecutiveStageAttempts,
        resubmitDelayMs: config.resubmitDelayMs,
        shuffleService: this.settings.shuffleService,
      },
      {
        deleteBlocks: (ids) =>
          void this.#store
            .deleteBlocks(ids)
            .catch((e) => this.#warn(`Could not delete ${plural(ids.length, 'block')}: ${String(e)}`)),
        mapOutputRegistered: (shuffleId, map, sizes) => this.#journal.mapOutputRegistered(shuffleId, map, sizes),
      },
    );
    this.#cleaner = new ContextCleaner(
      (task) => this.#clean(task),
      (task, e) =>
        this.#warn(
          `The cleaner could not release ${task.kind === 'shuffle' ? `shuffle ${task.shuffleId}` : `rdd ${task.rddId}`}: ${String(e)}. Its blocks stay until this engine stops.`,
        ),
    );
    // Per-file input notes (invalid UTF-8), reported as log events when a job ends.
    const inputStats = new InputStats((note) => this.events.emit({ type: 'log', ...note }));
    this.events.subscribe((event) => inputStats.observe(event));
    this.#backend.start(
      {
        executorAdded: (id, reason) => {
          this.#executors.set(id, { status: 'starting' });
          this.#dag.executorAdded(id, reason);
        },
        executorLost: (id, cause, reason) => {
          this.#executors.set(id, { status: 'lost', reason });
          const loss: WorkerLoss =
            cause === 'killed'
              ? { kind: 'killedByUser' }
              : cause === 'heartbeatTimeout'
                ? { kind: 'heartbeatTimeout', timeoutMs: options.heartbeatTimeoutMs ?? DEFAULTS.heartbeatTimeoutMs }
                : { kind: 'crashed' };
          this.#handles.executorLost(id);
          this.#dag.executorLost(id, loss, reason);
        },
        heartbeat: (hb) => {
          const running = this.#tasks.runningTaskOn(hb.executorId);
          const time = now();
          this.#executors.set(
            hb.executorId,
            running === null
              ? { status: 'idle', lastHeartbeat: time }
              : { status: 'busy', lastHeartbeat: time, taskId: running },
          );
          this.events.emit({ type: 'executor.heartbeat', executorId: hb.executorId, running: hb.running });
        },
      },
      this.app,
    );
  }

  #warn(message: string): void {
    this.events.emit({ type: 'log', level: 'warn', message });
  }

  // ------------------------------------------------------------------ JobRunner

  nextRddId(): number {
    return this.#nextRdd++;
  }
  peekRddId(): number {
    return this.#nextRdd;
  }
  nextShuffleId(): number {
    return this.#nextShuffle++;
  }

  // ------------------------------------------------------------------ settings

  configure(partial: Partial<JobSettings>): void {
    Object.assign(this.settings, partial);
    const s = this.settings;
    if (!(s.failureProbability >= 0 && s.failureProbability < 1))
      throw new InvalidArgumentError(
        `Failure probability must be at least 0 and below 1, got ${s.failureProbability}.`,
      );
    if (!(Number.isInteger(s.taskDelayMs) && s.taskDelayMs >= 0))
      throw new InvalidArgumentError(`Task delay must be a whole number of milliseconds >= 0, got ${s.taskDelayMs}.`);
    if (!(Number.isInteger(s.localityWaitMs) && s.localityWaitMs >= 0))
      throw new InvalidArgumentError(
        `Locality wait must be a whole number of milliseconds >= 0, got ${s.localityWaitMs}.`,
      );
    this.#tasks.configure({
      speculation: s.speculation,
      taskDelayMs: s.taskDelayMs,
      failureProbability: s.failureProbability,
      seed: s.seed,
      localityWaitMs: s.localityWaitMs,
    });
    this.#dag.configure({ shuffleService: s.shuffleService });
    if (s.speculation && !this.#speculationTimer)
      this.#speculationTimer = setInterval(() => this.#tasks.schedule(), DEFAULTS.speculationIntervalMs);
    if (!s.speculation && this.#speculationTimer) {
      clearInterval(this.#speculationTimer);
      this.#speculationTimer = null;
    }
  }

  // ------------------------------------------------------------------ inputs and sources

  readonly inputs = {
    add: (files: Blob[]): Promise<StoredInputInfo[]> => this.#store.putInputs(files),
    list: (): Promise<StoredInputInfo[]> => this.#store.listInputs(),
    remove: (id: string): Promise<void> => this.#store.deleteInput(id),
    /** Every stored input, in one transaction (one per file took minutes for 10,000 files). */
    removeAll: (): Promise<void> => this.#store.deleteAllInputs(),
  };

  /**
   * Lines of text files (Files/Blobs, stored durably first, or inputs already stored), split by byte
   * ranges aligned to lines so that every line belongs to exactly one partition.
   */
  textFile(files: readonly TextInput[], options: { minPartitions?: number } = {}): RDD<string> {
    if (files.length === 0)
      throw new InvalidArgumentError('textFile() needs at least one file: add a text file, or load the sample text.');
    const minPartitions = checkPartitions(options.minPartitions ?? Math.max(2, files.length), 'textFile');
    const refs = files.map((f, i) => ({
      name: f instanceof Blob ? ((f as File).name ?? `blob ${i}`) : f.name,
      size: f.size,
    }));
    const splits = planSplits(
      refs.map((r) => r.size),
      minPartitions,
    );
    if (splits.length === 0) splits.push({ file: 0, start: 0, end: 0 });
    const partitions = groupSplits(splits, minPartitions);
    const rdd = new RDD<string>(this, { kind: 'text', files: refs, partitions }, partitions.length, 'textFile');
    const blobs = files.filter((f): f is Blob => f instanceof Blob);
    const stored = blobs.length > 0 ? this.#store.putInputs(blobs) : Promise.resolve([]);
    const ids = stored.then((infos) => {
      let next = 0;
      return files.map((f) => (f instanceof Blob ? infos[next++]!.id : f.id));
    });
    ids.catch(() => undefined); // reported by the action that needs them
    this.#textInputs.set(rdd as RDD<unknown>, ids);
    return rdd;
  }

  parallelize<T>(values: readonly T[], numSlices = 2): RDD<T> {
    const n = checkPartitions(numSlices, 'parallelize');
    // The slices travel to workers inside the tasks: a value that cannot is reported now, before any job.
    assertSendable(values, `parallelize (rdd ${this.peekRddId()})`, 'data');
    const slices = [...Array(n).keys()].map((i) =>
      values.slice(Math.floor((i * values.length) / n), Math.floor(((i + 1) * values.length) / n)),
    );
    return new RDD<T>(this, { kind: 'parallel', slices: slices as unknown[][] }, n, 'parallelize');
  }

  /**
   * A read-only value shipped once to each worker that runs a task using it. Pass the handle in
   * `{ params }` and read `p.b.value` in the function (functions cannot capture it).
   */
  broadcast<T>(value: T): Broadcast<T> {
    return this.#handles.broadcast(value);
  }

  /**
   * A number (or bigint) that tasks add to with `p.acc.add(x)` (pass the handle in `{ params }`) and the
   * driver reads as `.value`. A task's updates count once, from the copy that first succeeds.
   */
  accumulator(initial: number): Accumulator<number>;
  accumulator(initial: bigint): Accumulator<bigint>;
  accumulator(initial: number | bigint): Accumulator<number | bigint> {
    return typeof initial === 'bigint' ? this.#handles.accumulator(initial) : this.#handles.accumulator(initial);
  }

  /** The page's job: tokenize → combine │ reduceByKey │ sortBy (count descending, then word). */
  wordCount(options: WordCountOptions): RDD<[string, number]> {
    if (options.inputs.length === 0)
      throw new InvalidArgumentError(
        'Add at least one text file, or load the sample text, before running a word count.',
      );
    const partitions = checkPartitions(options.shufflePartitions, 'Shuffle partitions');
    const counts = this.textFile(options.inputs, { minPartitions: options.inputSplits })
      .tokenize(options.tokenizer)
      .pairWithOne()
      .reduceByKey<string, number>('sum', { numPartitions: partitions })
      // Kept in the workers' memory: the sort's sampling job computes the counts once, its map stage reuses them.
      .persist('memory')
      .setName('counts');
    // The caller never sees `counts`, so cannot unpersist it: its cache lives only while an action on
    // the word count runs, and each later action caches it again (from the stored shuffle output).
    this.#actionScoped.add(counts as RDD<unknown>);
    return counts.sortBy(([word, count]) => [-count, word], true, { numPartitions: partitions });
  }

  // ------------------------------------------------------------------ jobs

  async runJob(rdd: RDD<unknown>, action: ActionSpec, partitions?: readonly number[]): Promise<unknown> {
    if (this.#stopped)
      throw new EmberflowError('E_STOPPED', 'This engine was stopped; create a new context to run jobs.');
    const scoped = lineage(rdd).filter((r) => this.#actionScoped.has(r));
    for (const r of scoped) this.#actionsUsing.set(r, (this.#actionsUsing.get(r) ?? 0) + 1);
    this.events.runStarted();
    try {
      await this.#ready();
      this.#registerForCleanup(rdd);
      await this.#resolveInputs(rdd);
      await this.#resolveZipOffsets(rdd);
      await this.#resolveRangeBounds(rdd);
      const subset =
        partitions && partitions.length < rdd.numPartitions
          ? ` (${describePartitions(partitions, rdd.numPartitions)})`
          : '';
      const description = `${action.kind} of ${rdd.label}${subset}`;
      const outputs = await this.#dag.runJob(rdd, action, description, partitions && [...partitions]);
      return await this.#combine(rdd, action, outputs);
    } finally {
      await this.#releaseActionScoped(scoped);
      this.events.runEnded();
    }
  }

  /** The shuffles and persisted RDDs a job may write blocks for are released once they are collected. */
  #registerForCleanup(rdd: RDD<unknown>): void {
    for (const r of lineage(rdd)) {
      if (r.storageLevel) this.#cleaner.registerRdd(r);
      for (const dep of dependencies(r)) if (dep.kind === 'shuffle') this.#cleaner.registerShuffle(dep);
    }
  }

  async #releaseActionScoped(scoped: RDD<unknown>[]): Promise<void> {
    for (const r of scoped) {
      const n = (this.#actionsUsing.get(r) ?? 1) - 1;
      if (n > 0) {
        this.#actionsUsing.set(r, n);
        continue;
      }
      this.#actionsUsing.delete(r);
      const ids = [...Array(r.numPartitions).keys()]
        .map((p) => rddBlockId(this.app, r.id, p))
        .filter((id) => this.#blocks.get(id));
      await this.#removeBlocks(
        ids,
        `${plural(ids.length, 'cached block')} of ${r.label} released: the word count's counts are cached only while an action on it runs.`,
        { kind: 'released' },
      ).catch((e: unknown) => this.#warn(`Could not drop the cached counts of ${r.label}: ${String(e)}.`));
    }
  }

  /** The cleaner found a shuffle dependency or a persisted RDD collected: nothing can read its blocks. */
  async #clean(task: CleanupTask): Promise<void> {
    if (task.kind === 'shuffle') {
      this.#dag.removeShuffle(task.shuffleId);
      const candidates: string[] = [];
      for (let map = 0; map < task.numMaps; map++)
        for (let reduce = 0; reduce < task.numReducers; reduce++)
          candidates.push(shuffleBlockId(task.app, task.shuffleId, map, reduce));
      const ids = [...new Set(this.#blocks.forget(candidates).map((b) => b.id))];
      if (ids.length === 0) return;
      await this.#store.deleteBlocks(ids);
      this.events.emit({
        type: 'blocks.removed',
        blockIds: ids,
        explanation: `${plural(ids.length, 'block')} of shuffle ${task.shuffleId} released by the cleaner: no live RDD can read them any more.`,
        cause: { kind: 'released' },
      });
    } else {
      const candidates = [...Array(task.numPartitions).keys()].map((p) => rddBlockId(this.app, task.rddId, p));
      const ids = [...new Set(this.#blocks.forget(candidates).map((b) => b.id))];
      if (ids.length === 0) return;
      await this.#store.deleteBlocks(ids);
      await this.#backend.dropMemoryBlocks(ids);
      this.events.emit({
        type: 'blocks.removed',
        blockIds: ids,
        explanation: `${plural(ids.length, 'cached block')} of rdd ${task.rddId} released by the cleaner: the RDD was garbage-collected, so nothing can read them any more.`,
        cause: { kind: 'released' },
      });
    }
  }

  /** The cleaner's progress, for tests: how many collected shuffles and RDDs it has released. */
  cleanerSettled(): Promise<number> {
    return this.#cleaner.settled().then(() => this.#cleaner.cleaned);
  }

  /**
   * Sizes of the scheduler's per-job and per-shuffle state, for tests (Spark's assertDataStructuresEmpty).
   * `cachedRdds` counts the RDDs the block master knows cached partitions of.
   */
  schedulerState(): Record<string, number> {
    const cachedRdds = new Set(
      this.#blocks.all().flatMap((b) => {
        const id = parseBlockId(b.id);
        return id?.kind === 'rdd' ? [`${id.app}/${id.rdd}`] : [];
      }),
    );
    return {
      ...this.#dag.stateSizes(),
      trackedShuffles: this.#tracker.size,
      removedBlockIds: this.#blocks.removedCount,
      cachedRdds: cachedRdds.size,
    };
  }

  /**
   * Waits for the store to open; the first time, moves the shuffle-id counter past the ids whose blocks
   * an earlier session's interrupted runs still hold.
   */
  #ready(): Promise<StoreState> {
    this.#storeState ??= this.#store.ready().then((state) => {
      const held = state.interruptedRuns.flatMap((r) => r.shuffleIds);
      this.#nextShuffle = Math.max(this.#nextShuffle, ...held.map((id) => id + 1));
      return state;
    });
    return this.#storeState;
  }

  async #resolveInputs(rdd: RDD<unknown>): Promise<void> {
    for (const r of lineage(rdd)) {
      const ids = this.#textInputs.get(r);
      if (!ids) continue;
      try {
        this.#dag.registerInputs(r, await ids);
      } catch (e) {
        throw new EmberflowError(
          'E_INPUT_STORE',
          `The input files of ${r.label} could not be stored in IndexedDB: ${String(e)}. Free some space and try again.`,
        );
      }
    }
  }

  /**
   * Counts the records of each partition (but the last) of every zipWithIndex's parent whose offsets
   * are not known yet, in a job of its own, as Spark's ZippedWithIndexRDD does when it is built.
   * Deepest first: a parent's own zipWithIndex and range bounds are resolved by that job.
   */
  async #resolveZipOffsets(rdd: RDD<unknown>): Promise<void> {
    for (const r of lineage(rdd).reverse()) {
      const s = r.source;
      if (s.kind !== 'narrow' || s.op.kind !== 'zipWithIndex' || s.op.offsets.status === 'known') continue;
      const parent = s.parent;
      const counted = [...Array(Math.max(0, parent.numPartitions - 1)).keys()];
      const counts =
        counted.length === 0 ? [] : ((await this.runJob(parent, { kind: 'partitionCounts' }, counted)) as number[]);
      const starts = [0];
      for (const c of counts) starts.push(starts[starts.length - 1]! + c);
      s.op.offsets = { status: 'known', starts };
    }
  }

  /** Runs a sample job for each sortByKey whose range bounds are not known yet (deepest first). */
  async #resolveRangeBounds(rdd: RDD<unknown>): Promise<void> {
    for (const dep of unsampledRangeShuffles(rdd)) {
      const partitioner = dep.partitioner;
      if (partitioner.kind !== 'range') continue;
      const perMap = sampleSizePerMap(dep.numReducers, dep.parent.numPartitions);
      const outputs = await this.#dag.runJob(
        dep.parent,
        { kind: 'sampleKeys', n: perMap, seed: dep.shuffleId, operator: dep.operator },
        describeSampleJob(dep.parent),
      );
      const bounds = rangeBoundsFromSample(outputRecords(outputs), dep.numReducers, partitioner.ascending);
      partitioner.bounds = { status: 'known', bounds };
      this.#journal.rangeBoundsSampled(dep.shuffleId, bounds);
    }
  }

  async #combine(rdd: RDD<unknown>, action: ActionSpec, outputs: TaskOutput[]): Promise<unknown> {
    const combined = combineResults(rdd, action, outputs);
    if (combined.kind === 'reducePartials')
      return this.runJob(this.parallelize(combined.partials, 1) as RDD<unknown>, action);
    if (action.kind === 'save') this.#datasets.set(action.datasetId, rdd.numPartitions);
    return combined.value;
  }

  // ------------------------------------------------------------------ journaled runs (resume after reload)

  /**
   * The page's word count, journaled: its definition and map outputs are stored as they complete, so
   * that after a reload `resumeRun` computes only what is missing.
   */
  runWordCount(options: WordCountOptions): Promise<[string, number][]> {
    return this.#journal.run(options);
  }

  /** Runs of an earlier session that a reload interrupted, oldest first. */
  interruptedRuns(): Promise<StoredRun[]> {
    return this.#journal.interrupted();
  }

  /** Resumes an interrupted run, reusing the map outputs whose blocks survived. */
  resumeRun(runId: string): Promise<[string, number][]> {
    return this.#journal.resume(runId);
  }

  /** Forgets an interrupted run and deletes its shuffle blocks. */
  discardRun(runId: string): Promise<void> {
    return this.#journal.discard(runId);
  }

  /** Reads a dataset written by saveAsDataset(), in partition order. */
  async readDataset(datasetId: string): Promise<unknown[]> {
    const n = this.#datasets.get(datasetId);
    if (n === undefined) throw new InvalidArgumentError(`No dataset named '${datasetId}' was saved by this engine.`);
    const ids = [...Array(n).keys()].map((p) => datasetBlockId(this.app, datasetId, p));
    const blocks = await this.#store.getBlocks(ids);
    return blocks.flatMap((b, p) => {
      const problem = b ? blockMismatch(b, this.app) : 'is missing';
      if (problem)
        throw new EmberflowError(
          'E_DATASET_LOST',
          `Partition ${p} of dataset '${datasetId}' (block ${ids[p]}) ${problem}; save the dataset again.`,
        );
      return decodeRecords(new Uint8Array(b!.payload));
    });
  }

  async dropCachedRdd(rddId: number): Promise<void> {
    const ids = [...new Set(this.#blocks.select({ rdd: rddId }, this.app).map((b) => b.id))];
    await this.#removeBlocks(ids, `${plural(ids.length, 'cached block')} of rdd ${rddId} released (unpersisted).`, {
      kind: 'released',
    });
  }

  /** Removes every copy of the blocks, or with `owner` only the copies that worker holds. */
  async #removeBlocks(ids: string[], explanation: string, cause: BlockRemovalCause, owner?: ExecutorId): Promise<void> {
    if (ids.length === 0) return;
    this.#blocks.remove(ids, owner);
    await this.#store.deleteBlocks(ids);
    await this.#backend.dropMemoryBlocks(ids, owner);
    this.events.emit({
      type: 'blocks.removed',
      blockIds: ids,
      explanation,
      cause,
      ...(owner === undefined ? {} : { owner }),
    });
    // Tasks that waited for a worker holding one of them can run elsewhere now.
    this.#tasks.schedule();
  }

  /** Fails every running job with "Cancelled by the user". */
  cancelJob(): void {
    for (const jobId of this.#dag.activeJobIds()) this.#dag.failJob(jobId, 'Cancelled by the user');
  }

  // ------------------------------------------------------------------ executors, blocks, chaos

  executors(): ExecutorSnapshot[] {
    return this.#backend
      .liveExecutors()
      .map((executorId) => ({ executorId, state: this.#executors.get(executorId) ?? { status: 'starting' } }));
  }

  addExecutor(): ExecutorId {
    return this.#backend.addExecutor('added by the user');
  }

  blocks(): BlockInfo[] {
    return this.#blocks.all();
  }

  readonly chaos: ChaosApi = {
    killExecutor: (executorId) => {
      const live = this.#backend.liveExecutors();
      const id = executorId ?? live[Math.floor(Math.random() * live.length)];
      if (id === undefined || !live.includes(id)) return null;
      this.#backend.kill(id, 'killed', 'killed by the user');
      return id;
    },
    silenceExecutor: (executorId) => this.#backend.silence(executorId, 'close'),
    hangExecutor: (executorId) => this.#backend.silence(executorId, 'hang'),
    clearBlocks: async (filter) => {
      const ids = [...new Set(this.#blocks.select(filter, this.app).map((b) => b.id))];
      const owner = 'executor' in filter ? filter.executor : undefined;
      await this.#removeBlocks(
        ids,
        `${plural(ids.length, 'block')} cleared by the user (${describeFilter(filter)}); whoever needs them next recomputes them from lineage.`,
        { kind: 'clearedByUser', what: describeFilter(filter) },
        owner,
      );
      return ids;
    },
  };

  /**
   * The retention rule, applied before a new run: no new run reads an earlier run's shuffle or cached
   * blocks (each run plans its own shuffles), so they go, with the blocks of engines that are no longer
   * live (see deleteAbandonedBlocks). Returns the ids deleted.
   */
  async releaseFinishedRuns(): Promise<string[]> {
    const own = [
      ...new Set(
        [
          ...this.#blocks.select({ kind: 'shuffle' }, this.app),
          ...this.#blocks.select({ kind: 'cache' }, this.app),
        ].map((b) => b.id),
      ),
    ];
    await this.#removeBlocks(
      own,
      `${plural(own.length, 'block')} of finished runs released before this run (retention rule).`,
      { kind: 'retention' },
    );
    const abandoned = await this.deleteAbandonedBlocks();
    if (abandoned.length > 0)
      this.events.emit({
        type: 'log',
        level: 'info',
        message: `${plural(abandoned.length, 'block')} left by closed tabs deleted before this run (retention rule).`,
      });
    return [...own, ...abandoned];
  }

  /**
   * Deletes the blocks of engines that are no longer live (tabs closed or reloaded, contexts stopped
   * without cleaning up), except the shuffle blocks interrupted runs need to resume; returns their ids.
   * Blocks of engines live in other tabs are never touched. Runs once at start as well.
   */
  async deleteAbandonedBlocks(): Promise<string[]> {
    await this.#ready();
    return this.#store.deleteAbandonedBlocks();
  }

  /**
   * Cancels running jobs, terminates the workers and deletes this engine's blocks (they die with it, as
   * an executor's local disk does). Blocks of other engines on the database (other tabs, a run this
   * engine resumed from another app) are not touched. Stored inputs stay.
   */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#cleaner.stop();
    this.cancelJob();
    if (this.#speculationTimer) clearInterval(this.#speculationTimer);
    await this.#backend.stop();
    try {
      const ids = pickBlockIds(await this.#store.listBlockIds(), { apps: new Set([this.app]) }, 'in');
      await this.#store.deleteBlocks(ids);
    } catch (e) {
      this.#warn(`Could not delete this session's blocks: ${String(e)}`);
    }
    await this.events.settled();
    this.#store.close();
  }
}

/** "partition 0 of 50", "partitions 1-4 of 50" (take scans a run of consecutive partitions), or a count. */
function describePartitions(partitions: readonly number[], total: number): string {
  const first = partitions[0]!;
  const last = partitions[partitions.length - 1]!;
  if (partitions.length === 1) return `partition ${first} of ${total}`;
  if (last - first + 1 === partitions.length) return `partitions ${first}-${last} of ${total}`;
  return `${partitions.length} of ${total} partitions`;
}

function describeFilter(filter: BlockFilter): string {
  if ('executor' in filter) return `blocks of worker ${filter.executor}`;
  if ('shuffle' in filter) return `shuffle ${filter.shuffle}`;
  if ('rdd' in filter) return `cached rdd ${filter.rdd}`;
  if ('kind' in filter) return filter.kind === 'shuffle' ? 'all shuffle blocks' : 'all cached blocks';
  return `a random ${Math.round(filter.fraction * 100)}% with seed ${filter.seed}`;
}
