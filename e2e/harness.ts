// Loaded by e2e/harness.html: exposes the engine's public entry to Playwright and the benchmark.
import * as engine from '../src/engine';
// Test-only: layers below the public API that e2e specs check against the real browser. The engine
// already bundles these modules, so this adds nothing to the page's code.
import { BlockStore } from '../src/storage/blockStore';
import { deleteInput, getInput, listInputs, putInputs } from '../src/storage/inputStore';
import { engineDbName, openEngineDb } from '../src/storage/schema';
import { StorageFullError } from '../src/storage/storageFullError';

const internals = {
  storage: { BlockStore, deleteInput, getInput, listInputs, putInputs, engineDbName, openEngineDb, StorageFullError },
};

declare global {
  interface Window {
    emberflow: typeof engine;
    emberflowInternals: typeof internals;
  }
}

window.emberflowInternals = internals;
window.emberflow = engine;
document.title = 'harness ready';
