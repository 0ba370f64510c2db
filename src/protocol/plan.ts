import type { AppId } from './ids';

/**
 * What a task computes, as plain data that crosses the worker boundary. Narrow dependencies form a
 * chain inside one PartitionPlan, so one task pipelines them over a single partition iterator.
 */

/** A user function shipped as source, compiled once per stage inside the worker. */
export interface ShippedFunction {
  /** Operator label shown in errors and the DAG, e.g. "flatMap at rdd 3". */
  operator: string;
  source: string;
  /** Values passed explicitly as the function's second argument (instead of captured variables). */
  params: unknown;
}

/** Index into TaskDescription.functions. */
export type FnRef = number;

export type Tokenizer = 'words' | 'whitespace';

export type NarrowOp =
  | { kind: 'map'; fn: FnRef }
  | { kind: 'flatMap'; fn: FnRef }
  | { kind: 'filter'; fn: FnRef }
  | { kind: 'mapPartitions'; fn: FnRef }
  /** Built-in tokenizer: line strings in, tokens out (the word-count semantics in README.md). */
  | { kind: 'tokenize'; tokenizer: Tokenizer }
  /** Built-in: token strings in, [token, 1] pairs out. */
  | { kind: 'pairWithOne' }
  /** Built-in: key-value pairs in, values out (the tail of sortBy). */
  | { kind: 'values' }
  /** Built-in: record in, [keyFn(record), record] out (the head of sortBy). */
  | { kind: 'keyBy'; fn: FnRef }
  /** [k, v] in, [k, fn(v)] out: the key is untouched, so the partitioning is kept. */
  | { kind: 'mapValues'; fn: FnRef }
  /** [k, v] in, [k, w] out for every w of fn(v). */
  | { kind: 'flatMapValues'; fn: FnRef }
  /** Built-in: key-value pairs in, keys out. */
  | { kind: 'keys' }
  /** Built-in: the whole partition as one array. */
  | { kind: 'glom' }
  /**
   * Built-in: a seeded sample of the partition; `seed` is already this partition's (derived from the
   * user's seed and the partition), so a recomputed partition draws the same records.
   */
  | { kind: 'sample'; withReplacement: boolean; fraction: number; seed: number }
  /** Built-in: record in, [record, start + position in the partition] out. */
  | { kind: 'zipWithIndex'; start: number };

export type Aggregation =
  | { kind: 'sum' }
  | { kind: 'reduce'; fn: FnRef }
  | { kind: 'group' }
  /** Keep the first value per key: distinct() shuffles [record, null] pairs. */
  | { kind: 'first' }
  /**
   * combineByKey's map side: a key's first value becomes `create(v)`, or `merge(clone of zero, v)`
   * (aggregateByKey, foldByKey: every key starts from its own structured clone of the zero value);
   * later values are merged with `merge(acc, v)`.
   */
  | { kind: 'combine'; first: { zero: unknown } | { create: FnRef }; merge: FnRef };

export type PartitionPlan =
  | {
      kind: 'textSplit';
      rddId: number;
      inputId: string;
      fileName: string;
      fileSize: number;
      /** Byte range [start, end); lines are assigned to the split holding their first byte. */
      start: number;
      end: number;
    }
  /** Several small splits read one after the other by one task (small files grouped together). */
  | { kind: 'textSplits'; rddId: number; splits: Extract<PartitionPlan, { kind: 'textSplit' }>[] }
  | { kind: 'parallel'; rddId: number; records: unknown[] }
  | {
      kind: 'shuffleRead';
      rddId: number;
      /** The app the shuffle's blocks live under (a resumed run's shuffles keep their first app's). */
      app: AppId;
      shuffleId: number;
      reducePartition: number;
      /** Map partitions to fetch, with the executor the tracker believes wrote each. */
      maps: { map: number; owner: number | null }[];
      aggregation: Aggregation | null;
      /** Sort the partition by key after reading (sortByKey). */
      sort: { ascending: boolean } | null;
    }
  | { kind: 'narrow'; rddId: number; op: NarrowOp; parent: PartitionPlan }
  /**
   * cogroup: [key, [values of input 0, values of input 1, ...]] for every key present in any input. An
   * input is a shuffleRead (no aggregation) or, for a parent already partitioned like the result, that
   * parent's same partition read in place (a narrow dependency).
   */
  | { kind: 'cogroup'; rddId: number; inputs: PartitionPlan[] }
  /** cartesian: every [left record, right record] pair of one left and one right partition. */
  | { kind: 'cartesian'; rddId: number; left: PartitionPlan; right: PartitionPlan }
  /** coalesce: several parent partitions read one after the other by one task. */
  | { kind: 'coalesced'; rddId: number; parents: PartitionPlan[] }
  /** Read the cached partition if present; otherwise compute the parent and store it. */
  | { kind: 'cached'; rddId: number; partition: number; level: 'memory' | 'disk'; parent: PartitionPlan }
  | { kind: 'checkpointRead'; rddId: number; partition: number };

export type Partitioner =
  | { kind: 'hash' }
  /** upper bounds of the first n-1 reduce partitions, in key order */
  | { kind: 'range'; bounds: unknown[]; ascending: boolean };

export type ResultAction =
  | { kind: 'collect' }
  | { kind: 'count' }
  | { kind: 'take'; n: number }
  | { kind: 'reduce'; fn: FnRef }
  /** fold/aggregate: the partition folded from a structured clone of `zero` with fn(acc, record). */
  | { kind: 'fold'; fn: FnRef; zero: unknown }
  /** foreach: fn(record) for every record; foreachPartition: fn(records of the partition) once. */
  | { kind: 'foreach' | 'foreachPartition'; fn: FnRef }
  /** The n least records of the partition in the engine's key order (descending: the n greatest). */
  | { kind: 'takeOrdered'; n: number; ascending: boolean }
  /** Reservoir-sample up to n keys of [key, value] records, for range partitioning. */
  /** `operator` is the range-partitioned shuffle the keys are for, named if a key is unsupported. */
  | { kind: 'sampleKeys'; n: number; seed: number; operator: string }
  | { kind: 'save'; datasetId: string }
  | { kind: 'checkpoint' };

export type TaskSink =
  | {
      kind: 'shuffleWrite';
      /** The app the shuffle's blocks are written under. */
      app: AppId;
      shuffleId: number;
      /** The shuffling operator, e.g. "reduceByKey (rdd 4)", named by key errors and its combine's. */
      operator: string;
      numReducers: number;
      partitioner: Partitioner;
      /** Map-side combine; null writes records as they come. */
      combine: Aggregation | null;
    }
  | { kind: 'result'; action: ResultAction };
