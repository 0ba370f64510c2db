import { test, expect } from './fixtures';

// The dev server (Vite's dev transform) loads the engine's public entry without console or page errors.
test('harness exposes the engine (dev server)', async ({ harness }) => {
  const exports = await harness.evaluate(() => Object.keys(window.emberflow).sort());
  expect(exports.length).toBeGreaterThan(0);
});
