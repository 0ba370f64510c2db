import { readFile } from 'node:fs/promises';
import type { BrowserContext, Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { referenceCounts, type TextFile } from './corpus';
import { expectedTsv } from './expectedTsv';

// Several tabs on one IndexedDB database at once: pages of one Playwright BrowserContext share its
// storage and its Web Locks, as tabs of one browser profile do. Every tab counts its own words, and
// each must get exactly its own counts, with no fetch failure caused by another tab.

/** A text whose words are all `<prefix>w<i>`, each with its own count: another tab's words stand out. */
function tabText(prefix: string, words = 30): string {
  const lines: string[] = [];
  for (let i = 0; i < words; i++) {
    const line = Array.from({ length: 40 + 3 * i }, () => `${prefix}w${i}`).join(' ');
    lines.push(line, `${prefix}w${(i * 7) % words} ${prefix}w${(i * 11) % words}`);
  }
  return lines.join('\n') + '\n';
}

/** Opens more tabs in the test's browser context; their console and page errors fail the test too. */
async function openTabs(context: BrowserContext, n: number, path: string, errors: string[]): Promise<Page[]> {
  const pages: Page[] = [];
  for (let i = 0; i < n; i++) {
    const page = await context.newPage();
    page.on('console', (msg) => {
      if (msg.type() === 'error' && !/favicon\.ico/.test(msg.location().url))
        errors.push(`tab ${i + 2}: ${msg.text()}`);
    });
    page.on('pageerror', (err) => errors.push(`tab ${i + 2}: ${err.message}`));
    await page.goto(path);
    pages.push(page);
  }
  return pages;
}

async function harnessReady(page: Page): Promise<void> {
  await page.waitForFunction(() => typeof window.emberflow === 'object' && window.emberflow !== null);
}

interface ApiRun {
  rows: [string, number][];
  /** Failed reads of shuffle blocks and resubmitted stages: none, since no tab disturbs another. */
  fetchFailures: number;
  resubmitted: number;
}

/** One tab's journaled word count through the API, on the shared database `name`. */
function apiWordCount(page: Page, name: string, file: TextFile, taskDelayMs: number): Promise<ApiRun> {
  return page.evaluate(
    async ({ name, file, taskDelayMs }) => {
      const ctx = window.emberflow.createContext({ workers: 2, name });
      let fetchFailures = 0;
      let resubmitted = 0;
      ctx.events.subscribe((e) => {
        if (e.type === 'task.ended' && e.reason?.kind === 'fetchFailed') fetchFailures++;
        if (e.type === 'stage.submitted' && e.attempt > 0) resubmitted++;
      });
      try {
        const inputs = await ctx.inputs.add([new File([file.text], file.name)]);
        ctx.configure({ taskDelayMs });
        const rows = await ctx.runWordCount({ inputs, tokenizer: 'words', inputSplits: 4, shufflePartitions: 3 });
        return { rows, fetchFailures, resubmitted };
      } finally {
        await ctx.stop();
      }
    },
    { name, file, taskDelayMs },
  );
}

/** The block ids stored in a database, read in `page` through a connection of its own. */
function storedBlockIds(page: Page, name: string): Promise<string[]> {
  return page.evaluate(async (name) => {
    const { openEngineDb, engineDbName } = window.emberflowInternals.storage;
    const db = await openEngineDb(engineDbName(name));
    try {
      return ((await db.getAllKeys('blocks')) as string[]).sort();
    } finally {
      db.close();
    }
  }, name);
}

/**
 * Waits in `page` until the browser has released a closed tab's engine lock: closing a page returns
 * before the browser has torn its document down, and until then its engine still counts as live.
 */
function lockReleased(page: Page, app: string): Promise<void> {
  return page.evaluate(async (app) => {
    while ((await navigator.locks.query()).held?.some((l) => l.name?.endsWith(` app ${app}`)))
      await new Promise((r) => setTimeout(r, 20));
  }, app);
}

const uniqueName = (what: string) => `tabs-${what}-${Math.random().toString(36).slice(2)}`;

test.describe('tabs through the API', () => {
  for (const tabs of [2, 3]) {
    test(`${tabs} tabs started together, one database name: each gets exactly its own counts`, async ({
      harness,
      context,
    }) => {
      const errors: string[] = [];
      const pages = [harness, ...(await openTabs(context, tabs - 1, '/e2e/harness.html', errors))];
      await Promise.all(pages.map(harnessReady));
      const name = uniqueName('together');
      const files = pages.map((_, i) => ({ name: `tab${i}.txt`, text: tabText(`t${i}`) }));
      const runs = await Promise.all(pages.map((page, i) => apiWordCount(page, name, files[i]!, 100)));
      runs.forEach((run, i) => {
        expect(run.rows, `tab ${i + 1}`).toEqual(referenceCounts([files[i]!]));
        expect([run.fetchFailures, run.resubmitted], `tab ${i + 1}`).toEqual([0, 0]);
      });
      expect(errors).toEqual([]);
    });
  }

  test("staggered: a tab that starts and stops mid-way through another tab's job neither reads nor deletes its blocks", async ({
    harness,
    context,
  }) => {
    const errors: string[] = [];
    const [second] = await openTabs(context, 1, '/e2e/harness.html', errors);
    await harnessReady(second!);
    const name = uniqueName('stop');
    const first: TextFile = { name: 'first.txt', text: tabText('first') };
    const other: TextFile = { name: 'second.txt', text: tabText('second') };
    // Tab 1 computes its shuffle (the map outputs are in IndexedDB) and keeps the context open.
    const written = await harness.evaluate(
      async ({ name, first }) => {
        const ctx = window.emberflow.createContext({ workers: 2, name });
        const inputs = await ctx.inputs.add([new File([first.text], first.name)]);
        const counts = ctx
          .textFile(inputs, { minPartitions: 4 })
          .tokenize('words')
          .pairWithOne()
          .reduceByKey<string, number>('sum', { numPartitions: 3 });
        const events: { type: string; stageId?: number; attempt?: number; reason?: unknown }[] = [];
        ctx.events.subscribe((e) => events.push(JSON.parse(JSON.stringify(e))));
        const distinct = await counts.count();
        Object.assign(window, { tab: { ctx, counts, events } });
        return { distinct, blocks: ctx.blocks().length };
      },
      { name, first },
    );
    expect(written.distinct).toBe(30);
    expect(written.blocks).toBeGreaterThan(0);
    // Tab 2 starts an engine on the same database (start-up cleanup), runs its own job and stops.
    const secondRun = await apiWordCount(second!, name, other, 0);
    expect(secondRun.rows).toEqual(referenceCounts([other]));
    // Tab 1's next job reads the shuffle it wrote before: every block is still there and its own.
    const after = await harness.evaluate(async () => {
      const { ctx, counts, events } = (
        window as unknown as {
          tab: {
            ctx: import('../src/engine').EmberContext;
            counts: import('../src/engine').RDD<[string, number]>;
            events: { type: string; stageId?: number; attempt?: number; reason?: { kind: string } | null }[];
          };
        }
      ).tab;
      const from = events.length;
      const rows = await counts.collect();
      const later = events.slice(from);
      await ctx.stop();
      return {
        rows: rows.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)),
        skipped: later.filter((e) => e.type === 'stage.skipped').length,
        fetchFailures: later.filter((e) => e.type === 'task.ended' && e.reason?.kind === 'fetchFailed').length,
        mapTasks: later.filter((e) => e.type === 'task.started' && e.stageId === 0).length,
      };
    });
    expect(after.rows).toEqual(referenceCounts([first]));
    expect(after).toMatchObject({ skipped: 1, fetchFailures: 0, mapTasks: 0 });
    expect(errors).toEqual([]);
  });

  test("a tab opened during another tab's run is not offered that run; once that tab closes, a new tab resumes it exactly", async ({
    harness,
    context,
  }) => {
    const errors: string[] = [];
    const name = uniqueName('resume');
    const file: TextFile = { name: 'long.txt', text: tabText('long', 40) };
    const firstApp = await harness.evaluate(
      async ({ name, file }) => {
        const ctx = window.emberflow.createContext({ workers: 2, name });
        const inputs = await ctx.inputs.add([new File([file.text], file.name)]);
        ctx.configure({ taskDelayMs: 300 });
        const state = { mapsDone: 0, finished: false };
        ctx.events.subscribe((e) => {
          if (e.type === 'task.ended' && e.stageId === 0 && e.outcome === 'success') state.mapsDone++;
        });
        Object.assign(window, { state });
        void ctx
          .runWordCount({ inputs, tokenizer: 'words', inputSplits: 16, shufflePartitions: 3 })
          .finally(() => (state.finished = true));
        return ctx.app;
      },
      { name, file },
    );
    // Map outputs are journaled as they complete: wait for two of the 16.
    await harness.waitForFunction(() => (window as unknown as { state: { mapsDone: number } }).state.mapsDone >= 2);
    const [second] = await openTabs(context, 1, '/e2e/harness.html', errors);
    await harnessReady(second!);
    const offered = await second!.evaluate(async (name) => {
      const ctx = window.emberflow.createContext({ workers: 1, name });
      try {
        return (await ctx.interruptedRuns()).length;
      } finally {
        await ctx.stop();
      }
    }, name);
    const stillRunning = await harness.evaluate(
      () => !(window as unknown as { state: { finished: boolean } }).state.finished,
    );
    expect(stillRunning, 'tab 1 was still running when tab 2 looked').toBe(true);
    expect(offered).toBe(0);

    // Closing tab 1 ends its engine (and its lock): now its run is interrupted, and resumable.
    await harness.close();
    const [third] = await openTabs(context, 1, '/e2e/harness.html', errors);
    await harnessReady(third!);
    await lockReleased(third!, firstApp);
    const resumed = await third!.evaluate(async (name) => {
      const ctx = window.emberflow.createContext({ workers: 2, name });
      const notes: string[] = [];
      ctx.events.subscribe((e) => {
        if (e.type === 'log') notes.push(e.message);
      });
      try {
        const runs = await ctx.interruptedRuns();
        const rows = runs.length === 1 ? await ctx.resumeRun(runs[0]!.runId) : [];
        return { offered: runs.length, rows, note: notes.find((m) => m.startsWith('Resuming')) ?? '' };
      } finally {
        await ctx.stop();
      }
    }, name);
    expect(resumed.offered).toBe(1);
    expect(resumed.rows).toEqual(referenceCounts([file]));
    expect(Number(resumed.note.match(/(\d+) map outputs? of/)?.[1])).toBeGreaterThanOrEqual(2);
    expect(errors).toEqual([]);
  });

  test("a live tab's blocks survive another tab's start; a closed tab's blocks go at the next start or retention pass", async ({
    harness,
    context,
  }) => {
    const errors: string[] = [];
    const name = uniqueName('cleanup');
    const [tabB] = await openTabs(context, 1, '/e2e/harness.html', errors);
    await harnessReady(tabB!);
    // Tabs A and B each keep a context with a computed shuffle and a disk-cached RDD.
    const leave = (page: Page, prefix: string) =>
      page.evaluate(
        async ({ name, prefix }) => {
          const ctx = window.emberflow.createContext({ workers: 2, name });
          const words = ctx.parallelize(
            Array.from({ length: 60 }, (_, i) => `${prefix}${i % 7}`),
            3,
          );
          const counts = words
            .map((w) => [w, 1] as [string, number])
            .reduceByKey('sum', { numPartitions: 2 })
            .persist('disk');
          await counts.count();
          Object.assign(window, { ctx });
          return {
            app: ctx.app,
            ids: ctx
              .blocks()
              .map((b) => b.id)
              .sort(),
          };
        },
        { name, prefix },
      );
    const a = await leave(harness, 'a');
    const b = await leave(tabB!, 'b');
    expect(a.ids.length).toBeGreaterThan(0);
    // Every block id names its engine's app.
    expect(a.ids.every((id) => id.includes(`/${a.app}/`))).toBe(true);
    expect(b.ids.every((id) => id.includes(`/${b.app}/`))).toBe(true);
    expect(a.app).not.toBe(b.app);
    expect(await storedBlockIds(harness, name)).toEqual([...a.ids, ...b.ids].sort());

    // A third tab starting on the database leaves both live tabs' blocks alone.
    const [tabC] = await openTabs(context, 1, '/e2e/harness.html', errors);
    await harnessReady(tabC!);
    const startC = () =>
      tabC!.evaluate(async (name) => {
        const ctx = window.emberflow.createContext({ workers: 1, name });
        await ctx.interruptedRuns(); // resolves once its start-up cleanup is done
        await ctx.stop();
      }, name);
    await startC();
    expect(await storedBlockIds(tabC!, name)).toEqual([...a.ids, ...b.ids].sort());

    // Tab A closes without stopping its engine: B's retention pass deletes exactly A's blocks.
    await harness.close();
    await lockReleased(tabB!, a.app);
    const retention = await tabB!.evaluate(() =>
      (window as unknown as { ctx: import('../src/engine').EmberContext }).ctx.deleteAbandonedBlocks(),
    );
    expect(retention.sort()).toEqual(a.ids);
    expect(await storedBlockIds(tabB!, name)).toEqual(b.ids);

    // Tab B closes too: the next engine to start deletes its blocks.
    await tabB!.close();
    await lockReleased(tabC!, b.app);
    await startC();
    expect(await storedBlockIds(tabC!, name)).toEqual([]);
    expect(errors).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------- page

const status = (page: Page) => page.getByRole('status', { name: 'Job status' });
const field = (page: Page, name: string) => page.getByRole('spinbutton', { name, exact: true });

async function upload(page: Page, file: { name: string; text: string }): Promise<void> {
  await page
    .getByLabel('Upload text files')
    .setInputFiles([{ name: file.name, mimeType: 'text/plain', buffer: Buffer.from(file.text, 'utf8') }]);
  await expect(page.getByRole('button', { name: `Remove ${file.name}` })).toBeVisible();
}

async function downloadResults(page: Page): Promise<string> {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download results' }).click(),
  ]);
  return readFile(await download.path(), 'utf8');
}

async function openPages(page: Page, context: BrowserContext, n: number, errors: string[]): Promise<Page[]> {
  await page.goto('/');
  const pages = [page, ...(await openTabs(context, n - 1, '/', errors))];
  for (const p of pages) await expect(p.getByRole('heading', { name: 'Emberflow' })).toBeVisible();
  return pages;
}

test.describe('tabs through the page', () => {
  for (const tabs of [2, 3]) {
    test(`${tabs} tabs press Run word count together: each download is exactly the counts of the files it lists`, async ({
      page,
      context,
    }) => {
      const errors: string[] = [];
      const pages = await openPages(page, context, tabs, errors);
      const files = pages.map((_, i) => ({
        name: `tab${i}.txt`,
        text: tabText(i === 0 ? 'north' : i === 1 ? 'south' : 'east'),
      }));
      // Stored inputs are shared by the tabs: each tab lists its own file and those uploaded before it,
      // so every tab counts a different set of files.
      for (const [i, p] of pages.entries()) {
        await upload(p, files[i]!);
        await expect(p.getByRole('button', { name: /^Remove tab\d\.txt$/ })).toHaveCount(i + 1);
        await field(p, 'Input splits').fill('4');
        await field(p, 'Task delay (ms)').fill('100');
      }
      await Promise.all(pages.map((p) => p.getByRole('button', { name: 'Run word count' }).click()));
      for (const [i, p] of pages.entries()) {
        await expect(status(p), `tab ${i + 1}`).toContainText('Succeeded', { timeout: 30_000 });
        expect(await downloadResults(p), `tab ${i + 1}`).toBe(expectedTsv(files.slice(0, i + 1).map((f) => f.text)));
      }
      expect(errors).toEqual([]);
    });
  }

  test('staggered: a tab runs while another tab is mid-run, and both downloads are exact', async ({
    page,
    context,
  }) => {
    const errors: string[] = [];
    const [one, two] = await openPages(page, context, 2, errors);
    const files = [
      { name: 'north.txt', text: tabText('north') },
      { name: 'south.txt', text: tabText('south') },
    ];
    await upload(one!, files[0]!);
    // Tab 2 lists both stored files: it counts north and south while tab 1 counts north.
    await upload(two!, files[1]!);
    await expect(two!.getByRole('button', { name: `Remove ${files[0]!.name}` })).toBeVisible();
    await field(one!, 'Input splits').fill('8');
    await field(one!, 'Task delay (ms)').fill('300');
    await one!.getByRole('button', { name: 'Run word count' }).click();
    const stage0 = one!.getByRole('region', { name: 'DAG' }).getByRole('group', { name: 'Stage 0', exact: true });
    await expect(stage0).toContainText(/running/, { timeout: 30_000 });
    await field(two!, 'Task delay (ms)').fill('0');
    await two!.getByRole('button', { name: 'Run word count' }).click();
    await expect(status(two!)).toContainText('Succeeded', { timeout: 30_000 });
    await expect(status(one!)).toContainText('Succeeded', { timeout: 30_000 });
    expect(await downloadResults(one!)).toBe(expectedTsv([files[0]!.text]));
    expect(await downloadResults(two!)).toBe(expectedTsv([files[0]!.text, files[1]!.text]));
    expect(errors).toEqual([]);
  });

  test("a tab opened during another tab's run offers no resume, and its own run of the same file is exact", async ({
    page,
    context,
  }) => {
    const errors: string[] = [];
    const [one] = await openPages(page, context, 1, errors);
    const file = { name: 'shared.txt', text: tabText('shared') };
    await upload(one!, file);
    // Long enough a map stage (6 rounds of 1 s) that a new tab opens well inside it.
    await field(one!, 'Input splits').fill('12');
    await field(one!, 'Task delay (ms)').fill('1000');
    await one!.getByRole('button', { name: 'Run word count' }).click();
    const stage0 = one!.getByRole('region', { name: 'DAG' }).getByRole('group', { name: 'Stage 0', exact: true });
    await expect(stage0).toContainText(/running/, { timeout: 30_000 });
    // The new tab lists the stored file (inputs are shared) and the task delay (settings are too).
    const [two] = await openTabs(context, 1, '/', errors);
    await expect(two!.getByRole('button', { name: `Remove ${file.name}` })).toBeVisible();
    // Tab 2's engine started (its file list is read through it) while tab 1's map stage still ran.
    await expect(stage0).toContainText(/running/, { timeout: 1 });
    await field(two!, 'Task delay (ms)').fill('0');
    await two!.getByRole('button', { name: 'Run word count' }).click();
    await expect(status(two!)).toContainText('Succeeded', { timeout: 30_000 });
    await expect(two!.getByRole('region', { name: 'Interrupted run' })).toHaveCount(0);
    expect(await downloadResults(two!)).toBe(expectedTsv([file.text]));
    await expect(status(one!)).toContainText('Succeeded', { timeout: 30_000 });
    expect(await downloadResults(one!)).toBe(expectedTsv([file.text]));
    expect(errors).toEqual([]);
  });
});
