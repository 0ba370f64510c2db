// Shared Playwright fixtures. Use `import { test, expect } from './fixtures'` in every spec.
//
// `harness` opens /e2e/harness.html (the engine without UI; see harness.ts) and resolves once
// `window.emberflow` is set. Every test, harness or not, fails on any console error or uncaught page
// error, so a broken worker or an unhandled rejection cannot hide behind a passing assertion.
import { test as base, expect, type Page } from '@playwright/test';

export interface PageErrors {
  /** Console errors and uncaught page errors seen so far, in order. */
  readonly messages: string[];
  /** Call in a test that provokes an error on purpose; the matching messages are then not a failure. */
  allow(pattern: RegExp): void;
}

interface Fixtures {
  pageErrors: PageErrors;
  /** A page on /e2e/harness.html with `window.emberflow` ready. */
  harness: Page;
}

export const test = base.extend<Fixtures>({
  pageErrors: [
    async ({ page }, use, testInfo) => {
      const messages: string[] = [];
      const allowed: RegExp[] = [];
      page.on('console', (msg) => {
        // Browsers ask for /favicon.ico on their own; its 404 says nothing about the app.
        if (msg.type() === 'error' && !/favicon\.ico/.test(msg.location().url)) {
          const loc = msg.location();
          messages.push(`console.error: ${msg.text()}${loc.url ? ` (${loc.url}:${loc.lineNumber})` : ''}`);
        }
      });
      page.on('pageerror', (err) => messages.push(`pageerror: ${err.stack ?? err.message}`));
      // Errors from web workers reach the page as console messages; crashed pages are always fatal.
      page.on('crash', () => messages.push('page crashed'));

      await use({ messages, allow: (p) => allowed.push(p) });

      const unexpected = messages.filter((m) => !allowed.some((p) => p.test(m)));
      if (unexpected.length > 0) {
        await testInfo.attach('page-errors', { body: unexpected.join('\n\n'), contentType: 'text/plain' });
      }
      expect(unexpected, 'console errors / page errors during the test').toEqual([]);
    },
    { auto: true },
  ],

  harness: async ({ page }, use) => {
    await page.goto('/e2e/harness.html');
    // harness.html sets the title to 'harness failed' when its module cannot load: fail fast then.
    await page.waitForFunction(
      () => (typeof window.emberflow === 'object' && window.emberflow !== null) || document.title === 'harness failed',
      undefined,
      { timeout: 30_000 },
    );
    await expect(page, 'e2e/harness.ts failed to load; see the console errors').toHaveTitle('harness ready');
    await use(page);
  },
});

export { expect };
