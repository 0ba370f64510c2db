import type { Aggregation, FnRef, NarrowOp, PartitionPlan, ShippedFunction, TaskSink } from '../protocol';
import type { AggregationSpec, NarrowOpSpec, RDD, ShuffleDependency } from './rdd';
import type { MapOutputTracker } from './mapOutputTracker';
import type { ActionSpec } from './rdd';
import { dependencies, parentPartitions } from './lineage';
import { partitionSeed } from '../common/partitionSeed';

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
    switch (spec.kind) {
      case 'reduce':
        return { kind: 'reduce', fn: this.#ref(spec.fn) };
      case 'combine':
        return {
          kind: 'combine',
          first: 'zero' in spec.first ? { zero: spec.first.zero } : { create: this.#ref(spec.first.create) },
          merge: this.#ref(spec.merge),
        };
      default:
        return spec;
    }
  }

  #op(op: NarrowOpSpec, rdd: RDD<unknown>, partition: number): NarrowOp {
    switch (op.kind) {
      case 'tokenize':
      case 'pairWithOne':
      case 'values':
      case 'keys':
      case 'glom':
        return op;
      case 'sample':
        return { ...op, seed: partitionSeed(op.seed, partition) };
      case 'zipWithIndex': {
        if (op.offsets.status !== 'known')
          throw new Error(`The partition offsets of ${rdd.label} must be counted before its stage runs.`);
        return { kind: 'zipWithIndex', start: op.offsets.starts[partition]! };
      }
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
        return {
          kind: 'narrow',
          rddId: rdd.id,
          op: this.#op(s.op, rdd, partition),
          parent: this.plan(s.parent, partition),
        };
      case 'union': {
        for (const dep of dependencies(rdd)) {
          const p = dep.kind === 'shuffle' ? undefined : parentPartitions(dep, partition)[0];
          if (p !== undefined) return this.plan(dep.parent, p);
        }
        throw new Error(`Partition ${partition} is out of range for ${rdd.label}.`);
      }
      case 'shuffled':
        return this.#shuffleRead(rdd, s.dep, partition, this.aggregation(s.aggregation), s.sort);
      case 'cogrouped':
        return {
          kind: 'cogroup',
          rddId: rdd.id,
          inputs: s.inputs.map((i) =>
            i.kind === 'shuffled'
              ? this.#shuffleRead(rdd, i.dep, partition, null, null)
              : this.plan(i.parent, partition),
          ),
        };
      case 'cartesian': {
        const n = s.right.numPartitions;
        return {
          kind: 'cartesian',
          rddId: rdd.id,
          left: this.plan(s.left, Math.floor(partition / n)),
          right: this.plan(s.right, partition % n),
        };
      }
      case 'coalesced':
        return { kind: 'coalesced', rddId: rdd.id, parents: s.groups[partition]!.map((p) => this.plan(s.parent, p)) };
    }
  }

  #shuffleRead(
    rdd: RDD<unknown>,
    dep: ShuffleDependency,
    partition: number,
    aggregation: Aggregation | null,
    sort: { ascending: boolean } | null,
  ): PartitionPlan {
    return {
      kind: 'shuffleRead',
      rddId: rdd.id,
      app: dep.app,
      shuffleId: dep.shuffleId,
      reducePartition: partition,
      maps: this.#tracker.locations(dep.shuffleId, partition),
      aggregation,
      sort,
    };
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
    switch (action.kind) {
      case 'reduce':
      case 'foreach':
      case 'foreachPartition':
        return { kind: 'result', action: { kind: action.kind, fn: this.#ref(action.fn) } };
      case 'fold':
        return { kind: 'result', action: { kind: 'fold', fn: this.#ref(action.fn), zero: action.zero } };
      case 'partitionCounts':
        return { kind: 'result', action: { kind: 'count' } };
      default:
        return { kind: 'result', action };
    }
  }
}
