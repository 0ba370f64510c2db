import type { Aggregation, AppId, NarrowOp, ShippedFunction, Tokenizer } from '../protocol';
import { shipFunction } from './shipFunction';
import { EmberflowError, InvalidArgumentError } from './errors';
import { assertSendable } from './assertSendable';
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
  | { kind: 'sum' }
  | { kind: 'reduce'; fn: ShippedFunction }
  | { kind: 'group' }
  | { kind: 'first' }
  | { kind: 'combine'; first: { zero: unknown } | { create: ShippedFunction }; merge: ShippedFunction };

/** zipWithIndex's first index in each partition: counted by a job over its parent before the first action. */
export type ZipOffsets = { status: 'unknown' } | { status: 'known'; starts: number[] };

export type NarrowOpSpec =
  | {
      kind: 'map' | 'flatMap' | 'filter' | 'mapPartitions' | 'keyBy' | 'mapValues' | 'flatMapValues';
      fn: ShippedFunction;
    }
  | { kind: 'tokenize'; tokenizer: Tokenizer }
  | { kind: 'pairWithOne' }
  | { kind: 'values' }
  | { kind: 'keys' }
  | { kind: 'glom' }
  /** `seed` is the user's; each partition's sampler gets its own seed derived from it (partitionSeed). */
  | { kind: 'sample'; withReplacement: boolean; fraction: number; seed: number }
  | { kind: 'zipWithIndex'; offsets: ZipOffsets };

/**
 * How an RDD's records are placed by key, when that is known (Spark's `rdd.partitioner`). Only hash
 * partitioning is tracked: two RDDs hash-partitioned into the same number of partitions hold each key
 * in the same partition (Spark's HashPartitioner.equals), so a cogroup or join of them reads both in
 * place, with no shuffle. Range-partitioned RDDs have none (their bounds are sampled at the first
 * action, so no two can be known equal when the join is declared): joining them shuffles.
 */
export interface HashPartitioning {
  readonly kind: 'hash';
  readonly numPartitions: number;
}

/** One input of a cogroup: shuffled to the cogroup's partitioning, or already partitioned like it. */
export type CoGroupInput =
  { kind: 'shuffled'; dep: ShuffleDependency } | { kind: 'copartitioned'; parent: RDD<unknown> };

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
  | { kind: 'cogrouped'; inputs: CoGroupInput[] }
  /** Partition p reads left partition floor(p / right.numPartitions) and right partition p % that. */
  | { kind: 'cartesian'; left: RDD<unknown>; right: RDD<unknown> }
  /** Partition p reads the parent partitions groups[p], one after the other. */
  | { kind: 'coalesced'; parent: RDD<unknown>; groups: number[][] }
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
  /** Known hash partitioning of its pairs (see HashPartitioning), or null. */
  readonly partitioner: HashPartitioning | null;
  readonly #runner: JobRunner;

  constructor(
    runner: JobRunner,
    source: RddSource,
    numPartitions: number,
    operation: string,
    partitioner: HashPartitioning | null = null,
  ) {
    this.#runner = runner;
    this.partitioner = partitioner;
    this.id = runner.nextRddId();
    this.source = source;
    this.numPartitions = numPartitions;
    this.operation = operation;
  }

  get label(): string {
    return `${this.operation} (rdd ${this.id})`;
  }

  /** `keepsPartitioning`: the operator never changes a key (mapValues, filter), as Spark's preservesPartitioning. */
  #narrow<U>(op: NarrowOpSpec, operation: string = op.kind, keepsPartitioning = false): RDD<U> {
    return new RDD<U>(
      this.#runner,
      { kind: 'narrow', parent: this as RDD<unknown>, op },
      this.numPartitions,
      operation,
      keepsPartitioning ? this.partitioner : null,
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
    return this.#narrow({ kind: 'filter', fn: this.#ship('filter', fn, options) }, 'filter', true);
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
    const hashed: HashPartitioning | null =
      partitioner.kind === 'hash' ? { kind: 'hash', numPartitions: numReducers } : null;
    return new RDD<U>(this.#runner, { kind: 'shuffled', dep, aggregation, sort }, numReducers, operation, hashed);
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

  // ------------------------------------------------------------------ pair operations

  mapValues<K, V, W, P = undefined>(
    this: RDD<Pair<K, V>>,
    fn: (value: V, params: P) => W,
    options?: FunctionOptions<P>,
  ): RDD<Pair<K, W>> {
    return this.#narrow({ kind: 'mapValues', fn: this.#ship('mapValues', fn, options) }, 'mapValues', true);
  }

  flatMapValues<K, V, W, P = undefined>(
    this: RDD<Pair<K, V>>,
    fn: (value: V, params: P) => Iterable<W>,
    options?: FunctionOptions<P>,
  ): RDD<Pair<K, W>> {
    return this.#narrow({ kind: 'flatMapValues', fn: this.#ship('flatMapValues', fn, options) }, 'flatMapValues', true);
  }

  keys<K>(this: RDD<Pair<K, unknown>>): RDD<K> {
    return this.#narrow({ kind: 'keys' }, 'keys');
  }

  /**
   * Spark's combineByKey: a key's first value in a partition becomes createCombiner(v), later ones are
   * merged with mergeValue(c, v) (map side), and the partitions' combiners with mergeCombiners(c1, c2).
   */
  combineByKey<K, V, C, P = undefined>(
    this: RDD<Pair<K, V>>,
    createCombiner: (value: V, params: P) => C,
    mergeValue: (combiner: C, value: V, params: P) => C,
    mergeCombiners: (a: C, b: C, params: P) => C,
    options?: FunctionOptions<P> & { numPartitions?: number },
  ): RDD<Pair<K, C>> {
    const create = this.#ship('combineByKey', createCombiner, options);
    const merge = this.#ship('combineByKey', mergeValue, options);
    const combiners = this.#ship('combineByKey', mergeCombiners, options);
    return this.#combined('combineByKey', { create }, merge, combiners, options?.numPartitions);
  }

  /**
   * Spark's aggregateByKey: each key starts, in each partition, from its own structured clone of `zero`
   * (so seqOp may mutate it), folds its values with seqOp, and the partitions' results merge with combOp.
   */
  aggregateByKey<K, V, U, P = undefined>(
    this: RDD<Pair<K, V>>,
    zero: U,
    seqOp: (acc: U, value: V, params: P) => U,
    combOp: (a: U, b: U, params: P) => U,
    options?: FunctionOptions<P> & { numPartitions?: number },
  ): RDD<Pair<K, U>> {
    assertSendable(zero, `aggregateByKey (rdd ${this.#runner.peekRddId()})`, 'zero');
    const merge = this.#ship('aggregateByKey', seqOp, options);
    const combiners = this.#ship('aggregateByKey', combOp, options);
    return this.#combined('aggregateByKey', { zero }, merge, combiners, options?.numPartitions);
  }

  /** Spark's foldByKey: aggregateByKey with one function for both sides. */
  foldByKey<K, V, P = undefined>(
    this: RDD<Pair<K, V>>,
    zero: V,
    op: (a: V, b: V, params: P) => V,
    options?: FunctionOptions<P> & { numPartitions?: number },
  ): RDD<Pair<K, V>> {
    assertSendable(zero, `foldByKey (rdd ${this.#runner.peekRddId()})`, 'zero');
    const fn = this.#ship('foldByKey', op, options);
    return this.#combined('foldByKey', { zero }, fn, fn, options?.numPartitions);
  }

  #combined<U>(
    this: RDD<Pair<unknown, unknown>>,
    operation: string,
    first: { zero: unknown } | { create: ShippedFunction },
    merge: ShippedFunction,
    mergeCombiners: ShippedFunction,
    numPartitions: number | undefined,
  ): RDD<U> {
    return this.#shuffle(
      operation,
      numPartitions,
      { kind: 'hash' },
      { kind: 'combine', first, merge },
      { kind: 'reduce', fn: mergeCombiners },
      null,
    );
  }

  /** Moves each pair to the partition its key hashes to (or, with 'range', a sampled key range). */
  partitionBy<K, V>(this: RDD<Pair<K, V>>, numPartitions: number, kind: 'hash' | 'range' = 'hash'): RDD<Pair<K, V>> {
    return (this as RDD<Pair<unknown, unknown>>).#shuffle(
      'partitionBy',
      numPartitions,
      kind === 'hash' ? { kind: 'hash' } : { kind: 'range', ascending: true, bounds: { status: 'unknown' } },
      null,
      null,
      null,
    );
  }

  /**
   * Spark's cogroup: for every key in either RDD, [key, [values in this, values in other]]. Partitioned
   * into `numPartitions` by hash; by default like the hash-partitioned input with the most partitions,
   * or else into as many partitions as the larger input. An input already hash-partitioned that way is
   * read in place (a narrow dependency); the others are shuffled.
   */
  cogroup<K, V, W>(this: RDD<Pair<K, V>>, other: RDD<Pair<K, W>>, numPartitions?: number): RDD<Pair<K, [V[], W[]]>> {
    return this.#cogroup([this, other] as RDD<unknown>[], numPartitions, 'cogroup');
  }

  /** cogroup with any number of other RDDs: [key, [values in this, values in others[0], ...]]. */
  groupWith<K>(this: RDD<Pair<K, unknown>>, ...others: RDD<Pair<K, unknown>>[]): RDD<Pair<K, unknown[][]>> {
    return this.#cogroup([this, ...others] as RDD<unknown>[], undefined, 'groupWith');
  }

  #cogroup<U>(rdds: RDD<unknown>[], numPartitions: number | undefined, operation: string): RDD<U> {
    const runner = this.#runner;
    const label = `${operation} (rdd ${runner.peekRddId()})`;
    const partitioned = rdds.filter((r) => r.partitioner).sort((a, b) => b.numPartitions - a.numPartitions);
    const n = checkPartitions(
      numPartitions ?? partitioned[0]?.numPartitions ?? Math.max(...rdds.map((r) => r.numPartitions)),
      operation,
    );
    const inputs = rdds.map((r): CoGroupInput => {
      if (r.partitioner?.kind === 'hash' && r.partitioner.numPartitions === n)
        return { kind: 'copartitioned', parent: r };
      const dep = new ShuffleDependency(r, n, { kind: 'hash' }, null, () => runner.nextShuffleId(), label, runner.app);
      return { kind: 'shuffled', dep };
    });
    return new RDD<U>(runner, { kind: 'cogrouped', inputs }, n, operation, { kind: 'hash', numPartitions: n });
  }

  /** Inner join: [key, [v, w]] for every pair of values of a key present in both RDDs. */
  join<K, V, W>(this: RDD<Pair<K, V>>, other: RDD<Pair<K, W>>, numPartitions?: number): RDD<Pair<K, [V, W]>> {
    return this.#joined(other, numPartitions, 'join', (g: [unknown[], unknown[]]) =>
      g[0].flatMap((v) => g[1].map((w) => [v, w])),
    );
  }

  /** [key, [v, w]], and [key, [v, undefined]] for a key of this RDD that `other` lacks. */
  leftOuterJoin<K, V, W>(
    this: RDD<Pair<K, V>>,
    other: RDD<Pair<K, W>>,
    numPartitions?: number,
  ): RDD<Pair<K, [V, W | undefined]>> {
    return this.#joined(other, numPartitions, 'leftOuterJoin', (g: [unknown[], unknown[]]) =>
      g[0].flatMap((v) => (g[1].length === 0 ? [[v, undefined]] : g[1].map((w) => [v, w]))),
    );
  }

  /** [key, [v, w]], and [key, [undefined, w]] for a key of `other` that this RDD lacks. */
  rightOuterJoin<K, V, W>(
    this: RDD<Pair<K, V>>,
    other: RDD<Pair<K, W>>,
    numPartitions?: number,
  ): RDD<Pair<K, [V | undefined, W]>> {
    return this.#joined(other, numPartitions, 'rightOuterJoin', (g: [unknown[], unknown[]]) =>
      g[1].flatMap((w) => (g[0].length === 0 ? [[undefined, w]] : g[0].map((v) => [v, w]))),
    );
  }

  /** Both outer joins at once: the missing side of a key present in only one RDD is undefined. */
  fullOuterJoin<K, V, W>(
    this: RDD<Pair<K, V>>,
    other: RDD<Pair<K, W>>,
    numPartitions?: number,
  ): RDD<Pair<K, [V | undefined, W | undefined]>> {
    return this.#joined(other, numPartitions, 'fullOuterJoin', (g: [unknown[], unknown[]]) =>
      g[0].length === 0
        ? g[1].map((w) => [undefined, w])
        : g[1].length === 0
          ? g[0].map((v) => [v, undefined])
          : g[0].flatMap((v) => g[1].map((w) => [v, w])),
    );
  }

  /** The pairs of this RDD whose key `other` lacks (Spark's subtractByKey). */
  subtractByKey<K, V>(this: RDD<Pair<K, V>>, other: RDD<Pair<K, unknown>>, numPartitions?: number): RDD<Pair<K, V>> {
    return this.#joined(other, numPartitions ?? this.numPartitions, 'subtractByKey', (g: [unknown[], unknown[]]) =>
      g[1].length === 0 ? g[0] : [],
    );
  }

  /** cogroup, then one flatMapValues over each key's [values here, values there]: a join is narrow on top. */
  #joined<U>(
    other: RDD<unknown>,
    numPartitions: number | undefined,
    operation: string,
    pairs: (group: [unknown[], unknown[]]) => unknown[],
  ): RDD<U> {
    const grouped = this.#cogroup<unknown>([this as RDD<unknown>, other], numPartitions, operation);
    const fn = shipFunction(pairs, `${operation} (rdd ${this.#runner.peekRddId()})`);
    return grouped.#narrow({ kind: 'flatMapValues', fn }, operation, true);
  }

  /** The records of this RDD that do not occur in `other` (duplicates kept, as Spark's subtract). */
  subtract(other: RDD<T>, numPartitions?: number): RDD<T> {
    const nullValued = (r: RDD<T>) =>
      r.#narrow<Pair<T, null>>(
        { kind: 'map', fn: shipFunction((x: unknown) => [x, null], `subtract (rdd ${this.#runner.peekRddId()})`) },
        'subtract',
      );
    return nullValued(this).subtractByKey(nullValued(other), numPartitions).keys();
  }

  /** The distinct records present in both RDDs (Spark's intersection). */
  intersection(other: RDD<T>, numPartitions?: number): RDD<T> {
    const nullValued = (r: RDD<T>) =>
      r.#narrow<Pair<T, null>>(
        { kind: 'map', fn: shipFunction((x: unknown) => [x, null], `intersection (rdd ${this.#runner.peekRddId()})`) },
        'intersection',
      );
    const n = numPartitions ?? Math.max(this.numPartitions, other.numPartitions);
    return nullValued(this)
      .#joined<Pair<T, null>>(nullValued(other), n, 'intersection', (g: [unknown[], unknown[]]) =>
        g[0].length > 0 && g[1].length > 0 ? [null] : [],
      )
      .keys();
  }

  /** Every [a, b] with a in this RDD and b in `other`: one partition per pair of their partitions. */
  cartesian<U>(other: RDD<U>): RDD<Pair<T, U>> {
    const n = checkPartitions(this.numPartitions * other.numPartitions, 'cartesian');
    return new RDD(
      this.#runner,
      { kind: 'cartesian', left: this as RDD<unknown>, right: other as RDD<unknown> },
      n,
      'cartesian',
    );
  }

  // ------------------------------------------------------------------ partitioning and other transformations

  /**
   * Fewer partitions without a shuffle: each new partition reads a run of neighbouring parent
   * partitions. Never raises the number of partitions (asking for more keeps the parent's count).
   */
  coalesce(numPartitions: number): RDD<T> {
    const n = Math.min(checkPartitions(numPartitions, 'coalesce'), this.numPartitions);
    const p = this.numPartitions;
    const groups = Array.from({ length: n }, (_, i) =>
      Array.from(
        { length: Math.floor(((i + 1) * p) / n) - Math.floor((i * p) / n) },
        (_, j) => Math.floor((i * p) / n) + j,
      ),
    );
    return new RDD<T>(this.#runner, { kind: 'coalesced', parent: this as RDD<unknown>, groups }, n, 'coalesce');
  }

  /** Any number of partitions, through a shuffle that spreads each partition's records round-robin. */
  repartition(numPartitions: number): RDD<T> {
    const spread = this.#narrow<Pair<number, T>>(
      {
        kind: 'mapPartitions',
        fn: shipFunction((records: Iterable<unknown>) => {
          const out: [number, unknown][] = [];
          let i = 0;
          for (const r of records) out.push([i++, r]);
          return out;
        }, `repartition (rdd ${this.#runner.peekRddId()})`),
      },
      'repartition',
    );
    return (spread as RDD<Pair<unknown, unknown>>)
      .#shuffle<Pair<number, T>>('repartition', numPartitions, { kind: 'hash' }, null, null, null)
      .values();
  }

  /**
   * [record, index] with indexes 0, 1, ... in partition order. As in Spark, the first indexes of the
   * partitions come from counting the parent's partitions (all but the last) in a job of its own, run
   * before the first action on this RDD.
   */
  zipWithIndex(): RDD<Pair<T, number>> {
    return this.#narrow({ kind: 'zipWithIndex', offsets: { status: 'unknown' } }, 'zipWithIndex');
  }

  /**
   * A random sample: each record kept with probability `fraction`, or, with replacement, emitted a
   * Poisson(fraction) number of times. Seeded per partition from `seed` (drawn once when declared if
   * not given), so recomputing a partition gives the same records.
   */
  sample(withReplacement: boolean, fraction: number, seed: number = Math.floor(Math.random() * 2 ** 32)): RDD<T> {
    if (!(fraction >= 0) || (!withReplacement && fraction > 1) || !Number.isFinite(fraction))
      throw new InvalidArgumentError(
        `sample() needs a fraction ${withReplacement ? '>= 0' : 'between 0 and 1'}, got ${fraction}.`,
      );
    if (!Number.isInteger(seed)) throw new InvalidArgumentError(`sample() needs a whole-number seed, got ${seed}.`);
    return this.#narrow({ kind: 'sample', withReplacement, fraction, seed }, 'sample', true);
  }

  /** Each partition as one array. */
  glom(): RDD<T[]> {
    return this.#narrow({ kind: 'glom' }, 'glom');
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

  /** The first record; fails on an empty RDD, as Spark's first(). */
  async first(): Promise<T> {
    const taken = await this.take(1);
    if (taken.length === 0)
      throw new EmberflowError('E_EMPTY_RDD', `first() of ${this.label} found no records: the RDD is empty.`);
    return taken[0]!;
  }

  /** The n least records in the engine's key order (see README: Keys), least first. */
  takeOrdered(n: number): Promise<T[]> {
    return this.#ordered(n, true, 'takeOrdered');
  }

  /** The n greatest records in the engine's key order, greatest first. */
  top(n: number): Promise<T[]> {
    return this.#ordered(n, false, 'top');
  }

  async #ordered(n: number, ascending: boolean, what: string): Promise<T[]> {
    if (!Number.isInteger(n) || n < 0)
      throw new InvalidArgumentError(`${what}(n) needs a whole number of records >= 0, got ${String(n)}.`);
    if (n === 0) return [];
    return (await this.#runner.runJob(this as RDD<unknown>, { kind: 'takeOrdered', n, ascending })) as T[];
  }

  /**
   * Spark's fold: each partition folds its records into its own clone of `zero` with op, then the
   * partitions' results are folded, in partition order, into one more clone of `zero`.
   */
  async fold<P = undefined>(zero: T, op: (a: T, b: T, params: P) => T, options?: FunctionOptions<P>): Promise<T> {
    return (await this.#aggregate('fold', zero, op, op, options)) as T;
  }

  /** Spark's aggregate: seqOp within each partition from a clone of `zero`, combOp across partitions. */
  async aggregate<U, P = undefined>(
    zero: U,
    seqOp: (acc: U, record: T, params: P) => U,
    combOp: (a: U, b: U, params: P) => U,
    options?: FunctionOptions<P>,
  ): Promise<U> {
    return (await this.#aggregate('aggregate', zero, seqOp, combOp, options)) as U;
  }

  async #aggregate(what: string, zero: unknown, seqOp: unknown, combOp: unknown, options?: FunctionOptions<unknown>) {
    assertSendable(zero, `${what} (rdd ${this.id})`, 'zero');
    const fn = this.#ship(what, seqOp, options);
    const partials = (await this.#runner.runJob(this as RDD<unknown>, { kind: 'fold', fn, zero })) as unknown[];
    // The driver's fold runs in a worker too (user functions never run on the page): one more small job.
    const combine = new RDD<unknown>(
      this.#runner,
      { kind: 'parallel', slices: [[zero, ...partials]] },
      1,
      'parallelize',
    );
    return combine.#runner.runJob(combine, { kind: 'reduce', fn: this.#ship(what, combOp, options) });
  }

  /** Calls fn on every record in the workers (for its effects, e.g. an accumulator). */
  async foreach<P = undefined>(fn: (record: T, params: P) => void, options?: FunctionOptions<P>): Promise<void> {
    await this.#runner.runJob(this as RDD<unknown>, { kind: 'foreach', fn: this.#ship('foreach', fn, options) });
  }

  /** Calls fn once per partition with all its records. */
  async foreachPartition<P = undefined>(
    fn: (records: T[], params: P) => void,
    options?: FunctionOptions<P>,
  ): Promise<void> {
    await this.#runner.runJob(this as RDD<unknown>, {
      kind: 'foreachPartition',
      fn: this.#ship('foreachPartition', fn, options),
    });
  }

  /**
   * The number of pairs per key, as a Map (1 and "1" are two keys). A key that is an array or object
   * is one of the equal keys met, so look it up by iterating, not with get().
   */
  async countByKey<K>(this: RDD<Pair<K, unknown>>): Promise<Map<K, number>> {
    return new Map((await this.keys().pairWithOne().reduceByKey<K, number>('sum').collect()) as [K, number][]);
  }

  /** The number of times each distinct record occurs, as a Map (see countByKey). */
  async countByValue(): Promise<Map<T, number>> {
    return new Map((await this.pairWithOne().reduceByKey<T, number>('sum').collect()) as [T, number][]);
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
  | { kind: 'fold'; fn: ShippedFunction; zero: unknown }
  | { kind: 'foreach' | 'foreachPartition'; fn: ShippedFunction }
  | { kind: 'takeOrdered'; n: number; ascending: boolean }
  /** Records per partition (zipWithIndex's offsets). */
  | { kind: 'partitionCounts' }
  | { kind: 'sampleKeys'; n: number; seed: number; operator: string }
  | { kind: 'save'; datasetId: string }
  | { kind: 'checkpoint' };

export type { Aggregation, NarrowOp };
