#!/usr/bin/env node
// Makes sure Debian's Chromium is available for Playwright and the benchmark (docs/ARCHITECTURE.md, "Running a browser").
// Order: $CHROMIUM_PATH, /usr/bin/chromium, `chromium` / `chromium-browser` on PATH.
// If none is found and we are root on Debian, installs it with apt; otherwise says how, and exits 1.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { findChromium } from './chromium.mjs';

function version(path) {
  try {
    return execFileSync(path, ['--version'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 30_000,
    }).trim();
  } catch (err) {
    return `unknown version (${path} --version failed: ${err.message.split('\n')[0]})`;
  }
}

function report(path) {
  console.log(`chromium: ${path} (${version(path)})`);
  process.exit(0);
}

let found = findChromium();
if (found) report(found);

if (process.env.CHROMIUM_PATH) {
  console.error(`chromium: CHROMIUM_PATH=${process.env.CHROMIUM_PATH} is not an executable file.`);
  console.error('Point CHROMIUM_PATH at a Chromium binary, or unset it to use /usr/bin/chromium.');
  process.exit(1);
}

const isDebian = existsSync('/etc/debian_version');
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

if (isDebian && isRoot) {
  console.log('chromium: not found; installing it with apt (root on Debian)...');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', 'chromium']]) {
    console.log(`$ apt-get ${args.join(' ')}`);
    const r = spawnSync('apt-get', args, { stdio: 'inherit', env });
    if (r.status !== 0) {
      console.error(`chromium: apt-get ${args[0]} failed (${r.error?.message ?? `exit ${r.status}`}).`);
      process.exit(1);
    }
  }
  found = findChromium();
  if (found) report(found);
  console.error('chromium: apt-get installed chromium, but no chromium binary was found afterwards.');
  process.exit(1);
}

console.error(
  'chromium: no Chromium found (looked at $CHROMIUM_PATH, /usr/bin/chromium, chromium and chromium-browser on PATH).',
);
console.error('Install it with:');
console.error('    sudo apt-get install -y chromium');
console.error('or point CHROMIUM_PATH at an existing Chromium binary:');
console.error('    CHROMIUM_PATH=/path/to/chromium npm test');
process.exit(1);
