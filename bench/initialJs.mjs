// initial_js_gzip_kib: the JavaScript a built page loads before its first paint — the scripts of the
// HTML (module or classic), its modulepreloads, and every module they import statically (found by
// parsing each module with acorn), but not the chunks they load with import(). Each file is gzipped on its own with
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

/**
 * The external scripts of a Vite-built HTML file, as { src, module } with site paths
 * (e.g. /assets/main-x.js): module and classic scripts, and modulepreloads (modules).
 */
export function htmlEntries(html) {
  const out = [];
  for (const [tag] of html.matchAll(/<script\b[^>]*>/gi)) {
    const type = attr(tag, 'type');
    const src = attr(tag, 'src');
    if (src && (type === null || type === 'module' || type === 'text/javascript'))
      out.push({ src, module: type === 'module' });
  }
  for (const [tag] of html.matchAll(/<link\b[^>]*>/gi))
    if (attr(tag, 'rel') === 'modulepreload' && attr(tag, 'href')) out.push({ src: attr(tag, 'href'), module: true });
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
  const queue = htmlEntries(readFileSync(join(distDir, htmlFile), 'utf8')).map(({ src, module }) => ({
    path: posix.resolve(posix.dirname(htmlPath), src),
    module,
  }));
  const seen = new Map();
  while (queue.length > 0) {
    const { path, module } = queue.shift();
    if (seen.has(path)) continue;
    const code = readFileSync(join(distDir, path));
    seen.set(path, { path, bytes: code.length, gzipBytes: gzipSync(code).length });
    if (!module) continue; // a classic script has no static imports
    for (const spec of staticImports(code.toString('utf8')))
      queue.push({ path: spec.startsWith('/') ? spec : posix.resolve(posix.dirname(path), spec), module: true });
  }
  const files = [...seen.values()];
  if (files.length === 0) throw new Error(`${join(distDir, htmlFile)} loads no script`);
  return { files, gzipBytes: files.reduce((sum, f) => sum + f.gzipBytes, 0) };
}
