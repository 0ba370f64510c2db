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

test('a second count() of a memory-cached RDD reads every partition from its cached copy: none is recomputed', async ({
  harness,
}) => {
  const run: Run = await harness.evaluate(async () => {
    // One worker caches every partition; a second joins afterwards and holds nothing.
    const ctx = window.emberflow.createContext({ workers: 1, name: `locality-${Math.random().toString(36).slice(2)}` });
    const ends: TaskEnd[] = [];
    const added: string[][] = [];
    let job = -1;
    ctx.events.subscribe((e) => {
      if (e.type === 'job.submitted') added[++job] = [];
      if (e.type === 'blocks.added')
        added[job]!.push(
          ...e.blocks.map(
            (b) => `${(window.emberflow.parseBlockId(b.id) as { partition: number }).partition}@${b.owner}`,
          ),
        );
      if (e.type === 'task.ended' && e.outcome === 'success' && job > 0) {
        ends.push({
          job,
          partition: e.partition,
          executorId: e.executorId,
          read: e.cache?.read ?? null,
          cachedRdd: e.cache?.rddId ?? null,
        });
      }
    });
    const known = (rddId: number) =>
      ctx
        .blocks()
        .filter((b) => b.id.startsWith(window.emberflow.rddPrefix(ctx.app, rddId)))
        .map((b) => `${(window.emberflow.parseBlockId(b.id) as { partition: number }).partition}@${b.owner}`)
        .sort();
    try {
      const cached = ctx
        .parallelize(
          Array.from({ length: 1000 }, (_, i) => i),
          10,
        )
        .map((x: number) => x * 2)
        .persist('memory');
      const counts = [await cached.count()];
      const firstHolders: number[] = [];
      for (const b of ctx.blocks())
        firstHolders[(window.emberflow.parseBlockId(b.id) as { partition: number }).partition] = b.owner!;
      ctx.addExecutor();
      // Every task now sleeps 30 ms: the new worker is free while the holder is busy with each of them.
      ctx.configure({ taskDelayMs: 30 });
      counts.push(await cached.count());
      return {
        counts,
        rddId: cached.id,
        firstHolders,
        ends,
        added,
        known: [known(cached.id)],
        killed: null,
        removedExplanation: [],
      };
    } finally {
      await ctx.stop();
    }
  });
  expect(run.counts).toEqual([1000, 1000]);
  expect(run.firstHolders).toEqual(Array(10).fill(1));
  // The second count: 10 tasks, all on worker 1, which holds every partition, each reading its copy.
  expect(run.ends.map((e) => `${e.partition}@${e.executorId}:${e.read}`).sort()).toEqual(
    run.firstHolders.map((h, p) => `${p}@${h}:cached`).sort(),
  );
  expect(run.ends.every((e) => e.cachedRdd === run.rddId)).toBe(true);
  expect(run.added[1]).toEqual([]);
  expect(run.known[0]).toEqual(run.firstHolders.map((h, p) => `${p}@${h}`).sort());
});

test('a partition cached on two workers is still read from the survivor after the other dies', async ({ harness }) => {
  const run: Run = await harness.evaluate(async () => {
    const ctx = window.emberflow.createContext({
      workers: 1,
      name: `locality-copies-${Math.random().toString(36).slice(2)}`,
    });
    const ends: TaskEnd[] = [];
    const added: string[][] = [];
    const removedExplanation: string[] = [];
    let job = -1;
    ctx.events.subscribe((e) => {
      if (e.type === 'job.submitted') added[++job] = [];
      if (e.type === 'blocks.added')
        added[job]!.push(
          ...e.blocks.map(
            (b) => `${(window.emberflow.parseBlockId(b.id) as { partition: number }).partition}@${b.owner}`,
          ),
        );
      if (e.type === 'blocks.removed') removedExplanation.push(e.explanation);
      if (e.type === 'task.ended' && e.outcome === 'success' && job > 0) {
        ends.push({
          job,
          partition: e.partition,
          executorId: e.executorId,
          read: e.cache?.read ?? null,
          cachedRdd: e.cache?.rddId ?? null,
        });
      }
    });
    const known = (rddId: number) =>
      ctx
        .blocks()
        .filter((b) => b.id.startsWith(window.emberflow.rddPrefix(ctx.app, rddId)))
        .map((b) => `${(window.emberflow.parseBlockId(b.id) as { partition: number }).partition}@${b.owner}`)
        .sort();
    try {
      const cached = ctx
        .parallelize(
          Array.from({ length: 1000 }, (_, i) => i),
          10,
        )
        .map((x: number) => x * 2)
        .persist('memory');
      const counts = [await cached.count()];
      const firstHolders: number[] = [];
      for (const b of ctx.blocks())
        firstHolders[(window.emberflow.parseBlockId(b.id) as { partition: number }).partition] = b.owner!;
      // A second worker joins. Without a locality wait it computes some partitions again while worker 1
      // is busy: those now have two copies, the second worker's the newer.
      const second = ctx.addExecutor();
      ctx.configure({ taskDelayMs: 30, localityWaitMs: 0 });
      counts.push(await cached.count());
      const afterCopies = known(cached.id);
      // The second worker dies: worker 1's older copies are all that remain of those partitions.
      const killed = ctx.chaos.killExecutor(second);
      const afterKill = known(cached.id);
      ctx.configure({ localityWaitMs: 3000 });
      counts.push(await cached.count());
      return {
        counts,
        rddId: cached.id,
        firstHolders,
        ends,
        added,
        known: [afterCopies, afterKill],
        killed,
        removedExplanation,
      };
    } finally {
      await ctx.stop();
    }
  });
  expect(run.counts).toEqual([1000, 1000, 1000]);
  expect(run.firstHolders).toEqual(Array(10).fill(1));
  expect(run.killed).toBe(2);
  // The second count gave worker 2 its own copies of some partitions.
  const copied = run.added[1]!.map((c) => c.split('@')).map(([p, owner]) => (owner === '2' ? Number(p) : -1));
  expect(copied.length).toBeGreaterThan(0);
  expect(copied.every((p) => p >= 0)).toBe(true);
  expect(run.known[0]).toEqual([...run.firstHolders.map((h, p) => `${p}@${h}`), ...copied.map((p) => `${p}@2`)].sort());
  // Worker 2 died: its copies went, worker 1's copies of the same partitions stayed known.
  expect(run.known[1]).toEqual(run.firstHolders.map((h, p) => `${p}@${h}`).sort());
  expect(run.removedExplanation.at(-1)).toBe(
    `${copied.length} block${copied.length === 1 ? '' : 's'} of worker 2 died with it (killed by the user); other workers still hold copies of ${copied.length} of them.`,
  );
  // The third count read every partition from worker 1's copy; nothing was recomputed.
  const third = run.ends.filter((e) => e.job === 2);
  expect(third.map((e) => `${e.partition}@${e.executorId}:${e.read}`).sort()).toEqual(
    run.firstHolders.map((h, p) => `${p}@${h}:cached`).sort(),
  );
  expect(run.added[2]).toEqual([]);
});

test("the page's partition popover says whether a task read its cached partition or computed it", async ({ page }) => {
  await page.goto('/');
  await page
    .getByLabel('Upload text files')
    .setInputFiles([
      { name: 'a.txt', mimeType: 'text/plain', buffer: Buffer.from('the fox and the dog\nthe end\n', 'utf8') },
    ]);
  await expect(page.getByRole('button', { name: 'Remove a.txt' })).toBeVisible();
  await page.getByRole('button', { name: 'Run word count' }).click();
  await expect(page.getByRole('status', { name: 'Job status' })).toContainText('Succeeded', { timeout: 30_000 });
  const dag = page.getByRole('region', { name: 'DAG' });
  // The sort's sampling job computes the counts and caches them (stage 1); the sort's map stage reads them (stage 2).
  await dag
    .getByRole('group', { name: 'Stage 1', exact: true })
    .getByRole('button', { name: /^Partition 0:/ })
    .focus();
  await expect(page.getByRole('tooltip')).toContainText(
    /It computed partition 0 of rdd \d+ on worker (\d+) and cached it in that worker's memory\./,
  );
  await dag
    .getByRole('group', { name: 'Stage 2', exact: true })
    .getByRole('button', { name: /^Partition 0:/ })
    .focus();
  await expect(page.getByRole('tooltip')).toContainText(
    /It read partition 0 of rdd \d+ from its cached copy in worker \d+'s memory\./,
  );
});
