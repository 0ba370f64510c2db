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
  | { kind: 'keyBy'; fn: FnRef };

export type Aggregation =
  | { kind: 'sum' }
  | { kind: 'reduce'; fn: FnRef }
  | { kind: 'group' }
  /** Keep the first value per key: distinct() shuffles [record, null] pairs. */
  | { kind: 'first' };

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
