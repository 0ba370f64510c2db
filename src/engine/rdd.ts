import type { Aggregation, AppId, NarrowOp, ShippedFunction, Tokenizer } from '../protocol';
import { shipFunction } from './shipFunction';
import { InvalidArgumentError } from './errors';
import { partitionsToScan } from './takeScan';
import type { JobRunner } from './jobRunner';
import { shuffleDependenciesInnerFirst, walkLineage } from './lineage';

/** A text input file; its stored id is resolved before the job runs (see EmberContext.textFile). */
export interface TextFileRef {
  name: string;
  size: number;
}

/** Aggregation with its function shipped (the plan refers to functions by index). */
export type AggregationSpec =
  { kind: 'sum' } | { kind: 'reduce'; fn: ShippedFunction } | { kind: 'group' } | { kind: 'first' };

export type NarrowOpSpec =
  | { kind: 'map' | 'flatMap' | 'filter' | 'mapPartitions' | 'keyBy'; fn: ShippedFunction }
  | { kind: 'tokenize'; tokenizer: Tokenizer }
  | { kind: 'pairWithOne' }
  | { kind: 'values' };

export type RangeBounds = { status: 'unknown' } | { status: 'known'; bounds: unknown[] };

export type ShufflePartitioner = { kind: 'hash' } | { kind: 'range'; ascending: boolean; bounds: RangeBounds };

/** The edge where a stage ends: map outputs are written per reducer and fetched by the next stage. */
export class ShuffleDependency {
  /** Tells it apart from the narrow dependencies (see lineage.ts). */
  readonly kind = 'shuffle' as const;
  readonly parent: RDD<unknown>;
  readonly numReducers: number;
  readonly partitioner: ShufflePartitioner;
  readonly mapSideCombine: AggregationSpec | null;
  /** The shuffling operator, e.g. "reduceByKey (rdd 4)": named by errors about its keys. */
  readonly operator: string;
  readonly #nextId: () => number;
  #id: number | undefined;
  #app: AppId;

  constructor(
    parent: RDD<unknown>,
    numReducers: number,
    partitioner: ShufflePartitioner,
    mapSideCombine: AggregationSpec | null,
    nextId: () => number,
    operator: string,
    app: AppId,
  ) {
    this.parent = parent;
    this.operator = operator;
    this.#app = app;
    this.numReducers = numReducers;
    this.partitioner = partitioner;
    this.mapSideCombine = mapSideCombine;
    this.#nextId = nextId;
  }

  /**
   * Assigned at first use, which comes after the context has learnt from the store which ids an earlier
   * session's interrupted runs still hold blocks under: block ids never collide across sessions.
   */
  get shuffleId(): number {
    if (this.#id === undefined) {
      // Number the shuffles this one depends on first, so that ids follow the lineage (inner first).
      for (const dep of shuffleDependenciesInnerFirst(this.parent)) void dep.shuffleId;
      this.#id = this.#nextId();
    }
    return this.#id;
  }

  /** The app its blocks live under: the context's, or for a resumed run the app that first wrote them. */
  get app(): AppId {
    return this.#app;
  }

  /** A resumed run reuses the app and ids under which its surviving shuffle blocks were written. */
  pinShuffleId(id: number, app: AppId): void {
    if (this.#id !== undefined && (this.#id !== id || this.#app !== app))
      throw new Error(`Shuffle ${this.#id} is already in use; it cannot become shuffle ${id} of ${app}.`);
    this.#id = id;
    this.#app = app;
  }
}

/** How an RDD computes its partitions from its parents: the edge of the lineage graph. */
export type RddSource =
  /** Each partition reads one or more byte ranges (small files are grouped into one partition). */
  | { kind: 'text'; files: TextFileRef[]; partitions: { file: number; start: number; end: number }[][] }
  | { kind: 'parallel'; slices: unknown[][] }
  | { kind: 'narrow'; parent: RDD<unknown>; op: NarrowOpSpec }
  | { kind: 'union'; parents: RDD<unknown>[] }
  | {
      kind: 'shuffled';
      dep: ShuffleDependency;
      aggregation: AggregationSpec | null;
      sort: { ascending: boolean } | null;
    };

export type StorageLevel = 'memory' | 'disk';

export interface FunctionOptions<P = undefined> {
  /** Values the function receives as its second argument: the way to pass data into a worker. */
  params?: P;
}

type Pair<K, V> = [K, V];

/**
 * A resilient distributed dataset: an immutable, partitioned collection described by its lineage.
 * Transformations are lazy; actions run a job through the scheduler.
 */
export class RDD<T> {
  readonly id: number;
  readonly source: RddSource;
  readonly numPartitions: number;
  /** Short label for the DAG view, e.g. "flatMap". */
  readonly operation: string;
  /** A name for people (Spark's RDD.setName), e.g. "counts"; job descriptions use it. */
  name: string | null = null;
  storageLevel: StorageLevel | null = null;
  /** Set once a reliable checkpoint of every partition exists; lineage is truncated there. */
  checkpointed = false;
  readonly #runner: JobRunner;

  constructor(runner: JobRunner, source: RddSource, numPartitions: number, operation: string) {
    this.#runner = runner;
    this.id = runner.nextRddId();
    this.source = source;
    this.numPartitions = numPartitions;
    this.operation = operation;
  }

  get label(): string {
    return `${this.operation} (rdd ${this.id})`;
  }

  #narrow<U>(op: NarrowOpSpec, operation: string = op.kind): RDD<U> {
    return new RDD<U>(
      this.#runner,
      { kind: 'narrow', parent: this as RDD<unknown>, op },
      this.numPartitions,
      operation,
    );
  }

  #ship(kind: string, fn: unknown, options?: FunctionOptions<unknown>): ShippedFunction {
    return shipFunction(fn, `${kind} (rdd ${this.#runner.peekRddId()})`, options?.params);
  }

  map<U, P = undefined>(fn: (record: T, params: P) => U, options?: FunctionOptions<P>): RDD<U> {
    return this.#narrow({ kind: 'map', fn: this.#ship('map', fn, options) });
  }

  flatMap<U, P = undefined>(fn: (record: T, params: P) => Iterable<U>, options?: FunctionOptions<P>): RDD<U> {
    return this.#narrow({ kind: 'flatMap', fn: this.#ship('flatMap', fn, options) });
  }

  filter<P = undefined>(fn: (record: T, params: P) => boolean, options?: FunctionOptions<P>): RDD<T> {
    return this.#narrow({ kind: 'filter', fn: this.#ship('filter', fn, options) });
  }

  mapPartitions<U, P = undefined>(
    fn: (records: Iterable<T>, params: P) => Iterable<U>,
    options?: FunctionOptions<P>,
  ): RDD<U> {
    return this.#narrow({ kind: 'mapPartitions', fn: this.#ship('mapPartitions', fn, options) });
  }

  keyBy<K, P = undefined>(fn: (record: T, params: P) => K, options?: FunctionOptions<P>): RDD<Pair<K, T>> {
    return this.#narrow({ kind: 'keyBy', fn: this.#ship('keyBy', fn, options) });
  }

  /** Built-in word-count tokenizer over line records (see README for its exact semantics). */
  tokenize(this: RDD<string>, tokenizer: Tokenizer = 'words'): RDD<string> {
    return this.#narrow({ kind: 'tokenize', tokenizer }, 'tokenize');
  }

  /** [record, 1] for every record: the built-in counterpart of map((w) => [w, 1]). */
  pairWithOne(): RDD<Pair<T, number>> {
    return this.#narrow({ kind: 'pairWithOne' }, 'pairWithOne');
  }

  values<V>(this: RDD<Pair<unknown, V>>): RDD<V> {
    return this.#narrow({ kind: 'values' }, 'values');
  }

  union(...others: RDD<T>[]): RDD<T> {
    const parents = [this, ...others] as RDD<unknown>[];
    const total = parents.reduce((n, p) => n + p.numPartitions, 0);
    return new RDD<T>(this.#runner, { kind: 'union', parents }, total, 'union');
  }

  #shuffle<U>(
    this: RDD<Pair<unknown, unknown>>,
    operation: string,
    numPartitions: number | undefined,
    partitioner: ShufflePartitioner,
    mapSideCombine: AggregationSpec | null,
    aggregation: AggregationSpec | null,
    sort: { ascending: boolean } | null,
  ): RDD<U> {
    const numReducers = checkPartitions(numPartitions ?? this.numPartitions, operation);
    const runner = this.#runner;
    // Labelled like shipped functions: the shuffled RDD is the next one made.
    const label = `${operation} (rdd ${runner.peekRddId()})`;
    const dep = new ShuffleDependency(
      this as RDD<unknown>,
      numReducers,
      partitioner,
      mapSideCombine,
      () => runner.nextShuffleId(),
      label,
      runner.app,
    );
    return new RDD<U>(this.#runner, { kind: 'shuffled', dep, aggregation, sort }, numReducers, operation);
  }

  reduceByKey<K, V, P = undefined>(
    this: RDD<Pair<K, V>>,
    fn: ((a: V, b: V, params: P) => V) | 'sum',
    options?: FunctionOptions<P> & { numPartitions?: number },
  ): RDD<Pair<K, V>> {
    const agg: AggregationSpec =
      fn === 'sum' ? { kind: 'sum' } : { kind: 'reduce', fn: this.#ship('reduceByKey', fn, options) };
    return (this as RDD<Pair<unknown, unknown>>).#shuffle(
      'reduceByKey',
      options?.numPartitions,
      { kind: 'hash' },
      agg,
      agg,
      null,
    );
  }

  groupByKey<K, V>(this: RDD<Pair<K, V>>, numPartitions?: number): RDD<Pair<K, V[]>> {
    return (this as RDD<Pair<unknown, unknown>>).#shuffle(
      'groupByKey',
      numPartitions,
      { kind: 'hash' },
      null,
      { kind: 'group' },
      null,
    );
  }

  distinct(numPartitions?: number): RDD<T> {
    const pairs = this.#narrow<Pair<T, null>>(
      { kind: 'map', fn: shipFunction((x: unknown) => [x, null], `distinct (rdd ${this.#runner.peekRddId()})`) },
      'distinct',
    );
    const first: AggregationSpec = { kind: 'first' };
    const reduced = (pairs as RDD<Pair<unknown, unknown>>).#shuffle<Pair<T, null>>(
      'distinct',
      numPartitions,
      { kind: 'hash' },
      first,
      first,
      null,
    );
    return reduced.#narrow(
      { kind: 'map', fn: shipFunction((p: [unknown, null]) => p[0], `distinct (rdd ${this.#runner.peekRddId()})`) },
      'distinct',
    );
  }

  /** Sorts by key with range partitioning; the bounds come from a sample job run before the first action. */
  sortByKey<K, V>(this: RDD<Pair<K, V>>, ascending = true, numPartitions?: number): RDD<Pair<K, V>> {
    return (this as RDD<Pair<unknown, unknown>>).#shuffle(
      'sortByKey',
      numPartitions,
      { kind: 'range', ascending, bounds: { status: 'unknown' } },
      null,
      null,
      { ascending },
    );
  }

  sortBy<K, P = undefined>(
    fn: (record: T, params: P) => K,
    ascending = true,
    options?: FunctionOptions<P> & { numPartitions?: number },
  ): RDD<T> {
    return this.keyBy(fn, options).sortByKey(ascending, options?.numPartitions).values();
  }

  /** Names this RDD for people: the sort's sampling job is described as "sampling <name> to split the sort". */
  setName(name: string): this {
    this.name = name;
    return this;
  }

  persist(level: StorageLevel = 'memory'): this {
    this.storageLevel = level;
    return this;
  }

  cache(): this {
    return this.persist('memory');
  }

  /** Forgets the cached partitions (their blocks are deleted). */
  async unpersist(): Promise<void> {
    this.storageLevel = null;
    await this.#runner.dropCachedRdd(this.id);
  }

  /** Writes every partition reliably to IndexedDB and truncates the lineage there. */
  async checkpoint(): Promise<void> {
    await this.#runner.runJob(this as RDD<unknown>, { kind: 'checkpoint' });
    this.checkpointed = true;
  }

  async collect(): Promise<T[]> {
    return (await this.#runner.runJob(this as RDD<unknown>, { kind: 'collect' })) as T[];
  }

  async count(): Promise<number> {
    return (await this.#runner.runJob(this as RDD<unknown>, { kind: 'count' })) as number;
  }

  /**
   * The first n records, in partition order. Scans incrementally as Spark does: one partition first, then
   * more per round (see partitionsToScan), each round a job over the next partitions, until n records
   * are found or every partition is scanned. take(n <= 0) returns [] without running a job.
   */
  async take(n: number): Promise<T[]> {
    if (typeof n !== 'number' || !Number.isInteger(n)) {
      const shown = typeof n === 'number' ? String(n) : `${JSON.stringify(n) ?? String(n)} (a ${typeof n})`;
      throw new InvalidArgumentError(
        `take(n) needs a whole number of records, got ${shown}: pass an integer such as ${typeof n === 'number' && Number.isFinite(n) ? Math.floor(n) : 10}.`,
      );
    }
    const taken: T[] = [];
    let scanned = 0;
    while (taken.length < n && scanned < this.numPartitions) {
      const end = Math.min(this.numPartitions, scanned + partitionsToScan(n, taken.length, scanned));
      const partitions = Array.from({ length: end - scanned }, (_, i) => scanned + i);
      const left = n - taken.length;
      const rows = (await this.#runner.runJob(this as RDD<unknown>, { kind: 'take', n: left }, partitions)) as T[];
      for (let i = 0; i < rows.length && taken.length < n; i++) taken.push(rows[i]!);
      scanned = end;
    }
    return taken;
  }

  async reduce<P = undefined>(fn: (a: T, b: T, params: P) => T, options?: FunctionOptions<P>): Promise<T> {
    return (await this.#runner.runJob(this as RDD<unknown>, {
      kind: 'reduce',
      fn: this.#ship('reduce', fn, options),
    })) as T;
  }

  /** Stores the result as a dataset in IndexedDB (survives reloads); returns its id for readDataset(). */
  async saveAsDataset(name: string): Promise<string> {
    const datasetId = `${name}-${Date.now().toString(36)}`;
    await this.#runner.runJob(this as RDD<unknown>, { kind: 'save', datasetId });
    return datasetId;
  }

  /** The lineage, indented at shuffle boundaries, like Spark's RDD.toDebugString. */
  toDebugString(): string {
    const lines: string[] = [];
    // The indent under each RDD on the current path: a shuffle starts a deeper level.
    const inner: string[] = [];
    walkLineage(
      this as RDD<unknown>,
      { atCheckpoint: 'stop', atShuffle: 'cross', tree: true },
      {
        enter: (rdd, via) => {
          const indent = inner.at(-1) ?? '';
          const prefix = via === null ? '' : via.kind === 'shuffle' ? ' +-' : ' |  ';
          const cached = rdd.storageLevel ? ` [${rdd.storageLevel}]` : '';
          const cp = rdd.checkpointed ? ' [checkpointed]' : '';
          lines.push(`${indent}${prefix}(${rdd.numPartitions}) ${rdd.label}${cached}${cp}`);
          inner.push(prefix === ' +-' ? `${indent}   ` : indent);
        },
        leave: () => void inner.pop(),
      },
    );
    return lines.join('\n');
  }
}

export function checkPartitions(n: number, what: string): number {
  if (!Number.isInteger(n) || n < 1 || n > 100_000) {
    throw new InvalidArgumentError(`${what} needs a whole number of partitions between 1 and 100000, got ${n}.`);
  }
  return n;
}

export type ActionSpec =
  | { kind: 'collect' }
  | { kind: 'count' }
  | { kind: 'take'; n: number }
  | { kind: 'reduce'; fn: ShippedFunction }
  | { kind: 'sampleKeys'; n: number; seed: number; operator: string }
  | { kind: 'save'; datasetId: string }
  | { kind: 'checkpoint' };

export type { Aggregation, NarrowOp };
