// Loaded by e2e/harness.html: exposes the engine's public entry to Playwright and the benchmark.
import * as engine from '../src/engine';

declare global {
  interface Window {
    emberflow: typeof engine;
  }
}

window.emberflow = engine;
document.title = 'harness ready';
