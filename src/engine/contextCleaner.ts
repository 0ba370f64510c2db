import type { AppId } from '../protocol';
import type { RDD, ShuffleDependency } from './rdd';

/**
 * What to release once the object that could reach it is garbage-collected. Plain numbers only: a
 * held value that referred to the RDD or the dependency would keep it alive forever.
 */
export type CleanupTask =
  | {
      readonly kind: 'shuffle';
      readonly app: AppId;
      readonly shuffleId: number;
      readonly numMaps: number;
      readonly numReducers: number;
    }
  | { readonly kind: 'rdd'; readonly rddId: number; readonly numPartitions: number };

/** Performs a cleanup; the context removes blocks, map outputs and scheduler state. */
export type CleanupAction = (task: CleanupTask) => Promise<void>;

/**
 * Spark's ContextCleaner: shuffle outputs and cached partitions are released once no live RDD can read
 * them any more, i.e. once the ShuffleDependency (for a shuffle) or the persisted RDD (for its cached
 * partitions) has been garbage-collected. A FinalizationRegistry stands in for Spark's weak references
 * and reference queue; its callbacks run some time after a collection, in a task of their own.
 *
 * The scheduler must hold no strong reference to a finished job's RDDs or stages, or nothing is ever
 * collected (see DagScheduler: idle map stages are held weakly).
 */
export class ContextCleaner {
  readonly #registry: FinalizationRegistry<CleanupTask>;
  readonly #registered = new WeakSet<object>();
  readonly #clean: CleanupAction;
  readonly #onError: (task: CleanupTask, error: unknown) => void;
  /** Cleanups started and not yet finished, so that tests and stop() can wait for them. */
  readonly #inFlight = new Set<Promise<void>>();
  #stopped = false;
  #done = 0;

  constructor(clean: CleanupAction, onError: (task: CleanupTask, error: unknown) => void) {
    this.#clean = clean;
    this.#onError = onError;
    this.#registry = new FinalizationRegistry((task) => this.#run(task));
  }

  /** Registers a shuffle once its id is in use: its outputs live as long as the dependency does. */
  registerShuffle(dep: ShuffleDependency): void {
    if (this.#registered.has(dep)) return;
    this.#registered.add(dep);
    this.#registry.register(dep, {
      kind: 'shuffle',
      app: dep.app,
      shuffleId: dep.shuffleId,
      numMaps: dep.parent.numPartitions,
      numReducers: dep.numReducers,
    });
  }

  /** Registers a persisted RDD: its cached partitions live until unpersist() or until it is collected. */
  registerRdd(rdd: RDD<unknown>): void {
    if (this.#registered.has(rdd)) return;
    this.#registered.add(rdd);
    this.#registry.register(rdd, { kind: 'rdd', rddId: rdd.id, numPartitions: rdd.numPartitions });
  }

  /** Cleanups performed so far (each collected shuffle or persisted RDD counts once). */
  get cleaned(): number {
    return this.#done;
  }

  /** Resolves once every cleanup started so far has finished. */
  async settled(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  /** After stop() the store is closed: later finalizations change nothing. */
  stop(): void {
    this.#stopped = true;
  }

  #run(task: CleanupTask): void {
    if (this.#stopped) return;
    const work = this.#clean(task)
      .catch((e: unknown) => this.#onError(task, e))
      .finally(() => {
        this.#done++;
        this.#inFlight.delete(work);
      });
    this.#inFlight.add(work);
  }
}
