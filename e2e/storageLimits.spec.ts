import type { Page } from '@playwright/test';
import { test, expect } from './fixtures';

// Storage usage, persistence, retention and a quota refusal, through the page in real Chromium.

const status = (page: Page) => page.getByRole('status', { name: 'Job status' });
const storage = (page: Page) => page.getByRole('region', { name: 'Storage' });

async function run(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Run word count' }).click();
  await expect(status(page)).toContainText(/Succeeded|Failed/, { timeout: 30_000 });
}

test.beforeEach(async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Emberflow' })).toBeVisible();
});

test('the Storage region shows usage and quota, asks for persistence and states the retention rule', async ({
  page,
}) => {
  const region = storage(page);
  await expect(region).toContainText(
    /Browser storage for this page: [\d.]+ (B|KiB|MiB|GiB) used of [\d.]+ (KiB|MiB|GiB) allowed \((<1|\d+)%\)\./,
  );
  await expect(region).toContainText(
    'Shuffle and cached blocks of finished runs, and blocks left by closed tabs, are deleted when the next run starts; blocks of runs in other open tabs are not.',
  );
  await region.getByRole('button', { name: 'Keep data persistently' }).click();
  await expect(region.getByRole('status', { name: 'Persistent storage' })).toHaveText(
    /^Persistent storage (granted|not granted): /,
  );
});

test('blocks of a finished run are deleted when the next run starts', async ({ page }) => {
  await page.getByRole('button', { name: 'Load sample text' }).click();
  await expect(page.getByRole('button', { name: /^Remove sample/ })).toBeVisible();
  await run(page);
  await expect(status(page)).toContainText('Succeeded');
  const region = storage(page);
  await expect(region).toContainText('Shuffle 0');
  await run(page);
  await expect(status(page)).toContainText('Succeeded');
  // The second run planned shuffles 2 and 3; the first run's 0 and 1 were deleted when it started.
  await expect(region).toContainText('Shuffle 2');
  await expect(region).not.toContainText('Shuffle 0');
  await expect(region).not.toContainText('Shuffle 1');
  // Worded as automatic cleanup, never as a clear by the user or a loss.
  await expect(page.getByRole('region', { name: 'Event log' })).toContainText(
    /\d+ blocks of finished runs released before this run \(retention rule\)\./,
  );
});

// Chromium applies Storage.overrideQuotaForOrigin to databases opened after the override, and its usage
// accounting lags behind writes, so the refusal is made certain: one task's output alone exceeds the
// quota. Records are random hex, which IndexedDB cannot compress much.
test('a write refused for quota fails the job naming what and how much; with space again the next run succeeds', async ({
  page,
}) => {
  await page.goto('/e2e/harness.html');
  await page.waitForFunction(() => typeof window.emberflow === 'object');
  const origin = new URL(page.url()).origin;
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: 2 * 1024 * 1024 });
  await page.evaluate(() => {
    const ctx = window.emberflow.createContext({ workers: 1, name: `quota-${Math.random().toString(36).slice(2)}` });
    // About 1.4 MB of shuffle blocks per map task, 2.8 MB in all.
    const job = () =>
      ctx
        .parallelize([0, 1], 2)
        .flatMap(() =>
          Array.from(
            { length: 64_000 },
            () =>
              [
                Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) => b.toString(16).padStart(2, '0')).join(''),
                1,
              ] as [string, number],
          ),
        )
        .groupByKey(2)
        .count();
    Object.assign(window, { quotaTest: { ctx, job } });
  });
  const failure = await page.evaluate(async () => {
    const { job } = (window as unknown as { quotaTest: { job: () => Promise<number> } }).quotaTest;
    try {
      await job();
      return '';
    } catch (e) {
      return (e as Error).message;
    }
  });
  expect(failure).toMatch(
    /^Job aborted due to stage failure: Task \d in stage 0\.0 failed and cannot be retried: IndexedDB refused to store [\d.]+ MiB in 'blocks' \(quota exceeded\)\. Free space or clear stored blocks, then run the job again\.$/,
  );
  await cdp.send('Storage.overrideQuotaForOrigin', { origin });
  const after = await page.evaluate(async () => {
    const { ctx, job } = (
      window as unknown as {
        quotaTest: { ctx: { blocks(): { id: string }[]; stop(): Promise<void> }; job: () => Promise<number> };
      }
    ).quotaTest;
    // A refused task stored nothing (its batch is one transaction): at most the other task's blocks.
    const blocksAfterFailure = ctx
      .blocks()
      .filter((b) => window.emberflow.parseBlockId(b.id)?.kind === 'shuffle').length;
    try {
      return { blocksAfterFailure, count: await job() };
    } finally {
      await ctx.stop();
    }
  });
  expect(after.blocksAfterFailure).toBeLessThanOrEqual(2);
  expect(after.count).toBe(128_000);
});
