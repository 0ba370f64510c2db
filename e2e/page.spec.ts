import { readFile } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { expectedTsv } from './expectedTsv';

// The page as a user drives it: locate by role and accessible name only.

const FILE_A = {
  name: 'a.txt',
  mimeType: 'text/plain',
  text: "The quick brown fox — it's QUICK!\nDon’t stop: the fox, the dog.\nnaïve café 42 café\n",
};
const FILE_B = {
  name: 'b.txt',
  mimeType: 'text/plain',
  text: 'the end\n\nÜber straße, über Straße. 42 42\nit’s the end of the fox\n',
};

/** Number inputs by exact accessible name ("Workers" alone would also match the Workers region). */
const field = (page: Page, name: string) => page.getByRole('spinbutton', { name, exact: true });

const status = (page: Page) => page.getByRole('status', { name: 'Job status' });

async function upload(page: Page, files: { name: string; mimeType: string; text: string }[]) {
  await page
    .getByLabel('Upload text files')
    .setInputFiles(files.map((f) => ({ name: f.name, mimeType: f.mimeType, buffer: Buffer.from(f.text, 'utf8') })));
  for (const f of files) await expect(page.getByRole('button', { name: `Remove ${f.name}` })).toBeVisible();
}

async function downloadResults(page: Page): Promise<string> {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download results' }).click(),
  ]);
  const path = await download.path();
  return readFile(path, 'utf8');
}

test.beforeEach(async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Emberflow' })).toBeVisible();
});

test('two uploaded files: run, download, and the TSV matches an independent count', async ({ page }) => {
  await upload(page, [FILE_A, FILE_B]);
  await page.getByRole('combobox', { name: 'Tokenizer' }).selectOption('words');
  await field(page, 'Input splits').fill('3');
  await field(page, 'Shuffle partitions').fill('3');
  await page.getByRole('button', { name: 'Run word count' }).click();
  await expect(status(page)).toContainText('Succeeded', { timeout: 30_000 });

  const tsv = await downloadResults(page);
  expect(tsv).toBe(expectedTsv([FILE_A.text, FILE_B.text]));

  const results = page.getByRole('table', { name: 'Results' });
  await expect(results.getByRole('row').nth(1)).toContainText('the');
  await expect(
    page
      .getByRole('region', { name: 'DAG' })
      .getByRole('group', { name: /^Stage \d+$/ })
      .first(),
  ).toContainText(/succeeded|skipped/);
});

test('the sample text loads in one click and survives a reload', async ({ page }) => {
  await page.getByRole('button', { name: 'Load sample text' }).click();
  const remove = page.getByRole('button', { name: /^Remove sample/ });
  await expect(remove).toBeVisible();
  await page.reload();
  await expect(remove).toBeVisible();

  await page.getByRole('button', { name: 'Run word count' }).click();
  await expect(status(page)).toContainText('Succeeded', { timeout: 30_000 });
  await expect(page.getByRole('table', { name: 'Results' }).getByRole('row').nth(1)).toContainText('the');
});

test('a removed file stays removed after a reload', async ({ page }) => {
  await upload(page, [FILE_A, FILE_B]);
  await page.getByRole('button', { name: 'Remove a.txt' }).click();
  await expect(page.getByRole('button', { name: 'Remove a.txt' })).toHaveCount(0);
  await page.reload();
  await expect(page.getByRole('button', { name: 'Remove b.txt' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Remove a.txt' })).toHaveCount(0);
});

test('files dropped anywhere on the page are stored', async ({ page }) => {
  const dataTransfer = await page.evaluateHandle(({ name, text }) => {
    const dt = new DataTransfer();
    dt.items.add(new File([text], name, { type: 'text/plain' }));
    return dt;
  }, FILE_B);
  await page.locator('main').dispatchEvent('dragenter', { dataTransfer });
  await page.locator('main').dispatchEvent('dragover', { dataTransfer });
  await page.locator('main').dispatchEvent('drop', { dataTransfer });
  await expect(page.getByRole('button', { name: 'Remove b.txt' })).toBeVisible();
});

test('changing Workers restarts the pool with that many workers', async ({ page }) => {
  const workers = page.getByRole('region', { name: 'Workers' });
  await field(page, 'Workers').fill('3');
  await expect(workers.getByRole('button', { name: /^Kill worker \d+$/ })).toHaveCount(3);
  await page.getByRole('button', { name: 'Load sample text' }).click();
  await page.getByRole('button', { name: 'Run word count' }).click();
  await expect(status(page)).toContainText('Succeeded', { timeout: 30_000 });
  await workers.getByRole('button', { name: 'Add worker' }).click();
  await expect(workers.getByRole('button', { name: /^Kill worker \d+$/ })).toHaveCount(4);
});

test('running without files explains what to do', async ({ page }) => {
  await page.getByRole('button', { name: 'Run word count' }).click();
  await expect(page.getByRole('alert')).toContainText('Add at least one text file, or load the sample text.');
  await expect(status(page)).not.toContainText('Running');
});

test('an invalid setting is named and blocks the run', async ({ page }) => {
  await upload(page, [FILE_A]);
  await field(page, 'Shuffle partitions').fill('0');
  await page.getByRole('button', { name: 'Run word count' }).click();
  await expect(page.getByRole('alert')).toContainText('Shuffle partitions must be at least 1');
});

test('killing a worker mid-job still gives the fault-free answer', async ({ page }) => {
  await upload(page, [FILE_A, FILE_B]);
  await field(page, 'Workers').fill('2');
  await field(page, 'Task delay (ms)').fill('400');
  await page.getByRole('button', { name: 'Run word count' }).click();
  await expect(status(page)).toContainText('Running');
  const workers = page.getByRole('region', { name: 'Workers' });
  const kill = workers.getByRole('button', { name: /^Kill worker \d+$/ }).first();
  await kill.click();
  await expect(status(page)).toContainText('Succeeded', { timeout: 60_000 });
  expect(await downloadResults(page)).toBe(expectedTsv([FILE_A.text, FILE_B.text]));
  await expect(page.getByRole('region', { name: 'Event log' })).toContainText(/removed|lost|killed/i);
});

test('cleared shuffle blocks are gone from Storage, and the next run still gives the same answer', async ({ page }) => {
  await upload(page, [FILE_A, FILE_B]);
  await page.getByRole('button', { name: 'Run word count' }).click();
  await expect(status(page)).toContainText('Succeeded', { timeout: 30_000 });
  const storage = page.getByRole('region', { name: 'Storage' });
  await expect(storage).toContainText('Shuffle 0');
  await storage.getByRole('button', { name: 'Clear shuffle blocks' }).click();
  // (The counts the run cached for its sort were released when it finished: nothing else is left.)
  await expect(storage).not.toContainText(/Shuffle \d/);
  await page.getByRole('button', { name: 'Run word count' }).click();
  await expect(status(page)).toContainText('Succeeded', { timeout: 30_000 });
  expect(await downloadResults(page)).toBe(expectedTsv([FILE_A.text, FILE_B.text]));
});

test('partition cells are keyboard reachable and describe their attempts', async ({ page }) => {
  await upload(page, [FILE_A]);
  await page.getByRole('button', { name: 'Run word count' }).click();
  await expect(status(page)).toContainText('Succeeded', { timeout: 30_000 });
  const stage = page.getByRole('region', { name: 'DAG' }).getByRole('group', { name: 'Stage 0', exact: true });
  await expect(stage).toContainText('attempt 0');
  const cell = stage.getByRole('button', { name: /^Partition 0:/ });
  await cell.focus();
  await expect(page.getByRole('tooltip')).toContainText(/on worker \d+/);
  await page.keyboard.press('ArrowRight');
  await expect(stage.getByRole('button', { name: /^Partition 1:/ })).toBeFocused();
});

test('cancelling a job reports it as cancelled', async ({ page }) => {
  await upload(page, [FILE_A]);
  await field(page, 'Task delay (ms)').fill('2000');
  await page.getByRole('button', { name: 'Run word count' }).click();
  await expect(status(page)).toContainText('Running');
  await page.getByRole('button', { name: 'Cancel job' }).click();
  await expect(status(page)).toContainText('Cancelled after');
});

test('no horizontal scroll at 1280×720', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.getByRole('button', { name: 'Load sample text' }).click();
  await page.getByRole('button', { name: 'Run word count' }).click();
  await expect(status(page)).toContainText('Succeeded', { timeout: 30_000 });
  const [scroll, client] = await page.evaluate(() => [
    document.documentElement.scrollWidth,
    document.documentElement.clientWidth,
  ]);
  expect(scroll).toBeLessThanOrEqual(client);
});

test('blocks of a worker cleared between stages: stage 0 reruns as attempt 1, the log says why, the DAG is captured in both themes', async ({
  page,
}, testInfo) => {
  await upload(page, [FILE_A, FILE_B]);
  await field(page, 'Workers').fill('2');
  await field(page, 'Input splits').fill('4');
  await field(page, 'Task delay (ms)').fill('500');
  await page.getByRole('button', { name: 'Run word count' }).click();
  const dag = page.getByRole('region', { name: 'DAG' });
  const stage0 = dag.getByRole('group', { name: 'Stage 0', exact: true });
  await expect(stage0).toContainText('succeeded', { timeout: 30_000 });
  // The next stage's tasks sleep 500 ms before they read shuffle 0: clear one worker's blocks now.
  const clear = page
    .getByRole('region', { name: 'Workers' })
    .getByRole('button', { name: /^Clear blocks of worker \d+$/ })
    .first();
  const worker =
    (await clear.textContent())?.match(/\d+/)?.[0] ?? (await clear.getAttribute('aria-label'))?.match(/\d+/)?.[0];
  await clear.click();
  await expect(stage0).toContainText('attempt 1', { timeout: 30_000 });
  const log = page.getByRole('region', { name: 'Event log' });
  await expect(log).toContainText(
    new RegExp(
      `Stage 0 resubmitted for partitions [\\d, ]+: their shuffle output on worker ${worker} could not be read\\.`,
    ),
  );
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    const path = testInfo.outputPath(`dag-during-retry-${colorScheme}.png`);
    await dag.screenshot({ path });
    await testInfo.attach(`dag-during-retry-${colorScheme}`, { path, contentType: 'image/png' });
  }
  await expect(status(page)).toContainText('Succeeded', { timeout: 60_000 });
  expect(await downloadResults(page)).toBe(expectedTsv([FILE_A.text, FILE_B.text]));
});

test('keyboard only: load the sample and run the word count without a mouse', async ({ page }) => {
  /** Presses Tab until the focused element is the named button (bounded), then Enter. */
  async function activate(name: string) {
    for (let i = 0; i < 60; i++) {
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(
        () => (document.activeElement as HTMLElement | null)?.textContent?.trim() ?? '',
      );
      if (focused === name) {
        await page.keyboard.press('Enter');
        return;
      }
    }
    throw new Error(`${name} is not reachable with Tab`);
  }
  await activate('Load sample text');
  await expect(page.getByRole('button', { name: /^Remove sample/ })).toBeVisible();
  await activate('Run word count');
  await expect(status(page)).toContainText('Succeeded', { timeout: 30_000 });
  await expect(page.getByRole('table', { name: 'Results' })).toContainText('the');
});

test('a run interrupted by a reload is offered for resuming, and resuming gives the exact counts', async ({ page }) => {
  await upload(page, [FILE_A, FILE_B]);
  await field(page, 'Input splits').fill('6');
  await field(page, 'Task delay (ms)').fill('400');
  await page.getByRole('button', { name: 'Run word count' }).click();
  const stage0 = page.getByRole('region', { name: 'DAG' }).getByRole('group', { name: 'Stage 0', exact: true });
  await expect(stage0).toContainText(/running.*[2-9]\/\d+/, { timeout: 30_000 });
  await page.reload();
  const offer = page.getByRole('region', { name: 'Interrupted run' });
  await expect(offer).toContainText('was interrupted by a reload');
  await offer.getByRole('button', { name: 'Resume interrupted run' }).click();
  await expect(status(page)).toContainText('Succeeded', { timeout: 60_000 });
  await expect(page.getByRole('region', { name: 'Event log' })).toContainText('Resuming the interrupted run');
  expect(await downloadResults(page)).toBe(expectedTsv([FILE_A.text, FILE_B.text]));
  await expect(offer).toHaveCount(0);
});
