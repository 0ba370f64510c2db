import { pickBlockIds, shuffleBlockId, type StoredRun } from '../protocol';
import type { WordCountOptions } from './api';
import type { EngineStore, StoreState } from './engineStore';
import { InvalidArgumentError } from './errors';
import type { RDD, ShuffleDependency } from './rdd';
import { plural } from './describe';

/** What the journal needs from its context. */
export interface JournalHost {
  readonly store: EngineStore;
  ready(): Promise<StoreState>;
  wordCount(options: WordCountOptions): RDD<[string, number]>;
  shuffleDependencies(rdd: RDD<[string, number]>): ShuffleDependency[];
  restoreMapOutput(dep: ShuffleDependency, map: number, sizes: number[]): void;
  /** Drops the cached partitions of every persisted RDD in the lineage. */
  releaseCaches(rdd: RDD<[string, number]>): Promise<void>;
  log(level: 'info' | 'warn', message: string): void;
}

/**
 * Journals the page's word counts in IndexedDB — the definition when a run starts, each map output as
 * it is registered, the sort's range bounds once sampled — so that a run a reload interrupted can
 * resume, computing only the partitions whose outputs did not survive.
 */
export class RunJournal {
  readonly #host: JournalHost;
  /** Runs in progress in this session, by the ids of their shuffles. */
  readonly #byShuffle = new Map<number, StoredRun>();
  /**
   * The latest run's word count, held until the next run starts: its blocks stay inspectable (the
   * page's Storage panel, a worker to kill) instead of going whenever the cleaner sees it collected.
   */
  // eslint-disable-next-line no-unused-private-class-members -- held for its reachability, never read
  #latest: RDD<[string, number]> | null = null;

  constructor(host: JournalHost) {
    this.#host = host;
  }

  /** Runs a word count under the journal. */
  run(options: WordCountOptions): Promise<[string, number][]> {
    const { inputs, tokenizer, inputSplits, shufflePartitions } = options;
    return this.#journaled(this.#host.wordCount(options), {
      runId: crypto.randomUUID(),
      app: this.#host.store.app,
      blockApp: this.#host.store.app,
      status: 'running',
      startedAt: Date.now(),
      options: { inputs, tokenizer, inputSplits, shufflePartitions },
      shuffleIds: [],
      rangeBounds: null,
    });
  }

  /**
   * Runs that engines no longer live left running (a reload, a closed tab), oldest first, as found
   * when this engine started. Runs live in other tabs are not among them.
   */
  async interrupted(): Promise<StoredRun[]> {
    const { interruptedRuns } = await this.#host.ready();
    return interruptedRuns.filter((r) => r.status === 'running').sort((a, b) => a.startedAt - b.startedAt);
  }

  /** Resumes an interrupted run: map outputs whose blocks survived are registered again. */
  async resume(runId: string): Promise<[string, number][]> {
    const run = await this.#take(runId);
    const rdd = this.#host.wordCount(run.options);
    const deps = this.#host.shuffleDependencies(rdd);
    if (deps.length !== run.shuffleIds.length) {
      this.#host.log('warn', `The interrupted run's journal does not match its lineage; it starts over.`);
    } else {
      // Its shuffles keep the app and ids their surviving blocks were written under.
      deps.forEach((dep, i) => dep.pinShuffleId(run.shuffleIds[i]!, run.blockApp));
      const range = deps.find((d) => d.partitioner.kind === 'range');
      if (range?.partitioner.kind === 'range' && run.rangeBounds)
        range.partitioner.bounds = { status: 'known', bounds: run.rangeBounds };
      const stored = new Set(await this.#host.store.listBlockIds());
      const outputs = await this.#host.store.mapOutputsOf(runId);
      let restored = 0;
      for (const output of outputs) {
        const dep = deps.find((d) => d.shuffleId === output.shuffleId);
        const intact = output.sizes.every(
          (size, reduce) =>
            size === 0 || stored.has(shuffleBlockId(run.blockApp, output.shuffleId, output.map, reduce)),
        );
        if (!dep || !intact) continue;
        this.#host.restoreMapOutput(dep, output.map, output.sizes);
        restored++;
      }
      this.#host.log(
        'info',
        `Resuming the interrupted run: ${plural(restored, 'map output')} of ${outputs.length} journaled survived the reload and are reused; only missing partitions run.`,
      );
    }
    return this.#journaled(rdd, { ...run, status: 'running' });
  }

  /** Forgets an interrupted run and deletes its shuffle blocks. */
  async discard(runId: string): Promise<void> {
    const run = await this.#take(runId);
    const store = this.#host.store;
    await store.deleteRun(runId);
    const ids = pickBlockIds(
      await store.listBlockIds(),
      { shuffles: run.shuffleIds.map((shuffle) => ({ app: run.blockApp, shuffle })) },
      'in',
    );
    await store.deleteBlocks(ids);
  }

  /** A map output was registered: persist it if it belongs to a journaled run. */
  mapOutputRegistered(shuffleId: number, map: number, sizes: number[]): void {
    const run = this.#byShuffle.get(shuffleId);
    if (!run) return;
    this.#host.store
      .saveMapOutput({ runId: run.runId, shuffleId, map, sizes })
      .catch((e: unknown) =>
        this.#host.log(
          'warn',
          `Could not journal map output ${map} of shuffle ${shuffleId}: ${String(e)}; a resume would recompute it.`,
        ),
      );
  }

  /** Range bounds were sampled: a resumed run must partition its remaining map outputs the same way. */
  rangeBoundsSampled(shuffleId: number, bounds: unknown[]): void {
    const run = this.#byShuffle.get(shuffleId);
    if (!run) return;
    run.rangeBounds = bounds;
    this.#host.store.saveRun(run).catch(() => undefined);
  }

  /**
   * Claims an interrupted run for this app, so that it is resumed or discarded once, by one tab: the
   * claim is one IndexedDB transaction, and a run whose app is live is nobody else's to take.
   */
  async #take(runId: string): Promise<StoredRun> {
    const offered = (await this.interrupted()).find((r) => r.runId === runId);
    if (!offered)
      throw new InvalidArgumentError(
        `There is no interrupted run '${runId}'; it may have been resumed or discarded already.`,
      );
    offered.status = 'failed';
    const run = await this.#host.store.claimRun(runId);
    if (!run)
      throw new InvalidArgumentError(
        `The interrupted run '${runId}' was resumed or discarded in another tab meanwhile; see that tab for its result.`,
      );
    return run;
  }

  async #journaled(rdd: RDD<[string, number]>, run: StoredRun): Promise<[string, number][]> {
    this.#latest = rdd;
    await this.#host.ready();
    const deps = this.#host.shuffleDependencies(rdd);
    run.shuffleIds = deps.map((d) => d.shuffleId);
    deps.forEach((d) => this.#byShuffle.set(d.shuffleId, run));
    await this.#host.store.saveRun(run);
    try {
      const rows = await rdd.collect();
      run.status = 'succeeded';
      return rows;
    } catch (e) {
      run.status = 'failed';
      throw e;
    } finally {
      deps.forEach((d) => this.#byShuffle.delete(d.shuffleId));
      await this.#host.store.saveRun(run).catch(() => undefined);
      // The reduced counts were cached for the sort's two jobs only: a page that runs word count after
      // word count must not keep every run's counts in its workers' memory.
      await this.#host
        .releaseCaches(rdd)
        .catch((e: unknown) => this.#host.log('warn', `Could not drop the run's cached counts: ${String(e)}.`));
    }
  }
}
