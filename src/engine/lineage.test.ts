import { describe, expect, it } from 'vitest';
import type { JobRunner } from './jobRunner';
import {
  dependencies,
  lineage,
  parentPartitions,
  shuffleDependencies,
  shuffleDependenciesInnerFirst,
  stageShuffleDependencies,
  walkLineage,
} from './lineage';
import { RDD } from './rdd';

/** Ids only: these tests build lineage and never run a job. */
function runner(): JobRunner {
  let rdd = 0;
  let shuffle = 0;
  return {
    app: 'app-test',
    nextRddId: () => rdd++,
    peekRddId: () => rdd,
    nextShuffleId: () => shuffle++,
    runJob: () => Promise.reject(new Error('no jobs in lineage tests')),
    dropCachedRdd: () => Promise.resolve(),
  };
}

const source = (r: JobRunner, n = 2) =>
  new RDD<[string, number]>(r, { kind: 'parallel', slices: Array.from({ length: n }, () => []) }, n, 'parallelize');
const ids = (rdds: RDD<unknown>[]) => rdds.map((x) => x.id);

describe('dependencies(rdd)', () => {
  it('is one-to-one for a narrow operator, one range per union parent, the shuffle for a shuffled RDD, none for a source', () => {
    const r = runner();
    const a = source(r, 2);
    const b = source(r, 3);
    const mapped = a.map((x) => x);
    const union = a.union(b);
    const reduced = a.reduceByKey('sum');
    expect(dependencies(a as RDD<unknown>)).toEqual([]);
    expect(dependencies(mapped as RDD<unknown>)).toEqual([{ kind: 'oneToOne', parent: a }]);
    expect(dependencies(union as RDD<unknown>)).toEqual([
      { kind: 'range', parent: a, outStart: 0 },
      { kind: 'range', parent: b, outStart: 2 },
    ]);
    const [dep] = dependencies(reduced as RDD<unknown>);
    expect(dep?.kind).toBe('shuffle');
    expect(dep?.parent).toBe(a);
  });

  it("maps a union's partitions onto its parents' partitions", () => {
    const r = runner();
    const [first, second] = dependencies(source(r, 2).union(source(r, 3)) as RDD<unknown>) as [
      Parameters<typeof parentPartitions>[0],
      Parameters<typeof parentPartitions>[0],
    ];
    expect([0, 1, 2, 3, 4].map((p) => parentPartitions(first, p))).toEqual([[0], [1], [], [], []]);
    expect([0, 1, 2, 3, 4].map((p) => parentPartitions(second, p))).toEqual([[], [], [0], [1], [2]]);
    expect(parentPartitions({ kind: 'oneToOne', parent: source(r) as RDD<unknown> }, 7)).toEqual([7]);
  });
});

describe('the lineage walk', () => {
  /** 0 ─ 1 (map) ─ 2 (reduceByKey) ─ 3 (map), checkpointed at 1. */
  function checkpointedChain() {
    const r = runner();
    const base = source(r);
    const mapped = base.map((x) => x);
    const reduced = mapped.reduceByKey('sum');
    const top = reduced.map((x) => x);
    mapped.checkpointed = true;
    return { base, mapped, reduced, top };
  }

  it('lineage() goes through checkpointed RDDs and across shuffles, itself first, a shared parent once', () => {
    const { base, mapped, reduced, top } = checkpointedChain();
    expect(ids(lineage(top as RDD<unknown>))).toEqual([top.id, reduced.id, mapped.id, base.id]);
    const r = runner();
    const a = source(r);
    expect(ids(lineage(a.union(a.map((x) => x)) as RDD<unknown>))).toEqual([2, 0, 1]);
  });

  it('stops at a checkpointed RDD only when the walk says so, and still reaches the RDD itself', () => {
    const { base, mapped, reduced, top } = checkpointedChain();
    const reached = (atCheckpoint: 'stop' | 'through') => {
      const out: number[] = [];
      walkLineage(top as RDD<unknown>, { atCheckpoint, atShuffle: 'cross' }, { enter: (x) => void out.push(x.id) });
      return out;
    };
    expect(reached('stop')).toEqual([top.id, reduced.id, mapped.id]);
    expect(reached('through')).toEqual([top.id, reduced.id, mapped.id, base.id]);
  });

  it('the shuffles where a stage begins end at checkpoints; the shuffles a job registers do not', () => {
    const r = runner();
    const inner = source(r).reduceByKey('sum');
    const innerMapped = inner.map((x) => x);
    const outer = innerMapped.reduceByKey('sum');
    const top = outer.map((x) => x);
    expect(stageShuffleDependencies(top as RDD<unknown>).map((d) => d.parent)).toEqual([innerMapped]);
    expect(shuffleDependencies(top as RDD<unknown>).length).toBe(2);
    outer.checkpointed = true;
    expect(stageShuffleDependencies(top as RDD<unknown>)).toEqual([]);
    expect(shuffleDependencies(top as RDD<unknown>).length).toBe(2);
  });

  it('numbers shuffles the deepest first, each union branch in turn', () => {
    const r = runner();
    const left = source(r)
      .reduceByKey('sum')
      .map((x) => x)
      .reduceByKey('sum');
    const right = source(r).reduceByKey('sum');
    const deps = shuffleDependenciesInnerFirst(left.union(right) as RDD<unknown>);
    expect(deps.map((d) => d.operator)).toEqual(['reduceByKey (rdd 1)', 'reduceByKey (rdd 3)', 'reduceByKey (rdd 5)']);
    // In lineage order the last shuffle comes first.
    expect(shuffleDependencies(left.union(right) as RDD<unknown>).map((d) => d.operator)).toEqual([
      'reduceByKey (rdd 3)',
      'reduceByKey (rdd 1)',
      'reduceByKey (rdd 5)',
    ]);
  });

  it('a walk that stops at shuffles still reaches their parent along a narrow path', () => {
    const r = runner();
    const a = source(r);
    const both = a.reduceByKey('sum').union(a.map((x) => x));
    const out: number[] = [];
    const shuffles: string[] = [];
    walkLineage(
      both as RDD<unknown>,
      { atCheckpoint: 'stop', atShuffle: 'stop' },
      { enter: (x) => void out.push(x.id), shuffle: (d) => void shuffles.push(d.operator) },
    );
    expect(out).toEqual([both.id, 1, 2, a.id]);
    expect(shuffles).toEqual(['reduceByKey (rdd 1)']);
  });

  it('following one partition tracks it through unions and ends at shuffles', () => {
    const r = runner();
    const a = source(r, 2);
    const b = source(r, 3).map((x) => x);
    const top = a.union(b).map((x) => x);
    const steps = (partition: number) => {
      const out: string[] = [];
      walkLineage(
        top as RDD<unknown>,
        { atCheckpoint: 'stop', atShuffle: 'stop', partition },
        { enter: (x, _via, p) => void out.push(`${x.id}:${p}`) },
      );
      return out;
    };
    expect(steps(1)).toEqual([`${top.id}:1`, `${top.id - 1}:1`, `${a.id}:1`]);
    expect(steps(3)).toEqual([`${top.id}:3`, `${top.id - 1}:3`, `${b.id}:1`, `${b.id - 1}:1`]);
  });

  it('a tree walk visits a shared parent once per path, with leave after its parents', () => {
    const r = runner();
    const a = source(r);
    const both = a.union(a);
    const events: string[] = [];
    walkLineage(
      both as RDD<unknown>,
      { atCheckpoint: 'stop', atShuffle: 'cross', tree: true },
      { enter: (x) => void events.push(`+${x.id}`), leave: (x) => void events.push(`-${x.id}`) },
    );
    expect(events).toEqual([`+${both.id}`, `+${a.id}`, `-${a.id}`, `+${a.id}`, `-${a.id}`, `-${both.id}`]);
  });
});
