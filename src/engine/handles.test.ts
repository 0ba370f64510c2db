import { describe, expect, it } from 'vitest';
import { inProcessContext } from '../testing/inProcessContext';

/** Broadcast variables and accumulators through real tasks (in-process executors). */
describe('broadcast variables', () => {
  it('are shipped once per worker, read as p.b.value, and cannot be changed by a task', async () => {
    const { ctx, backend } = inProcessContext(2);
    const lookup = ctx.broadcast({ a: 1, b: 2 } as Record<string, number>);
    const rdd = ctx.parallelize(['a', 'b', 'a', 'c', 'b', 'a'], 6);
    const out = await rdd.map((w, p) => [w, p.lookup.value[w] ?? 0], { params: { lookup } }).collect();
    expect(out).toEqual([
      ['a', 1],
      ['b', 2],
      ['a', 1],
      ['c', 0],
      ['b', 2],
      ['a', 1],
    ]);
    const shipped = backend.launched.flatMap((t) => t.broadcasts.map((b) => ({ id: b.id, to: t.taskId })));
    // Six tasks on two workers: the value travels with the first task each worker runs, and never again.
    expect(shipped).toHaveLength(2);
    await expect(
      rdd
        .map(
          (w, p) => {
            p.lookup.value[w] = 9;
            return w;
          },
          { params: { lookup } },
        )
        .collect(),
    ).rejects.toThrow(/Cannot assign to read only property|object is not extensible/);
  });

  it('reach a replacement worker after a worker is lost', async () => {
    const { ctx, backend } = inProcessContext(2);
    const b = ctx.broadcast([10, 20]);
    const rdd = ctx.parallelize([0, 1], 2).map((i, p) => p.b.value[i], { params: { b } });
    expect(await rdd.collect()).toEqual([10, 20]);
    ctx.chaos.killExecutor(1);
    expect(await rdd.collect()).toEqual([10, 20]);
    // The replacement (worker 3) received it with its first task.
    const to3 = backend.launched.filter((t) => t.broadcasts.length > 0).length;
    expect(to3).toBe(3);
  });
});

describe('accumulators', () => {
  it('count each successful task once when every task fails once after adding', async () => {
    const { ctx, events } = inProcessContext(2);
    const seen = ctx.accumulator(0);
    // In-process executors share this realm: the first attempt of each partition adds, then throws.
    const g = globalThis as { __attempted?: Set<number> };
    g.__attempted = new Set();
    await ctx.parallelize([1, 2, 3, 4, 5, 6], 3).foreachPartition(
      (xs, p) => {
        for (const x of xs) p.seen.add(x);
        const attempted = (globalThis as unknown as { __attempted: Set<number> }).__attempted;
        if (!attempted.has(xs[0]!)) {
          attempted.add(xs[0]!);
          throw new Error('first attempt fails');
        }
      },
      { params: { seen } },
    );
    delete g.__attempted;
    const failed = events.filter((e) => e.type === 'task.ended' && e.outcome === 'failed');
    expect(failed).toHaveLength(3);
    // 1 + ... + 6 once: the failed attempts' adds were discarded with their results.
    expect(seen.value).toBe(21);
  });

  it('fail the job, naming the operator, when a task adds a number to a bigint accumulator (it used to hang)', async () => {
    const { ctx } = inProcessContext(2);
    const big = ctx.accumulator(0n);
    const rdd = ctx.parallelize([1, 2, 3], 1);
    await expect(rdd.foreach((_, p) => p.big.add(1 as unknown as bigint), { params: { big } })).rejects.toThrow(
      /foreach.*accumulator \d+ holds a bigint: add\(\) got a number/s,
    );
    expect(big.value).toBe(0n);
  });

  it('keep adding across actions, and hold numbers or bigints only', async () => {
    const { ctx } = inProcessContext(2);
    const n = ctx.accumulator(0);
    const rdd = ctx.parallelize([...Array(10).keys()], 2);
    await rdd.foreach((_, p) => p.n.add(1), { params: { n } });
    await rdd.foreach((_, p) => p.n.add(1), { params: { n } });
    expect(n.value).toBe(20);
    expect(() => ctx.accumulator('0' as unknown as number)).toThrow(
      'ctx.accumulator(initial) needs a number or a bigint to add to, got string.',
    );
  });
});
