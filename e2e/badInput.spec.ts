import { readFile } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { expectedTsv } from './expectedTsv';

// Inputs that are not plain, well-formed text, through the page as a user drives it.

interface Upload {
  name: string;
  mimeType: string;
  buffer: Buffer;
}

const text = (name: string, body: string): Upload => ({
  name,
  mimeType: 'text/plain',
  buffer: Buffer.from(body, 'utf8'),
});

const status = (page: Page) => page.getByRole('status', { name: 'Job status' });
const inputsList = (page: Page) => page.getByRole('list', { name: 'Input files' });

async function upload(page: Page, files: Upload[]): Promise<void> {
  await page.getByLabel('Upload text files').setInputFiles(files);
}

async function run(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Run word count' }).click();
  await expect(status(page)).toContainText(/Succeeded|Failed/, { timeout: 30_000 });
}

async function downloadResults(page: Page): Promise<string> {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download results' }).click(),
  ]);
  return readFile(await download.path(), 'utf8');
}

const NOTES = 'Binary files are skipped, text is counted.\nnotes about zebra notes\n';
// A PNG signature, an IHDR chunk and binary noise; "zebra" in it is only counted when asked.
const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
  Buffer.from('IHDR zebra '),
  Buffer.from(Array.from({ length: 200 }, (_, i) => (i * 37) % 256)),
]);
const ZIP = Buffer.concat([
  Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0]),
  Buffer.from('mimetypeapplication/zip'),
]);
const PDF = Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n', 'latin1');

test.beforeEach(async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Emberflow' })).toBeVisible();
});

test('binary files are named, left out of the count, and counted only when the user ticks "Count … anyway"', async ({
  page,
}) => {
  await upload(page, [
    text('notes.txt', NOTES),
    { name: 'photo.png', mimeType: 'image/png', buffer: PNG },
    { name: 'archive.zip', mimeType: 'application/zip', buffer: ZIP },
    { name: 'paper.pdf', mimeType: 'application/pdf', buffer: PDF },
  ]);
  const list = inputsList(page);
  await expect(list).toContainText('photo.png looks like a PNG image, not text: it is left out of the word count.');
  await expect(list).toContainText('archive.zip looks like a ZIP archive, not text: it is left out of the word count.');
  await expect(list).toContainText('paper.pdf looks like a PDF document, not text: it is left out of the word count.');
  await expect(list.getByText(/notes\.txt looks like/)).toHaveCount(0);

  await run(page);
  await expect(status(page)).toContainText('Succeeded');
  expect(await downloadResults(page)).toBe(expectedTsv([NOTES]));

  // The decision survives a reload (the files are in IndexedDB, the sniffing result beside the settings).
  await page.reload();
  await expect(inputsList(page)).toContainText('photo.png looks like a PNG image, not text');

  const anyway = page.getByRole('checkbox', { name: 'Count photo.png anyway' });
  await expect(anyway).not.toBeChecked();
  await anyway.check();
  await expect(inputsList(page)).toContainText(
    'photo.png looks like a PNG image, but it is counted as text, as you asked.',
  );
  await run(page);
  await expect(status(page)).toContainText('Succeeded');
  const tsv = await downloadResults(page);
  expect(tsv).toContain('zebra\t2\n');
  expect(tsv).toContain('ihdr\t1\n');
  // Binary noise is not UTF-8: the replacements are reported next to the file.
  await expect(inputsList(page)).toContainText(/photo\.png: \d+ invalid UTF-8 sequences were replaced by U\+FFFD\./);
});

test('only binary files: the run explains why it cannot start', async ({ page }) => {
  await upload(page, [{ name: 'photo.png', mimeType: 'image/png', buffer: PNG }]);
  await expect(page.getByRole('checkbox', { name: 'Count photo.png anyway' })).toBeVisible();
  await page.getByRole('button', { name: 'Run word count' }).click();
  await expect(page.getByRole('alert')).toContainText('Every file looks binary and is left out');
});

test('invalid UTF-8 is counted with U+FFFD and the replaced sequences are reported per file, once per split', async ({
  page,
}) => {
  const good = 'good words here\n';
  // Three ill-formed sequences: a lone continuation byte, a truncated 3-byte sequence, an invalid lead byte.
  const bad = Buffer.concat([
    Buffer.from('caf'),
    Buffer.from([0x80]),
    Buffer.from(' ok\n'.repeat(50)),
    Buffer.from([0xe2, 0x82]),
    Buffer.from(' fine \uFFFD literal\n'.repeat(50)),
    Buffer.from([0xff]),
    Buffer.from(' end\n'),
  ]);
  await upload(page, [text('good.txt', good), { name: 'bad.txt', mimeType: 'text/plain', buffer: bad }]);
  await page.getByRole('spinbutton', { name: 'Input splits', exact: true }).fill('5');
  await run(page);
  await expect(status(page)).toContainText('Succeeded');
  const message = 'bad.txt: 3 invalid UTF-8 sequences were replaced by U+FFFD.';
  const badRow = inputsList(page).getByRole('listitem').filter({ hasText: 'bad.txt' });
  await expect(badRow).toContainText(message);
  await expect(inputsList(page).getByRole('listitem').filter({ hasText: 'good.txt' })).not.toContainText(
    'invalid UTF-8',
  );
  await expect(page.getByRole('region', { name: 'Event log' }).getByText(message)).toHaveCount(1);
  // Counted as text with the replacement characters: "caf\uFFFD" is not a word, "caf" is.
  expect(await downloadResults(page)).toBe(expectedTsv([good, bad.toString('utf8')]));
});

test('an empty file is named and not added; a file without any newline is one line', async ({ page }) => {
  await upload(page, [text('empty.txt', '')]);
  await expect(page.getByRole('alert')).toContainText(
    'empty.txt is empty (0 bytes) and was not added. Add a text file with some words in it.',
  );
  const noNewline = 'alpha beta alpha gamma';
  await upload(page, [text('blank.txt', ''), text('nonl.txt', noNewline)]);
  await expect(page.getByRole('alert')).toContainText('blank.txt is empty (0 bytes) and was not added.');
  await expect(page.getByRole('button', { name: 'Remove nonl.txt' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Remove blank.txt' })).toHaveCount(0);
  await page.getByRole('spinbutton', { name: 'Input splits', exact: true }).fill('4');
  await run(page);
  await expect(status(page)).toContainText('Succeeded');
  expect(await downloadResults(page)).toBe(expectedTsv([noNewline]));
});

test('file names with HTML or odd characters are shown as text, never as markup', async ({ page }) => {
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  const names = [
    '<img src=x onerror=alert(1)>.txt',
    '"quoted" & <b>bold</b> \u202Eevil.txt',
    'ünï cødé 😀 %20 ..\\x.txt',
  ];
  await upload(
    page,
    names.map((n) => text(n, 'markup is text\n')),
  );
  const list = inputsList(page);
  for (const name of names) {
    await expect(page.getByRole('button', { name: `Remove ${name}` })).toBeVisible();
    await expect(list.getByText(name, { exact: true })).toBeVisible();
  }
  await expect(page.locator('img')).toHaveCount(0);
  await expect(list.locator('b')).toHaveCount(0);
  await run(page);
  await expect(status(page)).toContainText('Succeeded');
  expect(await downloadResults(page)).toBe(expectedTsv(names.map(() => 'markup is text\n')));
  expect(dialogs).toEqual([]);
});

test('an input deleted behind the engine’s back fails the job at once, naming the file', async ({ page }) => {
  await upload(page, [text('keep.txt', 'kept words\n'), text('gone.txt', 'doomed words\n'.repeat(100))]);
  await expect(page.getByRole('button', { name: 'Remove gone.txt' })).toBeVisible();
  // Delete the stored Blob straight from IndexedDB; the page still lists it, the engine still plans it.
  const deleted = await page.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open('emberflow-default');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction('inputs', 'readwrite');
          const store = tx.objectStore('inputs');
          let n = 0;
          store.openCursor().onsuccess = (e) => {
            const cursor = (e.target as IDBRequest<IDBCursorWithValue | null>).result;
            if (!cursor) return;
            if ((cursor.value as { name: string }).name === 'gone.txt') {
              cursor.delete();
              n++;
            }
            cursor.continue();
          };
          tx.oncomplete = () => {
            db.close();
            resolve(n);
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
  );
  expect(deleted).toBe(1);
  await page.getByRole('spinbutton', { name: 'Input splits', exact: true }).fill('4');
  await run(page);
  await expect(status(page)).toContainText(
    /^Failed: Job aborted due to stage failure: Task \d+ in stage [\d.]+ failed and cannot be retried: The input file 'gone.txt' was deleted or cannot be read/,
  );
  await expect(status(page)).toContainText(
    'lineage ends at the source, so it cannot be recomputed. Add the file again and rerun.',
  );
  const log = page.getByRole('region', { name: 'Event log' });
  await expect(log).toContainText(
    'could not read its input file gone.txt; retrying cannot help, so the stage is aborted.',
  );
  // No retry was launched: every failed task of the file was attempt 0.
  await expect(log.getByText(/retrying as attempt/)).toHaveCount(0);
});

test('one line of 64 MiB (no newline at all) is counted exactly', async ({ harness }) => {
  const result = await harness.evaluate(async () => {
    const ctx = window.emberflow.createContext({
      workers: 2,
      name: `long-line-${Math.random().toString(36).slice(2)}`,
    });
    try {
      const unit = 'lorem ipsum dolor sit amet consectetur ';
      const repeats = Math.ceil((64 << 20) / unit.length);
      const inputs = await ctx.inputs.add([new File([new TextEncoder().encode(unit.repeat(repeats))], 'oneline.txt')]);
      const rows = await ctx.wordCount({ inputs, tokenizer: 'words', inputSplits: 2, shufflePartitions: 2 }).collect();
      for (const input of inputs) await ctx.inputs.remove(input.id);
      return { repeats, rows };
    } finally {
      await ctx.stop();
    }
  });
  expect(result.rows).toEqual(
    ['amet', 'consectetur', 'dolor', 'ipsum', 'lorem', 'sit'].map((w) => [w, result.repeats]),
  );
});
