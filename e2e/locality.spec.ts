import { test, expect } from './fixtures';

// Locality of persist('memory') partitions in real Chromium, with real workers: a second action reads
// every cached partition where it is cached (Spark's delay scheduling), and a partition cached on two
// workers survives the death of one of them.

interface TaskEnd {
  job: number;
  partition: number;
  executorId: number;
  read: string | null;
  cachedRdd: number | null;
}

interface Run {
  counts: number[];
  rddId: number;
  /** Owner of each partition's copy after the first count, by partition. */
  firstHolders: number[];
  /** Successful task ends of every job after the first. */
  ends: TaskEnd[];
  /** Blocks reported during each job, as "partition@worker" (index 0: the first count). */
  added: string[][];
  /** Copies known after each job, as sorted "partition@worker". */
  known: string[][];
  killed: number | null;
  removedExplanation: string[];
}

test('a second count() of a memory-cached RDD reads every partition from its cached copy: none is recomputed', async ({ harness }) => {
  const run: Run = await harness.evaluate(async () => {
    const ctx = window.emberflow.createContext({ workers: 2, name: `locality-${Math.random().toString(36).slice(2)}` });
    const ends: TaskEnd[] = [];
    const added: string[][] = [];
    let job = -1;
    ctx.events.subscribe((e) => {
      if (e.type === 'job.submitted') added[++job] = [];
      if (e.type === 'blocks.added') added[job]!.push(...e.blocks.map((b) => `${b.id.split('/')[2]}@${b.owner}`));
      if (e.type === 'task.ended' && e.outcome === 'success' && job > 0) {
        ends.push({ job, partition: e.partition, executorId: e.executorId, read: e.cache?.read ?? null, cachedRdd: e.cache?.rddId ?? null });
      }
    });
    const known = (rddId: number) => ctx.blocks().filter((b) => b.id.startsWith(`rdd/${rddId}/`)).map((b) => `${b.id.split('/')[2]}@${b.owner}`).sort();
    try {
      const data = Array.from({ length: 1000 }, (_, i) => i);
      // Partition 0 takes 500 ms the first time, so the worker computing it caches only it (or little
      // more): the other worker caches the rest, and in the second count the first is free long before.
      const cached = ctx
        .parallelize(data, 10)
        .map((x: number) => {
          if (x === 0) for (const end = performance.now() + 500; performance.now() < end; );
          return x * 2;
        })
        .persist('memory');
      const counts = [await cached.count()];
      const firstHolders: number[] = [];
      for (const b of ctx.blocks()) firstHolders[Number(b.id.split('/')[2])] = b.owner!;
      // Every task now sleeps 30 ms, so a worker that finishes its own partitions sees the other busy.
      ctx.configure({ taskDelayMs: 30 });
      counts.push(await cached.count());
      return { counts, rddId: cached.id, firstHolders, ends, added, known: [known(cached.id)], killed: null, removedExplanation: [] };
    } finally {
      await ctx.stop();
    }
  });
  expect(run.counts).toEqual([1000, 1000]);
  // The first count cached all 10 partitions unevenly (else this test could not catch a steal).
  expect(run.added[0]).toHaveLength(10);
  const holder0 = run.firstHolders[0]!;
  expect(run.firstHolders.filter((h) => h === holder0).length).toBeLessThan(5);
  // The second: 10 tasks, each on the worker that cached its partition, each reading its cached copy.
  expect(run.ends.map((e) => `${e.partition}@${e.executorId}:${e.read}`).sort()).toEqual(
    run.firstHolders.map((h, p) => `${p}@${h}:cached`).sort(),
  );
  expect(run.ends.every((e) => e.cachedRdd === run.rddId)).toBe(true);
  expect(run.added[1]).toEqual([]);
});

test('a partition cached on two workers is still read from the survivor after the other dies', async ({ harness }) => {
  const run: Run = await harness.evaluate(async () => {
    const ctx = window.emberflow.createContext({ workers: 2, name: `locality-copies-${Math.random().toString(36).slice(2)}` });
    const ends: TaskEnd[] = [];
    const added: string[][] = [];
    const removedExplanation: string[] = [];
    let job = -1;
    ctx.events.subscribe((e) => {
      if (e.type === 'job.submitted') added[++job] = [];
      if (e.type === 'blocks.added') added[job]!.push(...e.blocks.map((b) => `${b.id.split('/')[2]}@${b.owner}`));
      if (e.type === 'blocks.removed') removedExplanation.push(e.explanation);
      if (e.type === 'task.ended' && e.outcome === 'success' && job > 0) {
        ends.push({ job, partition: e.partition, executorId: e.executorId, read: e.cache?.read ?? null, cachedRdd: e.cache?.rddId ?? null });
      }
    });
    const known = (rddId: number) => ctx.blocks().filter((b) => b.id.startsWith(`rdd/${rddId}/`)).map((b) => `${b.id.split('/')[2]}@${b.owner}`).sort();
    try {
      const data = Array.from({ length: 1000 }, (_, i) => i);
      const cached = ctx
        .parallelize(data, 10)
        .map((x: number) => {
          if (x === 0) for (const end = performance.now() + 500; performance.now() < end; );
          return x * 2;
        })
        .persist('memory');
      const counts = [await cached.count()];
      const firstHolders: number[] = [];
      for (const b of ctx.blocks()) firstHolders[Number(b.id.split('/')[2])] = b.owner!;
      // Without a locality wait, the worker holding partition 0 computes some of the other worker's
      // partitions again while that one is busy: those partitions now have two copies, its copy the newer.
      ctx.configure({ taskDelayMs: 30, localityWaitMs: 0 });
      counts.push(await cached.count());
      const afterCopies = known(cached.id);
      // That worker dies: the other worker's older copies are all that remain of those partitions.
      const killed = ctx.chaos.killExecutor(firstHolders[0]);
      const afterKill = known(cached.id);
      ctx.configure({ localityWaitMs: 3000 });
      counts.push(await cached.count());
      return { counts, rddId: cached.id, firstHolders, ends, added, known: [afterCopies, afterKill], killed, removedExplanation };
    } finally {
      await ctx.stop();
    }
  });
  expect(run.counts).toEqual([1000, 1000, 1000]);
  const a = run.firstHolders[0]!;
  const b = run.firstHolders.find((h) => h !== a)!;
  expect(run.killed).toBe(a);
  // The second count gave worker a its own copies of some of worker b's partitions.
  const copied = run.added[1]!.filter((c) => c.endsWith(`@${a}`)).map((c) => Number(c.split('@')[0]));
  expect(copied.length).toBeGreaterThan(0);
  for (const p of copied) expect(run.firstHolders[p]).toBe(b);
  expect(run.known[0]).toEqual([...run.firstHolders.map((h, p) => `${p}@${h}`), ...copied.map((p) => `${p}@${a}`)].sort());
  // Worker a died: its copies went, worker b's copies of the same partitions stayed known.
  expect(run.known[1]).toEqual(run.firstHolders.flatMap((h, p) => (h === b ? [`${p}@${b}`] : [])).sort());
  expect(run.removedExplanation.at(-1)).toMatch(new RegExp(`of worker ${a} died with it .*; other workers still hold copies of ${copied.length} of them\\.$`));
  // The third count read every partition worker b holds there; only those cached on worker a alone were recomputed.
  const third = run.ends.filter((e) => e.job === 2);
  expect(third).toHaveLength(10);
  for (const e of third) {
    if (run.firstHolders[e.partition] === b) expect([e.partition, e.executorId, e.read]).toEqual([e.partition, b, 'cached']);
    else expect([e.partition, e.read]).toEqual([e.partition, 'recomputed']);
  }
});
