import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { resolve } from 'node:path';

/**
 * The production page's Content-Security-Policy: no inline or foreign scripts, no plugins. User functions
 * are compiled only inside workers, whose policy comes from their own response, never on the page.
 * Not applied to the dev server, whose React refresh preamble is an inline script.
 */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "worker-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

function contentSecurityPolicy(): Plugin {
  return {
    name: 'emberflow-csp',
    apply: 'build',
    // The page people open only; the harness and bench pages (bench/bench.html hosts DuckDB-WASM) get none.
    transformIndexHtml: (_html, ctx) =>
      ctx.path !== '/index.html'
        ? []
        : [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CSP }, injectTo: 'head-prepend' }],
  };
}

export default defineConfig({
  plugins: [react(), contentSecurityPolicy()],
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    rollupOptions: {
      input: {
        main: resolve(import.meta.dirname, 'index.html'),
        // A bare page that exposes the engine to Playwright and the benchmark (no UI).
        harness: resolve(import.meta.dirname, 'e2e/harness.html'),
        // The benchmark's page (npm run bench): the engine plus its baselines, DuckDB-WASM included (no UI).
        bench: resolve(import.meta.dirname, 'bench/bench.html'),
      },
    },
  },
  preview: { host: '127.0.0.1' },
});
