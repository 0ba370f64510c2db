import type { TaskOutput } from '../protocol';
import { decodeRecords } from '../common/codec';
import { EmberflowError } from './errors';
import { compareKeys } from '../common/ordering';
import type { ActionSpec, RDD } from './rdd';

/** The records of every `records` output, in partition order. */
export function outputRecords(outputs: readonly TaskOutput[]): unknown[] {
  return outputs.flatMap((o) => (o.kind === 'records' ? decodeRecords(new Uint8Array(o.payload)) : []));
}

/**
 * An action's result from its tasks' outputs, or, for a reduce over several partitions, the partial
 * results still to reduce: user functions run only in workers, so that takes one more task.
 */
export type CombinedResult = { kind: 'done'; value: unknown } | { kind: 'reducePartials'; partials: unknown[] };

/** Combines the outputs of an action's tasks (one per partition, in partition order) on the main thread. */
export function combineResults(rdd: RDD<unknown>, action: ActionSpec, outputs: readonly TaskOutput[]): CombinedResult {
  const done = (value: unknown): CombinedResult => ({ kind: 'done', value });
  switch (action.kind) {
    case 'collect':
      return done(outputRecords(outputs));
    case 'take':
      return done(outputRecords(outputs).slice(0, action.n));
    case 'count':
      return done(outputs.reduce((n, o) => n + (o.kind === 'count' ? o.count : 0), 0));
    case 'reduce': {
      const partials = outputs.flatMap((o) =>
        o.kind === 'reduced' && o.payload ? decodeRecords(new Uint8Array(o.payload)) : [],
      );
      if (partials.length === 0)
        throw new EmberflowError(
          'E_EMPTY_REDUCE',
          `reduce() of ${rdd.label} found no records: reduce needs at least one.`,
        );
      return partials.length === 1 ? done(partials[0]) : { kind: 'reducePartials', partials };
    }
    case 'fold':
      // One partial per partition, in partition order; the RDD folds them in one more task.
      return done(
        outputs.flatMap((o) => (o.kind === 'reduced' && o.payload ? decodeRecords(new Uint8Array(o.payload)) : [])),
      );
    case 'takeOrdered': {
      const dir = action.ascending ? 1 : -1;
      const all = outputRecords(outputs);
      // Stable: equal records keep partition order, as Spark's merge of the partitions' queues does.
      return done(all.sort((a, b) => dir * compareKeys(a, b)).slice(0, action.n));
    }
    case 'partitionCounts':
      return done(outputs.map((o) => (o.kind === 'count' ? o.count : 0)));
    case 'foreach':
    case 'foreachPartition':
      return done(undefined);
    case 'save':
      return done(action.datasetId);
    case 'sampleKeys':
    case 'checkpoint':
      return done(undefined);
  }
}
