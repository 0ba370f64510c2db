// The cleaner in real Chromium: many word counts on one context, with real workers and IndexedDB, and
// a real garbage collection (CDP HeapProfiler.collectGarbage). FinalizationRegistry callbacks run in a
// task after the collection, so the spec polls for the condition it expects, collecting each time.
import { readFile } from 'node:fs/promises';
import { test, expect } from './fixtures';
import { brownFiles, referenceCounts } from './corpus';
import type { EmberContext, StoredInputInfo, WordCountOptions } from '../src/engine';

interface CleanerTest {
  ctx: EmberContext;
  name: string;
  options: WordCountOptions;
  /** Block ids the latest journaled run holds: the journal keeps its RDD until the next run. */
  latestRunBlocks: Set<string>;
}

declare global {
  interface Window {
    cleanerTest: CleanerTest;
  }
}

const corpus = brownFiles(3);
const expected = referenceCounts(corpus);
const ITERATIONS = 40; // each runs ctx.wordCount(...).collect() and runWordCount(): 80 word counts

test('after many word counts on one context the driver and IndexedDB hold no more blocks than after 20, and event history stays bounded', async ({
  harness,
}) => {
  const page = harness;
  const cdp = await page.context().newCDPSession(page);
  await page.evaluate(async (files) => {
    const name = `cleaner-${Math.random().toString(36).slice(2)}`;
    const ctx = window.emberflow.createContext({ workers: 2, name });
    const inputs: StoredInputInfo[] = await ctx.inputs.add(
      files.map((f) => new File([f.text], f.name, { type: 'text/plain' })),
    );
    window.cleanerTest = {
      ctx,
      name,
      options: { inputs, tokenizer: 'words', inputSplits: 3, shufflePartitions: 3 },
      latestRunBlocks: new Set(),
    };
  }, corpus);

  /** One iteration: the API's word count (its RDDs are garbage afterwards) and the page's journaled one. */
  const iterate = () =>
    page.evaluate(async () => {
      const t = window.cleanerTest;
      const viaRdd = await t.ctx.wordCount(t.options).collect();
      const added = new Set<string>();
      const off = t.ctx.events.subscribe((e) => {
        if (e.type === 'blocks.added') e.blocks.forEach((b) => added.add(b.id));
        if (e.type === 'blocks.removed') e.blockIds.forEach((id) => added.delete(id));
      });
      try {
        const viaJournal = await t.ctx.runWordCount(t.options);
        t.latestRunBlocks = added;
        // What the bus still holds once both runs ended: events of no run's jobs, stages or tasks.
        const runEvents = t.ctx.events.history().filter((e) => /^(job|stage|task)\./.test(e.type)).length;
        return { viaRdd, viaJournal, runEvents };
      } finally {
        off();
      }
    });

  /** Collects garbage until the driver and IndexedDB hold exactly the latest journaled run's blocks. */
  const settle = async () => {
    await expect
      .poll(
        async () => {
          await cdp.send('HeapProfiler.collectGarbage');
          return page.evaluate(async () => {
            const t = window.cleanerTest;
            await t.ctx.cleanerSettled();
            const { BlockStore, openEngineDb, engineDbName } = window.emberflowInternals.storage;
            const db = await openEngineDb(engineDbName(t.name));
            const stored = await new BlockStore(db).listBlockIds();
            db.close();
            const held = t.ctx
              .blocks()
              .map((b) => b.id)
              .sort();
            const expected = [...t.latestRunBlocks].sort();
            return {
              driverMatches: JSON.stringify(held) === JSON.stringify(expected),
              idbMatches: JSON.stringify([...stored].sort()) === JSON.stringify(expected),
            };
          });
        },
        { message: 'the cleaner releases every block but the latest journaled run’s', intervals: [50, 100, 200] },
      )
      .toEqual({ driverMatches: true, idbMatches: true });
    return page.evaluate(() => ({
      blocks: window.cleanerTest.ctx.blocks().length,
      historyInMemory: window.cleanerTest.ctx.events.history().length,
      scheduler: window.cleanerTest.ctx.schedulerState(),
    }));
  };

  let after20 = null as Awaited<ReturnType<typeof settle>> | null;
  for (let i = 1; i <= ITERATIONS; i++) {
    const { viaRdd, viaJournal, runEvents } = await iterate();
    expect(viaRdd, `iteration ${i}, ctx.wordCount`).toEqual(expected);
    expect(viaJournal, `iteration ${i}, runWordCount`).toEqual(expected);
    expect(runEvents, `iteration ${i}: job, stage and task events of finished runs left in memory`).toBe(0);
    if (i === 20) after20 = await settle();
  }
  const afterN = await settle();
  expect(after20).not.toBeNull();
  // Both times exactly one journaled run's shuffle blocks (settle checked the ids): as many after run 80 as after run 40.
  expect(after20!.blocks).toBeGreaterThan(0);
  expect(afterN.blocks).toBe(after20!.blocks);
  // The scheduler keeps only what the latest run's two shuffles need.
  expect(afterN.scheduler).toMatchObject({
    jobs: 0,
    activeStages: 0,
    running: 0,
    waiting: 0,
    taskSets: 0,
    trackedShuffles: 2,
    cachedRdds: 0,
  });
  // Between runs the bus holds only events since the last run ended: here the cleaner's removals,
  // one per collected shuffle, which open the next run's history.
  expect(afterN.historyInMemory).toBeLessThanOrEqual(4 * (ITERATIONS - 20) + 10);

  // The download still has the retained runs (20 by default), read back from IndexedDB.
  const exported = await page.evaluate(async () =>
    (await window.cleanerTest.ctx.events.exportJsonLines())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string }),
  );
  const runsExported = exported.filter((e) => e.type === 'job.submitted').length;
  expect(runsExported).toBeGreaterThan(0);
  expect(runsExported).toBeLessThanOrEqual(20 * 2);
  await page.evaluate(() => window.cleanerTest.ctx.stop());
});

test("the page's event log download has every kept run's events, read back from IndexedDB", async ({ page }) => {
  await page.goto('/');
  await page.getByRole('button', { name: 'Load sample text' }).click();
  await expect(page.getByRole('button', { name: /^Remove sample/ })).toBeVisible();
  const status = page.getByRole('status', { name: 'Job status' });
  for (let run = 1; run <= 2; run++) {
    await page.getByRole('button', { name: 'Run word count' }).click();
    await expect(status).toContainText('Succeeded');
  }
  await expect(page.getByRole('region', { name: 'Storage' })).toContainText(
    'The event log of the last 20 runs is kept for its download.',
  );
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download event log' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('emberflow-events.jsonl');
  const events = (await readFile(await download.path(), 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { type: string; jobId?: number });
  // Each run is a sample job for the sort's range bounds and the word count itself: jobs 0 to 3.
  expect(events.filter((e) => e.type === 'job.submitted').map((e) => e.jobId)).toEqual([0, 1, 2, 3]);
  expect(events.filter((e) => e.type === 'job.succeeded').map((e) => e.jobId)).toEqual([0, 1, 2, 3]);
  expect(events.some((e) => e.type === 'executor.heartbeat')).toBe(false);
});
