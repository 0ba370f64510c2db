// The fault-free reference, computed in Node with the engine's own regex reference
// (src/common/tokenizer.ts referenceCountTokens) over each whole file decoded by TextDecoder:
// independent of the engine's byte-level counter, line splitting, shuffle and sort.
import { readFileSync, readdirSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { transformWithOxc } from 'vite';

export async function loadReference(root) {
  // src/common is plain code with relative imports only (types from src/protocol are erased):
  // compile the whole folder, and give the relative imports the .mjs extension Node needs.
  const dir = mkdtempSync(join(tmpdir(), 'emberflow-soak-'));
  const common = join(root, 'src/common');
  for (const name of readdirSync(common).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))) {
    const { code } = await transformWithOxc(readFileSync(join(common, name), 'utf8'), name, { lang: 'ts' });
    writeFileSync(
      join(dir, name.replace(/\.ts$/, '.mjs')),
      code.replace(/from (['"])(\.\/[\w.-]+)\1/g, "from '$2.mjs'"),
    );
  }
  const { referenceCountTokens } = await import(pathToFileURL(join(dir, 'tokenizer.mjs')).href);
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
