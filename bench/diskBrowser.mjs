// Headless Chromium on a profile folder on disk, as a user's browser is. Playwright's browser.newContext()
// is off the record: its IndexedDB lives in memory with a quota of a fraction of the RAM, so a 4 GiB
// input cannot be stored at all and every block the engine writes costs memory, not disk.
// launchPersistentContext would give a disk profile but no Browser object, which the workers' CDP
// sessions (cdpWorkers.mjs) need; so Chromium is started here and Playwright connects over CDP.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from '@playwright/test';

/** Flags Playwright's own launch sets that keep a page in a background tab from being throttled. */
const UNTHROTTLED = [
  '--disable-background-timer-throttling',
  '--disable-backgrounding-occluded-windows',
  '--disable-renderer-backgrounding',
  '--disable-ipc-flooding-protection',
  '--disable-dev-shm-usage',
  '--no-default-browser-check',
  '--password-store=basic',
  '--use-mock-keychain',
];

/**
 * Starts Chromium with its profile in `profileDir` (an OS-chosen debugging port) and connects to it.
 * Resolves to { browser, context, close() }; `context` is the profile's default, on-disk context.
 */
export async function launchOnDisk(executablePath, args, profileDir) {
  mkdirSync(profileDir, { recursive: true });
  const proc = spawn(
    executablePath,
    [
      ...args,
      ...UNTHROTTLED,
      '--headless',
      '--remote-debugging-port=0',
      `--user-data-dir=${profileDir}`,
      'about:blank',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  proc.stderr.on('data', (d) => (stderr = (stderr + d).slice(-2000)));
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  const close = async () => {
    if (proc.exitCode === null) proc.kill('SIGTERM');
    await exited;
  };
  try {
    // Chromium writes the port it chose and the browser target's path to DevToolsActivePort.
    let endpoint = null;
    for (let waited = 0; endpoint === null; waited += 100) {
      if (proc.exitCode !== null) throw new Error(`Chromium exited with ${proc.exitCode}: ${stderr}`);
      if (waited > 30_000) throw new Error(`Chromium did not open its debugging port in 30 s: ${stderr}`);
      try {
        const [port, path] = readFileSync(join(profileDir, 'DevToolsActivePort'), 'utf8').split('\n');
        if (port && path) endpoint = `ws://127.0.0.1:${port.trim()}${path.trim()}`;
      } catch {
        // not written yet
      }
      if (endpoint === null) await new Promise((r) => setTimeout(r, 100));
    }
    const browser = await chromium.connectOverCDP(endpoint);
    const context = browser.contexts()[0];
    if (!context) throw new Error('Chromium has no default context');
    return {
      browser,
      context,
      async close() {
        await browser.close().catch(() => undefined);
        await close();
      },
    };
  } catch (e) {
    await close();
    throw e;
  }
}
