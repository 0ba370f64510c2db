// Where Debian's Chromium lives (docs/ARCHITECTURE.md, "Running a browser"). Playwright's own browser download does not work on
// these machines, so every launcher (playwright.config.ts, bench/) goes through chromiumPath().
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

/** Flags for headless Chromium on a small CI box (docs/ARCHITECTURE.md, "Running a browser"). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && isExecutable(join(dir, name))) return join(dir, name);
  }
  return null;
}

/**
 * The Chromium binary to use, or null if none is found: $CHROMIUM_PATH if set (and executable),
 * else /usr/bin/chromium, else `chromium` / `chromium-browser` on PATH.
 */
export function findChromium() {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) return isExecutable(fromEnv) ? fromEnv : null;
  if (isExecutable(DEFAULT_CHROMIUM)) return DEFAULT_CHROMIUM;
  return onPath('chromium') ?? onPath('chromium-browser');
}

/** Like findChromium(), but never null: falls back to $CHROMIUM_PATH or /usr/bin/chromium so the launch error names it. */
export function chromiumPath() {
  return findChromium() ?? process.env.CHROMIUM_PATH ?? DEFAULT_CHROMIUM;
}
