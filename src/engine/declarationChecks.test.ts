import { describe, expect, it } from 'vitest';
import { NotSerializableError } from '../common/notSerializableError';
import type { EngineEvent } from '../protocol';
import { inProcessContext } from '../testing/inProcessContext';

const setup = inProcessContext;

const jobEvents = (events: EngineEvent[]) =>
  events.filter((e) => e.type.startsWith('job.') || e.type.startsWith('stage.') || e.type.startsWith('task.'));

describe('values that cannot reach a worker fail when declared, like Spark\'s "Task not serializable"', () => {
  it('a function inside params fails the transformation, naming operator and path; no task runs', () => {
    const { ctx, backend, events } = setup();
    const words = ctx.parallelize(['a', 'b'], 2);
    expect(() =>
      words.map((w, p) => p.lookup.f(w), { params: { lookup: { f: (w: string) => w.toUpperCase() } } }),
    ).toThrow(
      new NotSerializableError('map (rdd 1)', 'a function', {
        path: 'params.lookup.f',
        advice: 'pass data, not functions (define a helper inside the function itself)',
      }),
    );
    expect(() => words.map((w, p) => p.lookup.f(w), { params: { lookup: { f: (w: string) => w } } })).toThrow(
      'map (rdd 1): params.lookup.f is a function, which cannot be sent to a worker; pass data, not functions',
    );
    expect(jobEvents(events)).toEqual([]);
    expect(backend.launched).toEqual([]);
  });

  it('checks the params of every operator that takes a function, reduce included', async () => {
    const { ctx, events } = setup();
    const pairs = ctx.parallelize([['a', 1] as [string, number]], 1);
    const bad = { params: { tag: Symbol('t') } };
    expect(() => pairs.filter(() => true, bad)).toThrow('filter (rdd 1): params.tag is a symbol');
    expect(() => pairs.flatMap((x) => [x], bad)).toThrow('flatMap (rdd 1): params.tag is a symbol');
    expect(() => pairs.mapPartitions((x) => x, bad)).toThrow('mapPartitions (rdd 1): params.tag is a symbol');
    expect(() => pairs.keyBy((x) => x[0], bad)).toThrow('keyBy (rdd 1): params.tag is a symbol');
    expect(() => pairs.reduceByKey((a, b) => a + b, bad)).toThrow('reduceByKey (rdd 1): params.tag is a symbol');
    expect(() => pairs.sortBy((x) => x[1], true, bad)).toThrow('keyBy (rdd 1): params.tag is a symbol');
    await expect(pairs.reduce((a) => a, bad)).rejects.toThrow('reduce (rdd 1): params.tag is a symbol');
    expect(jobEvents(events)).toEqual([]);
  });

  it('a function or class instance inside parallelize data fails parallelize; no task runs', () => {
    const { ctx, backend, events } = setup();
    class Point {
      constructor(readonly x: number) {}
    }
    expect(() => ctx.parallelize([{ id: 1 }, { id: 2, cb: () => 2 }], 2)).toThrow(
      'parallelize (rdd 0): data[1].cb is a function, which cannot be sent to a worker; pass data, not functions',
    );
    expect(() => ctx.parallelize([[1, new Point(1)]], 1)).toThrow(
      'parallelize (rdd 0): data[0][1] is a Point instance',
    );
    expect(jobEvents(events)).toEqual([]);
    expect(backend.launched).toEqual([]);
  });

  it('what a worker can receive still runs: Map and Set params, Dates and cycles in data', async () => {
    const { ctx } = setup();
    const stop = { stopWords: new Set(['the']), plural: new Map([['cat', 'cats']]) };
    const words = await ctx
      .parallelize(['the', 'cat', 'dog'], 2)
      .filter((w, p) => !p.stopWords.has(w), { params: stop })
      .map((w, p) => p.plural.get(w) ?? w, { params: stop })
      .collect();
    expect(words).toEqual(['cats', 'dog']);
    const node: { name: string; self?: unknown } = { name: 'n' };
    node.self = node;
    expect(
      await ctx
        .parallelize([new Date(5), node], 1)
        .map((x) => (x instanceof Date ? x.getTime() : (x as { self: { name: string } }).self.name))
        .collect(),
    ).toEqual([5, 'n']);
  });
});
