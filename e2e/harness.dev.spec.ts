import { test, expect } from './fixtures';

// Function shipping under Vite's dev transform: user functions defined in the page travel to real
// workers as source and compile there; captured variables are still caught at declaration.
test('user functions ship to workers under the dev server', async ({ harness }) => {
  const result = await harness.evaluate(async () => {
    const ctx = window.emberflow.createContext({ workers: 2, name: `dev-${Math.random().toString(36).slice(2)}` });
    try {
      const words = ['b', 'a', 'b', 'c', 'b', 'a'];
      const counts = await ctx
        .parallelize(words, 3)
        .map((w, p) => [w + p.suffix, 1] as [string, number], { params: { suffix: '!' } })
        .reduceByKey((a, b) => a + b)
        .sortBy(([w, n]) => [-n, w])
        .collect();
      const limit = 2;
      let captured = '';
      try {
        ctx.parallelize([1, 2, 3]).filter((x) => x > limit);
      } catch (e) {
        captured = (e as Error).message;
      }
      return { counts, captured };
    } finally {
      await ctx.stop();
    }
  });
  expect(result.counts).toEqual([
    ['b!', 3],
    ['a!', 2],
    ['c!', 1],
  ]);
  expect(result.captured).toContain("uses 'limit'");
});
