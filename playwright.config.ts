import { defineConfig } from '@playwright/test';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_ARGS, chromiumPath } from './scripts/chromium.mjs';

// Debian's Chromium, not Playwright's download (docs/ARCHITECTURE.md, "Running a browser"). `npm test` runs scripts/ensure-chromium.mjs
// first, which installs it with apt when root on Debian. Override with CHROMIUM_PATH.
//
// Two servers:
//   preview  the production build in dist/ (`npm test` runs `npm run build` first), all specs except *.dev.spec.ts
//   dev      the Vite dev server, only *.dev.spec.ts (function shipping under the dev transform)
// E2E_PREVIEW_PORT / E2E_DEV_PORT move the servers, so that two checkouts can run their suites at once
// without one reusing the other's server.
const PREVIEW_PORT = Number(process.env.E2E_PREVIEW_PORT ?? 4173);
const DEV_PORT = Number(process.env.E2E_DEV_PORT ?? 5173);
const PREVIEW_URL = `http://127.0.0.1:${PREVIEW_PORT}`;
const DEV_URL = `http://127.0.0.1:${DEV_PORT}`;
const reuseExistingServer = !process.env.CI;
const ROOT = fileURLToPath(new URL('.', import.meta.url));

// Not devices['Desktop Chrome']: that spoofs a Windows user agent of another Chrome version.
const browser = {
  browserName: 'chromium' as const,
  viewport: { width: 1280, height: 800 },
  launchOptions: { executablePath: chromiumPath(), args: CHROMIUM_ARGS },
};

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results',
  // The app itself runs 2+ web workers; the machines have 2 cores.
  workers: 1,
  fullyParallel: false,
  // A flaky test is a broken test.
  retries: 0,
  forbidOnly: !!process.env.CI,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['html', { open: 'never', outputFolder: 'playwright-report' }]],
  use: {
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
  },
  projects: [
    {
      name: 'preview',
      testIgnore: /.*\.dev\.spec\.ts$/,
      use: { ...browser, baseURL: PREVIEW_URL },
    },
    {
      name: 'dev',
      testMatch: /.*\.dev\.spec\.ts$/,
      use: { ...browser, baseURL: DEV_URL },
    },
  ],
  webServer: [
    {
      // Serves an already-built dist/: run `npm run build` first (npm test does). Without the check,
      // vite preview would serve 404s and Playwright would only time out.
      command:
        'test -f dist/e2e/harness.html || { echo "dist/e2e/harness.html is missing: run npm run build first" >&2; exit 1; }; ' +
        `exec npx vite preview --host 127.0.0.1 --port ${PREVIEW_PORT} --strictPort`,
      url: `${PREVIEW_URL}/e2e/harness.html`,
      reuseExistingServer,
      cwd: ROOT,
      timeout: 60_000,
      stdout: 'ignore',
      stderr: 'pipe',
    },
    {
      command: `npx vite --host 127.0.0.1 --port ${DEV_PORT} --strictPort`,
      url: `${DEV_URL}/e2e/harness.html`,
      reuseExistingServer,
      cwd: ROOT,
      timeout: 120_000,
      stdout: 'ignore',
      stderr: 'pipe',
    },
  ],
});
