import { readFile } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures';

// The page's "Download Spark event log": the latest run, in a file whose name has no dot.

async function download(page: Page, name: string): Promise<{ fileName: string; lines: Record<string, unknown>[] }> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name }).click()]);
  const text = await readFile(await file.path(), 'utf8');
  return {
    fileName: file.suggestedFilename(),
    lines: text
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

async function runWordCount(page: Page) {
  await page.getByRole('button', { name: 'Run word count' }).click();
  await expect(page.getByRole('status', { name: 'Job status' })).toContainText('Succeeded', { timeout: 30_000 });
}

test('downloads the latest run as a Spark event log with an App ID of its own', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('button', { name: 'Download Spark event log' }).click();
  await expect(page.getByText('No run to export yet: run a word count first.')).toBeVisible();

  await page.getByRole('button', { name: 'Load sample text' }).click();
  await expect(page.getByRole('button', { name: /^Remove sample/ })).toBeVisible();
  await runWordCount(page);
  const first = await download(page, 'Download Spark event log');
  await runWordCount(page);
  const second = await download(page, 'Download Spark event log');

  const appIds = [first, second].map((log) => {
    expect(log.lines[0]).toEqual({ Event: 'SparkListenerLogStart', 'Spark Version': '4.3.0' });
    const start = log.lines[1]!;
    expect(start.Event).toBe('SparkListenerApplicationStart');
    expect(log.fileName).toBe(`emberflow_${start['App ID'] as string}`);
    expect(log.fileName).not.toContain('.');
    return start['App ID'];
  });
  expect(appIds[0]).not.toBe(appIds[1]);

  // The second log holds the second run's jobs, with Emberflow's own job ids.
  const own = await download(page, 'Download event log');
  const ownJobs = own.lines.filter((e) => e.type === 'job.submitted').map((e) => e.jobId as number);
  const jobsOf = (log: typeof first) =>
    log.lines.filter((e) => e.Event === 'SparkListenerJobStart').map((e) => e['Job ID'] as number);
  expect(jobsOf(first).length).toBeGreaterThan(0);
  expect([...jobsOf(first), ...jobsOf(second)]).toEqual(ownJobs);
});
