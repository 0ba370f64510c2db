// The fault-free reference, computed in Node with the engine's own regex reference
// (src/common/tokenizer.ts referenceCountTokens) over each whole file decoded by TextDecoder:
// independent of the engine's byte-level counter, line splitting, shuffle and sort.
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { transformWithOxc } from 'vite';

export async function loadReference(root) {
  const src = readFileSync(join(root, 'src/common/tokenizer.ts'), 'utf8');
  const { code } = await transformWithOxc(src, 'tokenizer.ts', { lang: 'ts' });
  const file = join(mkdtempSync(join(tmpdir(), 'emberflow-soak-')), 'tokenizer.mjs');
  writeFileSync(file, code);
  const { referenceCountTokens } = await import(pathToFileURL(file).href);
  return (files, tokenizer) => {
    const total = new Map();
    for (const f of files) {
      const text = new TextDecoder('utf-8').decode(f.bytes); // drops a leading BOM, U+FFFD for bad bytes
      for (const [w, n] of referenceCountTokens(text, tokenizer)) total.set(w, (total.get(w) ?? 0) + n);
    }
    // count descending, then word ascending in code-unit order: the engine's result order
    return [...total].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  };
}
