import type { Locator, Page, TestInfo } from '@playwright/test';
import { test, expect } from './fixtures';

// Issue #12, items 1-4: lost and recomputed cells, attempt lines, incidents, run history, through the
// built page, by role and accessible name. Task delays make kills and clears land where the test says.

const TEXT = Array.from(
  { length: 400 },
  (_, i) => `line ${i} the quick brown fox ${i % 7} jumps over the lazy dog`,
).join('\n');

const field = (page: Page, name: string) => page.getByRole('spinbutton', { name, exact: true });
const status = (page: Page) => page.getByRole('status', { name: 'Job status' });
const dag = (page: Page) => page.getByRole('region', { name: 'DAG' });
const incidents = (page: Page) => page.getByRole('region', { name: 'Incidents' });
const stage = (page: Page, id: number) => dag(page).getByRole('group', { name: `Stage ${id}`, exact: true });

async function setUp(page: Page, settings: Record<string, string>) {
  await page.goto('/');
  await page
    .getByLabel('Upload text files')
    .setInputFiles([{ name: 'fox.txt', mimeType: 'text/plain', buffer: Buffer.from(TEXT, 'utf8') }]);
  await expect(page.getByRole('button', { name: 'Remove fox.txt' })).toBeVisible();
  for (const [name, value] of Object.entries(settings)) await field(page, name).fill(value);
}

async function shoot(page: Page, testInfo: TestInfo, name: string, target: Locator | Page = page) {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    const path = testInfo.outputPath(`${name}-${colorScheme}.png`);
    await target.screenshot({ path });
    await testInfo.attach(`${name}-${colorScheme}`, { path, contentType: 'image/png' });
  }
}

test('a kill during the map stage: the recomputed cell names its cause, the stage lists the rerun, one incident', async ({
  page,
}, testInfo) => {
  await setUp(page, { Workers: '2', 'Input splits': '8', 'Task delay (ms)': '700' });
  await page.getByRole('button', { name: 'Run word count' }).click();
  // The first finished map partition, and the worker that ran it (its popover says).
  const done = stage(page, 0)
    .getByRole('button', { name: /^Partition \d+: succeeded/ })
    .first();
  await expect(done).toBeVisible({ timeout: 30_000 });
  const partition = Number((await done.getAttribute('aria-label'))!.match(/^Partition (\d+)/)![1]);
  await done.focus();
  const worker = Number((await page.getByRole('tooltip').textContent())!.match(/on worker (\d+)/)![1]);
  await page
    .getByRole('region', { name: 'Workers' })
    .getByRole('button', { name: `Kill worker ${worker}` })
    .click();
  await shoot(page, testInfo, 'kill-during-map', dag(page));
  await expect(status(page)).toContainText('Succeeded', { timeout: 60_000 });

  const cell = stage(page, 0).getByRole('button', { name: new RegExp(`^Partition ${partition}:`) });
  await expect(cell).toHaveAccessibleName(
    `Partition ${partition}: succeeded, 2 attempts, recomputed: its output was lost when worker ${worker} was killed`,
  );
  await cell.focus();
  await expect(page.getByRole('tooltip')).toContainText(
    `Why it ran: recomputed: its output was lost when worker ${worker} was killed.`,
  );
  await expect(stage(page, 0).getByRole('list', { name: 'Attempt history' })).toContainText(
    new RegExp(`attempt 0 ran partitions [\\d, ]+ of 8; re-ran partitions? [\\d, ]*\\b${partition}\\b`),
  );
  const items = incidents(page).getByRole('listitem');
  await expect(items).toHaveCount(1);
  const item = incidents(page).getByRole('listitem', { name: `Worker ${worker} killed by the user` });
  await expect(item).toContainText('Detectedat once: the worker was terminated');
  await expect(item).toContainText(/Lost\d+ blocks? \(\d+ map outputs?\)/);
  await expect(item).toContainText(/Recomputed\d+ tasks?, \d+\.\d\d s of task time/);
  await expect(item).toContainText(/Recovered[\d.]+ m?s after the incident/);
  await shoot(page, testInfo, 'kill-during-map-after');
});

test('a clear during the reduce stage: map cells read lost at once, then recomputed; the log blames the user', async ({
  page,
}, testInfo) => {
  await setUp(page, { Workers: '2', 'Input splits': '4', 'Shuffle partitions': '4', 'Task delay (ms)': '1500' });
  await page.getByRole('button', { name: 'Run word count' }).click();
  await expect(stage(page, 0)).toContainText('succeeded', { timeout: 30_000 });
  const why = 'its output was cleared by the user (all shuffle blocks)';
  // The cell reads "lost" from the clear until a map task recomputes it (after a reader's fetch failure
  // and the 100 ms resubmit delay): watched on every frame from before the click, so it cannot be missed.
  const sawLost = page.waitForFunction(
    (name) => document.querySelector(`[role="group"][aria-label="Stage 0"] [aria-label="${name}"]`) !== null,
    `Partition 0: lost, 1 attempt: ${why}`,
    { polling: 'raf' },
  );
  // The next stage's tasks sleep 1.5 s before they read shuffle 0: clear it now.
  await page.getByRole('region', { name: 'Storage' }).getByRole('button', { name: 'Clear shuffle blocks' }).click();
  await sawLost;
  await shoot(page, testInfo, 'clear-during-reduce', dag(page));
  await expect(status(page)).toContainText('Succeeded', { timeout: 60_000 });

  await expect(stage(page, 0).getByRole('button', { name: /^Partition 0:/ })).toHaveAccessibleName(
    `Partition 0: succeeded, 2 attempts, recomputed: ${why}`,
  );
  await expect(stage(page, 0).getByRole('list', { name: 'Attempt history' })).toContainText(
    'attempt 1 ran partitions 0, 1, 2, 3 of 4',
  );
  await expect(stage(page, 1).getByRole('list', { name: 'Attempt history' })).toContainText(
    /attempt 1 ran partitions? [\d, ]+ of \d+ after attempt 0 failed: FetchFailed\(shuffle 0/,
  );
  const item = incidents(page).getByRole('listitem', { name: 'Shuffle blocks cleared by the user' });
  await expect(item).toContainText(/Detectedtask \d+ of stage 1\.0 could not read its input \(FetchFailed/);
  await expect(item).toContainText('Lost16 blocks (4 map outputs)');

  const log = page.getByRole('region', { name: 'Event log' });
  await expect(log).toContainText('cleared by the user (all shuffle blocks)');
  await expect(log).not.toContainText('lost with worker');
  await expect(log).not.toContainText('..');
  await expect(log.getByRole('list', { name: 'Incident 1' })).toContainText('could not read its input');
  // Filtering by kind keeps the user's action only.
  await log.getByRole('combobox', { name: 'Kind' }).selectOption({ label: "the user's actions" });
  // (It is listed inside its incident's group: the lines are the buttons that start with their time.)
  await expect(log.getByRole('button', { name: /^\d+:\d\d\.\d{3} / })).toHaveCount(1);
  // Selecting it highlights the map cells it is about.
  await log.getByRole('button', { name: /cleared by the user/ }).click();
  await expect(stage(page, 0).locator('.cell-highlighted')).toHaveCount(4);
  await shoot(page, testInfo, 'clear-during-reduce-after');

  // A second run replaces the DAG; "Show run 1" brings the first one's DAG and incident back.
  await log.getByRole('combobox', { name: 'Kind' }).selectOption({ label: 'everything' });
  await page.getByRole('button', { name: 'Run word count' }).click();
  await expect(status(page)).toContainText('Succeeded', { timeout: 60_000 });
  await expect(incidents(page).getByRole('listitem')).toHaveCount(0);
  await page.getByRole('region', { name: 'Job history' }).getByRole('button', { name: 'Show run 1' }).click();
  await expect(incidents(page).getByRole('listitem', { name: 'Shuffle blocks cleared by the user' })).toBeVisible();
  await expect(stage(page, 0).getByRole('button', { name: /^Partition 0:/ })).toHaveAccessibleName(
    `Partition 0: succeeded, 2 attempts, recomputed: ${why}`,
  );
  await shoot(page, testInfo, 'show-run-1');
  await page.getByRole('region', { name: 'Job history' }).getByRole('button', { name: 'Show run 2' }).click();
  await expect(incidents(page).getByRole('listitem')).toHaveCount(0);
});

test('failures with p = 0.3 and seed 7: one incident per injected failure, timeline stops with the job', async ({
  page,
}, testInfo) => {
  await setUp(page, { Workers: '2', 'Input splits': '8', 'Failure probability': '0.3', Seed: '7' });
  await page.getByRole('button', { name: 'Run word count' }).click();
  await expect(status(page)).toContainText('Succeeded', { timeout: 60_000 });
  const timeline = page.getByRole('region', { name: 'Timeline' });
  const summary = await timeline.getByRole('img').getAttribute('aria-label');
  const failed = Number(summary!.match(/(\d+) failed or killed/)![1]);
  expect(failed).toBeGreaterThan(0);
  const items = incidents(page).getByRole('listitem', { name: /^Injected failure in task \d+ of stage \d+\.\d+$/ });
  await expect(items).toHaveCount(failed);
  await expect(incidents(page).getByRole('listitem')).toHaveCount(failed);
  // The axis ends with the job: it does not stretch while the page sits idle.
  const span = await timeline.locator('.panel-head .muted').textContent();
  await page.waitForTimeout(1500);
  await expect(timeline.locator('.panel-head .muted')).toHaveText(span!);
  await shoot(page, testInfo, 'failures-p03-seed7');
});
