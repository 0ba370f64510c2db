// Spark's own event logs, opened in the page: fresh logs from the installed Spark (scripts/spark-logs/),
// one with tasks that fail on their first attempt (lz4, a single file), one whose shuffle files were
// deleted mid-job (zstd, a rolling eventlog_v2_* folder). What the page shows is compared with what the
// log itself says, read here with JSON.parse.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { decompress } from 'fzstd';
import type { Page, TestInfo } from '@playwright/test';
import { test, expect } from './fixtures';
import { generate } from '../scripts/spark-logs/generate.mjs';
import { Lz4BlockDecoder } from '../src/sparkLog/lz4Block';

type Json = Record<string, any>;

let outDir = '';
let logs: Record<'lz4' | 'zstd-rolling', string[]>;

test.beforeAll(async () => {
  // Two spark-submits at once (JVM start-up, Python workers): about 1 min on an idle 2-core machine,
  // 4 min measured while the machine was shared by several test suites.
  test.setTimeout(8 * 60_000);
  outDir = mkdtempSync(join(tmpdir(), 'emberflow-spark-logs-'));
  logs = await generate(outDir);
});

test.afterAll(() => {
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

/** The files to choose: a single log, or every file of a rolling log folder. */
function filesOf(path: string): string[] {
  return statSync(path).isDirectory() ? readdirSync(path).map((f) => join(path, f)) : [path];
}

/** The log's events, decoded here (lz4 blocks are checked against lz4-java's own XXHash checksums). */
function eventsOf(path: string): Json[] {
  const parts = filesOf(path)
    .filter((f) => /(^|\/)(events_\d+_[^/]*|[^/]*\.lz4)$/.test(f))
    .sort();
  const text = parts
    .map((f) => {
      const bytes = new Uint8Array(readFileSync(f));
      if (f.endsWith('.zstd')) return Buffer.from(decompress(bytes)).toString('utf8');
      if (f.endsWith('.lz4')) return Buffer.concat(new Lz4BlockDecoder().push(bytes)).toString('utf8');
      return Buffer.from(bytes).toString('utf8');
    })
    .join('');
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Json);
}

async function open(page: Page, path: string, appName: string): Promise<void> {
  await page.goto('/');
  await page.getByLabel('Open Spark event log').setInputFiles(filesOf(path));
  await expect(page.getByRole('status').filter({ hasText: 'Showing Spark application' })).toContainText(
    `Showing Spark application ${appName}`,
  );
}

/** A full-page screenshot kept in the test's output folder and attached to the report. */
async function keepScreenshot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const path = testInfo.outputPath(name);
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

const lastLine = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/^SQLSTATE/.test(l))
    .at(-1)!;

test('a Spark log whose tasks failed on their first attempt shows the failures and the retries', async ({
  page,
}, testInfo) => {
  const [path] = logs.lz4;
  const events = eventsOf(path!);
  const failed = events.filter(
    (e) => e.Event === 'SparkListenerTaskEnd' && e['Task End Reason'].Reason === 'ExceptionFailure',
  );
  expect(failed.length).toBeGreaterThan(0);
  await open(page, path!, 'emberflow-failing-tasks');

  const log = page.getByRole('region', { name: 'Event log' });
  for (const e of failed) {
    const info = e['Task Info'];
    const reason = e['Task End Reason'];
    const retry = events.find(
      (t) =>
        t.Event === 'SparkListenerTaskStart' &&
        t['Stage ID'] === e['Stage ID'] &&
        t['Task Info']['Partition ID'] === info['Partition ID'] &&
        t['Task Info'].Attempt === info.Attempt + 1,
    );
    expect(retry, 'Spark retried the failed task').toBeDefined();
    await expect(log).toContainText(
      `Task ${info['Partition ID']} of stage ${e['Stage ID']}.${e['Stage Attempt ID']} (attempt ${info.Attempt}) failed on executor ${info['Executor ID']}: ${reason['Class Name']}: ${lastLine(reason.Description)}. Spark ran it again as attempt ${info.Attempt + 1}.`,
    );
    // The partition's cell: both attempts, and Spark's exception text as Spark recorded it.
    const stage = page.getByRole('group', { name: `Stage ${e['Stage ID']}` });
    const cell = stage.getByRole('button', { name: `Partition ${info['Partition ID']}: succeeded, 2 attempts` });
    await cell.focus();
    const tip = page.getByRole('tooltip');
    await expect(tip).toContainText(`attempt ${info.Attempt}`);
    await expect(tip).toContainText(`${reason['Class Name']}: ${reason.Description}`);
    await cell.blur();
  }
  await keepScreenshot(page, testInfo, 'spark-failing-tasks.png');
});

test('a Spark log with a FetchFailed shows the failed stage attempt, the missing output and the retried attempts', async ({
  page,
}, testInfo) => {
  const [folder] = logs['zstd-rolling'];
  expect(folder).toMatch(/eventlog_v2_/);
  const events = eventsOf(folder!);
  const fetch = events.find((e) => e.Event === 'SparkListenerTaskEnd' && e['Task End Reason'].Reason === 'FetchFailed');
  expect(fetch, 'the deleted shuffle files made a reader fail with FetchFailed').toBeDefined();
  const submitted = events.filter((e) => e.Event === 'SparkListenerStageSubmitted').map((e) => e['Stage Info']);
  const retried = submitted.filter((s) => s['Stage Attempt ID'] > 0);
  expect(retried.length).toBeGreaterThan(0);
  await open(page, folder!, 'emberflow-fetch-failure');

  const r = fetch!['Task End Reason'];
  const failedStage = page.getByRole('group', { name: `Stage ${fetch!['Stage ID']}` });
  const history = failedStage.getByRole('list', { name: 'Attempt history' });
  const failedLine = history.getByRole('listitem').nth(fetch!['Stage Attempt ID']);
  await expect(failedLine).toContainText(
    attemptRan(events, fetch!['Stage ID'], fetch!['Stage Attempt ID'], stageTotal(events, fetch!['Stage ID'])),
  );
  await expect(failedLine).toContainText(
    `; failed — FetchFailed: the output of shuffle ${r['Shuffle ID']} (map ${r['Map Index']}, reduce ${r['Reduce ID']}) on executor ${r['Block Manager Address']['Executor ID']} is missing.`,
  );

  const log = page.getByRole('region', { name: 'Event log' });
  for (const s of retried) {
    const stageId = s['Stage ID'];
    const attempt = s['Stage Attempt ID'];
    const total = s['RDD Info'].reduce(
      (best: Json, rdd: Json) => (rdd['RDD ID'] > best['RDD ID'] ? rdd : best),
      s['RDD Info'][0],
    )['Number of Partitions'];
    const tasks = s['Number of Tasks'];
    await expect(log).toContainText(
      `Stage ${stageId} attempt ${attempt} re-ran ${tasks} of ${total} partitions because`,
    );
    const stage = page.getByRole('group', { name: `Stage ${stageId}` });
    const line = stage.getByRole('list', { name: 'Attempt history' }).getByRole('listitem').nth(attempt);
    await expect(line).toContainText(attemptRan(events, stageId, attempt, total));
    await expect(line).toContainText(new RegExp(`; succeeded ${tasks}/${tasks}$`));
    // The partitions this attempt ran, as its task starts say.
    const ran = events.filter(
      (e) => e.Event === 'SparkListenerTaskStart' && e['Stage ID'] === stageId && e['Stage Attempt ID'] === attempt,
    );
    expect(ran.length).toBe(tasks);
    for (const t of ran) {
      const p = t['Task Info']['Partition ID'];
      const launches = events.filter(
        (e) =>
          e.Event === 'SparkListenerTaskStart' && e['Stage ID'] === stageId && e['Task Info']['Partition ID'] === p,
      ).length;
      await expect(
        stage.getByRole('button', { name: `Partition ${p}: succeeded, ${launches} attempts` }),
      ).toBeVisible();
    }
  }
  // The reducing stage's retry explains itself with the fetch failure that caused it.
  await expect(log).toContainText(
    `because attempt ${fetch!['Stage Attempt ID']} could not read its input: the output of shuffle ${r['Shuffle ID']} (map ${r['Map Index']}, reduce ${r['Reduce ID']}) on executor ${r['Block Manager Address']['Executor ID']} was lost (FetchFailed)`,
  );
  await keepScreenshot(page, testInfo, 'spark-fetch-failure-retry.png');
});

test('the files of a rolling log folder dropped on the page open as that Spark application', async ({ page }) => {
  const [folder] = logs['zstd-rolling'];
  const files = filesOf(folder!).map((f) => ({ name: basename(f), base64: readFileSync(f).toString('base64') }));
  const events = eventsOf(folder!);
  const jobs = events.filter((e) => e.Event === 'SparkListenerJobStart').length;
  const version = events.find((e) => e.Event === 'SparkListenerLogStart')!['Spark Version'];
  await page.goto('/');
  const dataTransfer = await page.evaluateHandle((files) => {
    const dt = new DataTransfer();
    for (const f of files) dt.items.add(new File([Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0))], f.name));
    return dt;
  }, files);
  await page.locator('main').dispatchEvent('dragenter', { dataTransfer });
  await page.locator('main').dispatchEvent('dragover', { dataTransfer });
  await page.locator('main').dispatchEvent('drop', { dataTransfer });
  await expect(page.getByRole('status').filter({ hasText: 'Showing Spark application' })).toContainText(
    `Showing Spark application emberflow-fetch-failure (${basename(folder!).replace('eventlog_v2_', '')}, Spark ${version}): ${jobs} job`,
  );
  // A Spark log is not text to count: nothing was added to the inputs.
  await expect(page.getByText('No files yet.')).toBeVisible();
});

/** The page's attempt line begins "attempt 1 ran partitions 1, 3 of 4": the partitions its task starts name. */
function attemptRan(events: Json[], stageId: number, attempt: number, total: number): string {
  const partitions = events
    .filter(
      (e) => e.Event === 'SparkListenerTaskStart' && e['Stage ID'] === stageId && e['Stage Attempt ID'] === attempt,
    )
    .map((e) => e['Task Info']['Partition ID'] as number)
    .sort((a, b) => a - b);
  return `attempt ${attempt} ran ${partitions.length === 1 ? 'partition' : 'partitions'} ${partitions.join(', ')} of ${total}`;
}

/** A stage's partition count: that of its last RDD, as Spark's stage info lists them. */
function stageTotal(events: Json[], stageId: number): number {
  const info = events.find(
    (e) => e.Event === 'SparkListenerStageSubmitted' && e['Stage Info']['Stage ID'] === stageId,
  )!['Stage Info'];
  return info['RDD Info'].reduce(
    (best: Json, rdd: Json) => (rdd['RDD ID'] > best['RDD ID'] ? rdd : best),
    info['RDD Info'][0],
  )['Number of Partitions'];
}
