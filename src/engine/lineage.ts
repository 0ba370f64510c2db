import type { RDD, ShuffleDependency } from './rdd';

/**
 * The one view of the RDD graph: what each RDD depends on (Spark's `rdd.dependencies`) and the one walk
 * over it. Nothing else in the engine matches on `RDD.source` to find parents.
 */

/** Partition p of the child reads partition p of `parent` (map, filter, ...): Spark's OneToOneDependency. */
export interface OneToOneDependency {
  readonly kind: 'oneToOne';
  readonly parent: RDD<unknown>;
}

/**
 * Partitions [outStart, outStart + parent.numPartitions) of the child read the parent's partitions from
 * 0 on (one parent of a union): Spark's RangeDependency.
 */
export interface RangeDependency {
  readonly kind: 'range';
  readonly parent: RDD<unknown>;
  readonly outStart: number;
}

/**
 * Child partition p reads partitions `groups[p]` of the parent, one after the other (coalesce): Spark's
 * CoalescedRDD dependency.
 */
export interface CoalesceDependency {
  readonly kind: 'coalesce';
  readonly parent: RDD<unknown>;
  readonly groups: readonly (readonly number[])[];
}

/**
 * One side of a cartesian product: child partition p reads left partition floor(p / rightPartitions)
 * and right partition p % rightPartitions (Spark's CartesianRDD dependencies).
 */
export interface CartesianDependency {
  readonly kind: 'cartesian';
  readonly parent: RDD<unknown>;
  readonly side: 'left' | 'right';
  readonly rightPartitions: number;
}

export type NarrowDependency = OneToOneDependency | RangeDependency | CoalesceDependency | CartesianDependency;

/** A narrow edge (pipelined inside one task) or a shuffle (where a stage ends). */
export type Dependency = NarrowDependency | ShuffleDependency;

/** The RDDs `rdd` computes its partitions from, in order (none for a source). */
export function dependencies(rdd: RDD<unknown>): Dependency[] {
  const s = rdd.source;
  switch (s.kind) {
    case 'text':
    case 'parallel':
      return [];
    case 'narrow':
      return [{ kind: 'oneToOne', parent: s.parent }];
    case 'union': {
      let outStart = 0;
      return s.parents.map((parent) => {
        const dep: RangeDependency = { kind: 'range', parent, outStart };
        outStart += parent.numPartitions;
        return dep;
      });
    }
    case 'shuffled':
      return [s.dep];
    case 'cogrouped':
      // A co-partitioned input is read in place: partition p of the cogroup reads its partition p.
      return s.inputs.map((i) => (i.kind === 'shuffled' ? i.dep : { kind: 'oneToOne', parent: i.parent }));
    case 'cartesian': {
      const rightPartitions = s.right.numPartitions;
      return [
        { kind: 'cartesian', parent: s.left, side: 'left', rightPartitions },
        { kind: 'cartesian', parent: s.right, side: 'right', rightPartitions },
      ];
    }
    case 'coalesced':
      return [{ kind: 'coalesce', parent: s.parent, groups: s.groups }];
  }
}

/** The partitions of `dep.parent` that partition `partition` of the child reads (none, one or several). */
export function parentPartitions(dep: NarrowDependency, partition: number): readonly number[] {
  switch (dep.kind) {
    case 'oneToOne':
      return [partition];
    case 'range': {
      const p = partition - dep.outStart;
      return p >= 0 && p < dep.parent.numPartitions ? [p] : [];
    }
    case 'coalesce':
      return dep.groups[partition] ?? [];
    case 'cartesian':
      return [dep.side === 'left' ? Math.floor(partition / dep.rightPartitions) : partition % dep.rightPartitions];
  }
}

/**
 * The rule a walk follows at a checkpointed RDD. Its partitions are read back from the checkpoint, so
 * its own dependencies are no longer computed; but the RDDs below it still exist and may hold blocks.
 * - `'stop'`: the checkpointed RDD is reached, its dependencies are not. For everything about computing
 *   partitions: the stages of a job, the operators a stage runs, the cached partition a task reads
 *   first, the lineage printed for people.
 * - `'through'`: its dependencies are followed as if it were not checkpointed. For everything about what
 *   was built: registering inputs, shuffles and caches with the cleaner, sampling range bounds, numbering
 *   shuffles, a journaled run's shuffles, caches to release after an action.
 */
export type AtCheckpoint = 'stop' | 'through';

export interface LineageWalk {
  readonly atCheckpoint: AtCheckpoint;
  /**
   * `'cross'` follows shuffle dependencies like narrow ones. `'stop'` keeps to the narrow part (the RDDs
   * one stage pipelines): each shuffle dependency met goes to `visitor.shuffle` and its parent is not
   * reached through it (it may still be reached through a narrow path).
   */
  readonly atShuffle: 'cross' | 'stop';
  /**
   * Follow only the narrow dependencies that feed this partition of the root, tracking which partition
   * of each RDD that is (the chain one task's plan reads, as in Spark's getPreferredLocs).
   */
  readonly partition?: number;
  /**
   * By default an RDD reached along several paths is visited once (a graph walk). With `tree`, once per
   * path, as a printed lineage shows a shared parent under each child.
   */
  readonly tree?: boolean;
}

export interface LineageVisitor {
  /**
   * An RDD is reached, depth first, parents in dependency order; `via` is the dependency it was reached
   * through (null for the root), `partition` its partition when the walk follows one. Return false to
   * not follow its dependencies.
   */
  enter?(rdd: RDD<unknown>, via: Dependency | null, partition: number | undefined): boolean | void;
  /** After the dependencies of an entered RDD were followed (or not). */
  leave?(rdd: RDD<unknown>): void;
  /** A shuffle dependency met in a walk that stops at shuffles. */
  shuffle?(dep: ShuffleDependency): void;
}

/** The one lineage walk: every other view of the graph is built on it. */
export function walkLineage(root: RDD<unknown>, walk: LineageWalk, visitor: LineageVisitor): void {
  const seen = new Set<RDD<unknown>>();
  const visit = (rdd: RDD<unknown>, via: Dependency | null, partition: number | undefined) => {
    if (!walk.tree) {
      if (seen.has(rdd)) return;
      seen.add(rdd);
    }
    const follow =
      visitor.enter?.(rdd, via, partition) !== false && !(rdd.checkpointed && walk.atCheckpoint === 'stop');
    if (follow) {
      for (const dep of dependencies(rdd)) {
        if (dep.kind === 'shuffle') {
          if (walk.atShuffle === 'stop') visitor.shuffle?.(dep);
          else if (partition === undefined) visit(dep.parent, dep, undefined);
          continue;
        }
        if (partition === undefined) {
          visit(dep.parent, dep, undefined);
        } else {
          // A graph walk visits an RDD once: of a coalesce's several parent partitions, the first.
          for (const p of parentPartitions(dep, partition)) visit(dep.parent, dep, p);
        }
      }
    }
    visitor.leave?.(rdd);
  };
  visit(root, null, walk.partition);
}

/** Everything a job on `rdd` may touch. */
const EVERYTHING: LineageWalk = { atCheckpoint: 'through', atShuffle: 'cross' };

/** Every RDD in the lineage of `rdd`, itself first, through checkpoints (depth first, parents in order). */
export function lineage(rdd: RDD<unknown>): RDD<unknown>[] {
  const out: RDD<unknown>[] = [];
  walkLineage(rdd, EVERYTHING, { enter: (r) => void out.push(r) });
  return out;
}

/** The shuffle dependencies in the lineage of `rdd`, through checkpoints, in lineage order (the last shuffle first). */
export function shuffleDependencies(rdd: RDD<unknown>): ShuffleDependency[] {
  return lineage(rdd).flatMap((r) => dependencies(r).filter((d): d is ShuffleDependency => d.kind === 'shuffle'));
}

/**
 * The shuffle dependencies below `rdd`, through checkpoints, each after the shuffles its own parent
 * depends on (the deepest first): the order shuffle ids are given in.
 */
export function shuffleDependenciesInnerFirst(rdd: RDD<unknown>): ShuffleDependency[] {
  const out: ShuffleDependency[] = [];
  walkLineage(rdd, EVERYTHING, {
    leave: (r) => {
      for (const dep of dependencies(r)) if (dep.kind === 'shuffle') out.push(dep);
    },
  });
  return out;
}

/**
 * The shuffle dependencies where the stage computing `rdd` begins (Spark's getShuffleDependencies): met
 * along its narrow lineage, which ends at checkpointed RDDs because their partitions are read back.
 */
export function stageShuffleDependencies(rdd: RDD<unknown>): ShuffleDependency[] {
  const out: ShuffleDependency[] = [];
  walkLineage(rdd, { atCheckpoint: 'stop', atShuffle: 'stop' }, { shuffle: (dep) => out.push(dep) });
  return out;
}
