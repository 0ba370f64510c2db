// initial_js_gzip_kib: the JavaScript a built page loads before its first paint — the entry scripts
// of the HTML, its modulepreloads, and every module they import statically (found by parsing each
// file with acorn), but not the chunks they load with import(). Each file is gzipped on its own with
// node's zlib at its default level, as a server compresses each response.
import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parse } from 'acorn';

/** The value of `name` in one HTML tag's attribute text, or null. */
function attr(tag, name) {
  const m = new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(tag);
  return m ? (m[1] ?? m[2] ?? m[3]) : null;
}

/** Site paths (e.g. /assets/main-x.js) of the module scripts and modulepreloads in a Vite-built HTML file. */
export function htmlEntries(html) {
  const out = [];
  for (const [tag] of html.matchAll(/<script\b[^>]*>/gi))
    if (attr(tag, 'type') === 'module' && attr(tag, 'src')) out.push(attr(tag, 'src'));
  for (const [tag] of html.matchAll(/<link\b[^>]*>/gi))
    if (attr(tag, 'rel') === 'modulepreload' && attr(tag, 'href')) out.push(attr(tag, 'href'));
  return out;
}

/** The relative specifiers a module imports or re-exports statically (import() is left out). */
export function staticImports(code) {
  const ast = parse(code, { ecmaVersion: 'latest', sourceType: 'module' });
  return ast.body
    .filter((n) => /^(Import|ExportAll|ExportNamed)Declaration$/.test(n.type) && n.source)
    .map((n) => n.source.value)
    .filter((s) => s.startsWith('.') || s.startsWith('/'));
}

/**
 * Everything `htmlFile` (inside `distDir`) loads before first paint.
 * Returns { files: [{ path, bytes, gzipBytes }], gzipBytes } with site paths.
 */
export function initialJs(distDir, htmlFile = 'index.html') {
  const htmlPath = `/${htmlFile}`;
  const queue = htmlEntries(readFileSync(join(distDir, htmlFile), 'utf8')).map((src) =>
    posix.resolve(posix.dirname(htmlPath), src),
  );
  const seen = new Map();
  while (queue.length > 0) {
    const path = queue.shift();
    if (seen.has(path)) continue;
    const code = readFileSync(join(distDir, path));
    seen.set(path, { path, bytes: code.length, gzipBytes: gzipSync(code).length });
    for (const spec of staticImports(code.toString('utf8')))
      queue.push(spec.startsWith('/') ? spec : posix.resolve(posix.dirname(path), spec));
  }
  const files = [...seen.values()];
  if (files.length === 0) throw new Error(`${join(distDir, htmlFile)} loads no module script`);
  return { files, gzipBytes: files.reduce((sum, f) => sum + f.gzipBytes, 0) };
}
