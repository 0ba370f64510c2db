import type { Aggregation, FnRef, NarrowOp, PartitionPlan, ShippedFunction, TaskSink } from '../protocol';
import type { AggregationSpec, NarrowOpSpec, RDD, ShuffleDependency } from './rdd';
import type { MapOutputTracker } from './mapOutputTracker';
import type { ActionSpec } from './rdd';
import { dependencies, parentPartition } from './lineage';

type TextSplitPlan = Extract<PartitionPlan, { kind: 'textSplit' }>;

/**
 * Turns the lineage of one stage into plain-data task plans. Narrow dependencies nest inside one plan
 * (pipelined in one task); a shuffle dependency becomes a shuffleRead leaf; a cached RDD wraps its
 * parent's plan; a checkpointed RDD is a leaf.
 */
export class StagePlanner {
  readonly functions: ShippedFunction[] = [];
  readonly #refs = new Map<ShippedFunction, FnRef>();
  readonly #tracker: MapOutputTracker;
  readonly #inputIds: Pick<ReadonlyMap<RDD<unknown>, string[]>, 'get'>;

  /** `inputIds` maps each text RDD to the stored input id of each of its files. */
  constructor(tracker: MapOutputTracker, inputIds: Pick<ReadonlyMap<RDD<unknown>, string[]>, 'get'>) {
    this.#tracker = tracker;
    this.#inputIds = inputIds;
  }

  #ref(fn: ShippedFunction): FnRef {
    let ref = this.#refs.get(fn);
    if (ref === undefined) {
      ref = this.functions.push(fn) - 1;
      this.#refs.set(fn, ref);
    }
    return ref;
  }

  aggregation(spec: AggregationSpec | null): Aggregation | null {
    if (!spec) return null;
    return spec.kind === 'reduce' ? { kind: 'reduce', fn: this.#ref(spec.fn) } : spec;
  }

  #op(op: NarrowOpSpec): NarrowOp {
    switch (op.kind) {
      case 'tokenize':
      case 'pairWithOne':
      case 'values':
        return op;
      default:
        return { kind: op.kind, fn: this.#ref(op.fn) };
    }
  }

  plan(rdd: RDD<unknown>, partition: number): PartitionPlan {
    if (rdd.checkpointed) return { kind: 'checkpointRead', rddId: rdd.id, partition };
    const computed = this.#compute(rdd, partition);
    if (rdd.storageLevel) {
      return { kind: 'cached', rddId: rdd.id, partition, level: rdd.storageLevel, parent: computed };
    }
    return computed;
  }

  #compute(rdd: RDD<unknown>, partition: number): PartitionPlan {
    const s = rdd.source;
    switch (s.kind) {
      case 'text': {
        const inputIds = this.#inputIds.get(rdd);
        if (!inputIds) throw new Error(`Input of ${rdd.label} was not stored before planning.`);
        const splits = s.partitions[partition]!.map((split): TextSplitPlan => {
          const file = s.files[split.file]!;
          return {
            kind: 'textSplit',
            rddId: rdd.id,
            inputId: inputIds[split.file]!,
            fileName: file.name,
            fileSize: file.size,
            start: split.start,
            end: split.end,
          };
        });
        return splits.length === 1 ? splits[0]! : { kind: 'textSplits', rddId: rdd.id, splits };
      }
      case 'parallel':
        return { kind: 'parallel', rddId: rdd.id, records: s.slices[partition]! };
      case 'narrow':
        return { kind: 'narrow', rddId: rdd.id, op: this.#op(s.op), parent: this.plan(s.parent, partition) };
      case 'union': {
        for (const dep of dependencies(rdd)) {
          const p = dep.kind === 'shuffle' ? null : parentPartition(dep, partition);
          if (p !== null) return this.plan(dep.parent, p);
        }
        throw new Error(`Partition ${partition} is out of range for ${rdd.label}.`);
      }
      case 'shuffled':
        return {
          kind: 'shuffleRead',
          rddId: rdd.id,
          app: s.dep.app,
          shuffleId: s.dep.shuffleId,
          reducePartition: partition,
          maps: this.#tracker.locations(s.dep.shuffleId, partition),
          aggregation: this.aggregation(s.aggregation),
          sort: s.sort,
        };
    }
  }

  shuffleSink(dep: ShuffleDependency): TaskSink {
    const p = dep.partitioner;
    if (p.kind === 'range' && p.bounds.status !== 'known') {
      throw new Error(`Range bounds of shuffle ${dep.shuffleId} must be sampled before its map stage runs.`);
    }
    return {
      kind: 'shuffleWrite',
      app: dep.app,
      shuffleId: dep.shuffleId,
      operator: dep.operator,
      numReducers: dep.numReducers,
      partitioner:
        p.kind === 'hash'
          ? p
          : { kind: 'range', ascending: p.ascending, bounds: p.bounds.status === 'known' ? p.bounds.bounds : [] },
      combine: this.aggregation(dep.mapSideCombine),
    };
  }

  resultSink(action: ActionSpec): TaskSink {
    return { kind: 'result', action: action.kind === 'reduce' ? { kind: 'reduce', fn: this.#ref(action.fn) } : action };
  }
}
