import { test, expect } from './fixtures';

// The production build loads the engine's public entry without console or page errors.
test('harness exposes the engine (production build)', async ({ harness }) => {
  const exports = await harness.evaluate(() => Object.keys(window.emberflow).sort());
  expect(exports.length).toBeGreaterThan(0);
});
