#!/usr/bin/env node
// Soak test: N word counts of varied sizes and settings under seeded chaos (worker kills, silent and
// hung workers, block clears, injected task failures), each checked against a fault-free reference
// computed in Node. Also checks that every job ends (success or a clear abort) within a bound, that
// no worker outlives ctx.stop(), and that no block is left in the job's IndexedDB database after stop.
//
//   npm run soak -- --jobs N --seed S [--tabs T] [--json FILE] [--only i,j,...] [--bound-ms MS] [--verbose]
//
// --tabs T runs the jobs T at a time, each in its own tab of one browser profile, all on one database
// name: the tabs share IndexedDB and must never read or delete each other's blocks (each job is still
// checked against its own reference, and for blocks of its own engine left after its stop).
//
// Job i of seed S is planned from its own PRNG stream (scripts/soak/plan.mjs), so `--only i` replays
// the same plan alone. Fault *timing* follows engine events (k-th task start/end, n-th stage done),
// so the plan is exact; thread interleavings between workers are not.
import { createServer } from 'node:http';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumPath } from './chromium.mjs';
import { planJob } from './soak/plan.mjs';
import { loadReference } from './soak/reference.mjs';
import { runJobInPage } from './soak/pageJob.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIST = join(ROOT, 'dist');

const { values: args } = parseArgs({
  options: {
    jobs: { type: 'string', default: '20' },
    seed: { type: 'string', default: '1' },
    json: { type: 'string' },
    only: { type: 'string' },
    'bound-ms': { type: 'string', default: '60000' },
    verbose: { type: 'boolean', default: false },
    tabs: { type: 'string', default: '1' },
    events: { type: 'string' }, // a directory: writes every job's engine events (heartbeats left out) as JSON
  },
});
const seed = Number(args.seed);
const boundMs = Number(args['bound-ms']);
const indices = args.only ? args.only.split(',').map(Number) : [...Array(Number(args.jobs)).keys()];
const tabCount = Number(args.tabs);
if (
  !Number.isInteger(seed) ||
  indices.some((i) => !Number.isInteger(i) || i < 0) ||
  !Number.isInteger(tabCount) ||
  tabCount < 1
) {
  console.error('usage: soak --jobs N --seed S [--tabs T] [--json FILE] [--only i,j] [--bound-ms MS]');
  process.exit(2);
}

// ---------------------------------------------------------------- static server for dist/ and inputs
const MIME = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
};
const inputs = new Map(); // url path -> Buffer, for the job being run
const server = createServer(async (req, res) => {
  const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  if (inputs.has(path)) {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'cache-control': 'no-store' });
    res.end(inputs.get(path));
    return;
  }
  const file = normalize(join(DIST, path));
  if (!file.startsWith(DIST + sep)) {
    res.writeHead(403).end();
    return;
  }
  try {
    const body = await readFile(file);
    res.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream' });
    res.end(body);
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((res) => server.listen(0, '127.0.0.1', res));
const origin = `http://127.0.0.1:${server.address().port}`;

// ---------------------------------------------------------------- browser
const reference = await loadReference(ROOT);
const browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
const cdp = await browser.newBrowserCDPSession();
// One profile: its tabs share IndexedDB and Web Locks, as a user's tabs do.
const profile = await browser.newContext();

/** A tab on the harness page, with the console and page errors it reports. */
async function openTab() {
  const tab = { page: await profile.newPage(), errors: [] };
  tab.page.on('pageerror', (e) => tab.errors.push(`pageerror: ${e.message}`));
  tab.page.on('console', (m) => {
    if (m.type() === 'error') tab.errors.push(`console.error: ${m.text()}`);
  });
  tab.page.on('crash', () => tab.errors.push('page crashed'));
  await tab.page.goto(`${origin}/e2e/harness.html`);
  await tab.page.waitForFunction(
    () => typeof window.emberflow === 'object' || document.title === 'harness failed',
    undefined,
    { timeout: 30_000 },
  );
  if ((await tab.page.title()) !== 'harness ready') throw new Error(`harness did not load: ${tab.errors.join('; ')}`);
  return tab;
}

/** Live dedicated workers, counted by the browser (CDP), independently of the engine's bookkeeping. */
async function workerTargets() {
  const { targetInfos } = await cdp.send('Target.getTargets');
  return targetInfos.filter((t) => t.type === 'worker').length;
}

async function waitForWorkers(atMost, ms) {
  const until = Date.now() + ms;
  let n = await workerTargets();
  while (n > atMost && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 100));
    n = await workerTargets();
  }
  return n;
}

// ---------------------------------------------------------------- lost vs recomputed (e2e/recovery.spec.ts)
function lostAndRecomputed(events) {
  const started = events.filter((e) => e.type === 'task.started');
  const ended = events.filter((e) => e.type === 'task.ended');
  const key = (e) => `${e.stageId}/${e.partition}`;
  const distinct = new Set(started.map(key));
  const recomputed = started.length - distinct.size;
  const failed = ended.filter((e) => e.outcome !== 'success');
  const firstOutcome = new Map();
  for (const e of ended) if (!firstOutcome.has(key(e))) firstOutcome.set(key(e), e.outcome);
  const launches = new Map();
  for (const e of started) launches.set(key(e), (launches.get(key(e)) ?? 0) + 1);
  const succeededThenLost = [...launches].filter(([k, n]) => n > 1 && firstOutcome.get(k) === 'success').length;
  return { lost: failed.length + succeededThenLost, recomputed };
}

/**
 * The same, but counting every loss: a failed attempt, or each success of a (stage, partition) that is
 * followed by another launch of it (its output died, possibly more than once). recovery.spec's
 * definition counts a partition's succeeded-then-lost at most once, so repeated losses of one
 * partition make recomputed > lost there without any wasted work.
 */
function lostExact(events) {
  const key = (e) => `${e.stageId}/${e.partition}`;
  const successes = new Map();
  let lost = 0;
  for (const e of events) {
    if (e.type === 'task.ended') {
      if (e.outcome === 'success') successes.set(key(e), (successes.get(key(e)) ?? 0) + 1);
      else lost++;
    } else if (e.type === 'task.started' && successes.get(key(e))) {
      lost += successes.get(key(e));
      successes.set(key(e), 0);
    }
  }
  return lost;
}

function firstDifference(got, want) {
  const n = Math.max(got.length, want.length);
  for (let i = 0; i < n; i++) {
    const a = got[i];
    const b = want[i];
    if (!a || !b || a[0] !== b[0] || a[1] !== b[1])
      return { row: i, got: a ?? null, want: b ?? null, gotRows: got.length, wantRows: want.length };
  }
  return null;
}

/** A clear abort: the job rejected with a message saying why (e.g. a task failed 4 times). */
function classifyAbort(reason) {
  if (/failed \d+ times; most recent failure/.test(reason)) return 'task failed maxTaskFailures times';
  if (/consecutive|attempts/i.test(reason)) return 'stage attempts exhausted';
  return 'other';
}

// ---------------------------------------------------------------- run
const totals = {
  jobs: 0,
  succeeded: 0,
  faults: {},
  faults_planned_not_fired: 0,
  wrong_results: 0,
  hung_jobs: 0,
  leaked_workers: 0,
  leaked_blocks: 0,
  tasks_lost: 0,
  tasks_recomputed: 0,
  tasks_lost_exact: 0,
  injected_task_failures: 0,
  executors_lost: 0,
  page_errors: 0,
  cache: { cached: 0, computed: 0, recomputed: 0, waited: 0 },
};
const aborted = [];
const problems = [];
const perJob = [];
const t0 = Date.now();
const tabs = [];
for (let i = 0; i < tabCount; i++) tabs.push(await openTab());
const baselineWorkers = await workerTargets();

/** Runs one job in one tab; `shared` names the database the group's tabs share (--tabs), or null. */
async function runJob(tab, index, shared) {
  const plan = planJob(seed, index);
  const name = shared ?? `soak-${seed}-${index}`;
  const files = plan.files.map((f, i) => {
    const url = `/__soak/${seed}/${index}/${i}`;
    inputs.set(url, f.bytes);
    return { name: f.name, url };
  });
  const bytes = plan.files.reduce((n, f) => n + f.bytes.length, 0);
  const spec = { ...plan, files, name, boundMs, shared: shared !== null };
  const label = `job ${index} [w${plan.workers} s${plan.inputSplits} p${plan.shufflePartitions} ${plan.tokenizer} ss${+plan.shuffleService} spec${+plan.speculation} d${plan.taskDelayMs} f${plan.failureProbability} ${(bytes / 1024).toFixed(0)}KiB ${plan.faults.map((f) => `${f.kind}@${f.on}#${f.at}`).join(',') || 'no faults'}]`;
  let out;
  const started = Date.now();
  try {
    // The in-page bound covers the job; this outer one covers a page that stops answering altogether.
    out = await Promise.race([
      tab.page.evaluate(runJobInPage, spec),
      new Promise((_, rej) => setTimeout(() => rej(new Error('page did not answer')), boundMs + 60_000)),
    ]);
  } catch (e) {
    out = {
      status: 'hung',
      reason: `page.evaluate failed: ${e.message.split('\n')[0]}`,
      events: [],
      fired: [],
      faultErrors: [],
      timings: {},
      pageFailed: true,
    };
  }
  return { index, plan, label, out, wallMs: Date.now() - started };
}

/** Deletes a database the group's tabs shared, once they have all stopped. */
function deleteDatabase(page, name) {
  return page.evaluate(
    (dbName) =>
      new Promise((resolve) => {
        const req = indexedDB.deleteDatabase(dbName);
        req.onsuccess = () => resolve(true);
        req.onerror = () => resolve(false);
        setTimeout(() => resolve(false), 10_000);
      }),
    `emberflow-${name}`,
  );
}

for (let g = 0; g < indices.length; g += tabCount) {
  const group = indices.slice(g, g + tabCount);
  const shared = tabCount > 1 ? `soak-${seed}-tabs-${group.join('-')}` : null;
  inputs.clear();
  for (const tab of tabs) tab.errors.length = 0;
  const results = await Promise.all(group.map((index, k) => runJob(tabs[k], index, shared)));
  // Workers: the engine's view after stop, and the browser's own count back to the baseline.
  const liveTargets = results.some((r) => r.out.pageFailed)
    ? await workerTargets()
    : await waitForWorkers(baselineWorkers, 5000);
  const dbDeleted = shared === null ? true : await deleteDatabase(tabs[0].page, shared);
  for (const [k, { index, plan, label, out, wallMs }] of results.entries()) {
    const pageErrors = tabs[k].errors;
    if (shared !== null) out.dbDeleted = dbDeleted;
    totals.jobs++;
    const job = { index, seed, label, status: out.status };

    for (const f of out.fired) totals.faults[f.kind] = (totals.faults[f.kind] ?? 0) + 1;
    if (plan.failureProbability > 0) totals.faults.failureProbability = (totals.faults.failureProbability ?? 0) + 1;
    totals.faults_planned_not_fired += out.faultsNotFired?.length ?? 0;
    const injected = out.events.filter((e) => e.type === 'task.ended' && e.reason === 'injected').length;
    totals.injected_task_failures += injected;
    totals.executors_lost += out.events.filter((e) => e.type === 'executor.removed').length;
    const { lost, recomputed } = lostAndRecomputed(out.events);
    totals.tasks_lost += lost;
    totals.tasks_recomputed += recomputed;
    const lostAll = lostExact(out.events);
    totals.tasks_lost_exact += lostAll;
    for (const e of out.events) if (e.type === 'task.ended' && e.cache) totals.cache[e.cache]++;

    let verdict = out.status;
    if (out.status === 'succeeded') {
      totals.succeeded++;
      const want = reference(plan.files, plan.tokenizer);
      const diff = firstDifference(out.rows, want);
      if (diff) {
        totals.wrong_results++;
        verdict = 'WRONG';
        problems.push({ kind: 'wrong_result', ...job, diff, fired: out.fired });
      }
    } else if (out.status === 'aborted') {
      aborted.push({
        index,
        reason: out.reason,
        class: classifyAbort(out.reason ?? ''),
        failureProbability: plan.failureProbability,
        faults: out.fired.map((f) => f.kind),
      });
    } else {
      totals.hung_jobs++;
      verdict = 'HUNG';
      problems.push({ kind: 'hung', ...job, reason: out.reason, fired: out.fired, lastEvents: out.events.slice(-15) });
    }
    if (out.stopHung) {
      totals.hung_jobs++;
      problems.push({ kind: 'stop_hung', ...job });
    }

    // Leaked browser workers are the group's: charged to its first job only.
    const leakedWorkers = Math.max(out.executorsAfterStop ?? 0, k === 0 ? liveTargets - baselineWorkers : 0);
    if (leakedWorkers > 0) {
      totals.leaked_workers += leakedWorkers;
      problems.push({
        kind: 'leaked_workers',
        ...job,
        executorsAfterStop: out.executorsAfterStop,
        workerTargets: liveTargets,
        baseline: baselineWorkers,
      });
    }
    const blocks = out.blocksAfterStop;
    if (blocks && blocks.total !== 0) {
      totals.leaked_blocks += Math.max(0, blocks.total);
      problems.push({ kind: 'leaked_blocks', ...job, blocks, knownBlocksAtStop: out.knownBlocksAtStop });
    }
    if (out.dbDeleted === false) problems.push({ kind: 'db_not_deleted', ...job });
    if (out.faultErrors.length) problems.push({ kind: 'fault_errors', ...job, errors: out.faultErrors });
    if (pageErrors.length) {
      totals.page_errors += pageErrors.length;
      problems.push({ kind: 'page_errors', ...job, errors: pageErrors.slice(0, 5) });
    }
    const leakNote = `${leakedWorkers ? ` LEAKED ${leakedWorkers} workers` : ''}${blocks?.total ? ` ${blocks.total} blocks left (${JSON.stringify(blocks.byKind)}, ${blocks.unknownToBlockMaster} unknown to block master)` : ''}`;
    console.log(
      `${label} -> ${verdict}${out.status === 'aborted' ? ` (${out.reason?.slice(0, 140)})` : ''} in ${(wallMs / 1000).toFixed(1)}s; ` +
        `faults fired ${out.fired.map((f) => f.kind).join(',') || '-'}; lost ${lost} (exact ${lostAll}) recomputed ${recomputed}${leakNote}`,
    );
    perJob.push({
      index,
      label,
      status: verdict,
      wall_s: Math.round(wallMs / 100) / 10,
      lost,
      recomputed,
      lost_exact: lostAll,
      speculation: plan.speculation,
      fired: out.fired,
      not_fired: out.faultsNotFired ?? [],
      blocks_after_stop: blocks?.total ?? null,
      executors_removed: out.events.filter((e) => e.type === 'executor.removed').length,
      stage_failures: out.events
        .filter((e) => e.type === 'stage.failed')
        .map((e) => `${e.stageId}.${e.stageAttempt ?? e.attempt}: ${String(e.reason).slice(0, 120)}`),
    });
    if (args.events) {
      await mkdir(args.events, { recursive: true });
      await writeFile(
        join(args.events, `seed${seed}-job${index}.json`),
        JSON.stringify(
          {
            plan: { ...plan, files: plan.files.map((f) => ({ name: f.name, bytes: f.bytes.length })) },
            fired: out.fired,
            events: out.events,
          },
          null,
          1,
        ),
      );
    }
    if (args.verbose)
      console.log(JSON.stringify({ fired: out.fired, timings: out.timings, notFired: out.faultsNotFired }));
    if (out.pageFailed) {
      await tabs[k].page.close().catch(() => undefined);
      tabs[k] = await openTab();
    }
  }
}

// Every per-job database must be gone.
const leftoverDbs = await tabs[0].page.evaluate(async () =>
  (await indexedDB.databases()).map((d) => d.name).filter((n) => n?.startsWith('emberflow-soak-')),
);
await browser.close();
server.close();

const duration = (Date.now() - t0) / 1000;
const result = {
  seed,
  tabs: tabCount,
  jobs: totals.jobs,
  succeeded_jobs: totals.succeeded,
  faults: totals.faults,
  faults_planned_not_fired: totals.faults_planned_not_fired,
  injected_task_failures: totals.injected_task_failures,
  executors_lost: totals.executors_lost,
  wrong_results: totals.wrong_results,
  hung_jobs: totals.hung_jobs,
  leaked_workers: totals.leaked_workers,
  leaked_blocks: totals.leaked_blocks,
  jobs_with_leaked_blocks: problems.filter((p) => p.kind === 'leaked_blocks').length,
  tasks_lost: totals.tasks_lost,
  tasks_recomputed: totals.tasks_recomputed,
  tasks_lost_exact: totals.tasks_lost_exact,
  cached_partitions: totals.cache,
  aborted_jobs: aborted,
  page_errors: totals.page_errors,
  leftover_databases: leftoverDbs,
  // Without speculation, exact recovery means recomputed === lost (e2e/recovery.spec.ts).
  recompute_mismatches: perJob
    .filter((j) => !j.speculation && j.lost !== j.recomputed)
    .map((j) => ({
      index: j.index,
      lost: j.lost,
      lost_exact: j.lost_exact,
      recomputed: j.recomputed,
      fired: j.fired.map((f) => f.kind),
    })),
  problems,
  per_job: perJob,
  duration_s: Math.round(duration * 10) / 10,
};

console.log('\n==== soak summary ====');
console.log(
  `seed ${seed}, ${tabCount} ${tabCount === 1 ? 'tab' : 'tabs at once on one database each group'}, jobs run ${result.jobs} (${result.succeeded_jobs} succeeded, ${aborted.length} aborted clearly) in ${result.duration_s} s`,
);
console.log(
  `faults injected by kind: ${
    Object.entries(result.faults)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ') || 'none'
  } (planned but not fired: ${result.faults_planned_not_fired})`,
);
console.log(`injected task failures ${result.injected_task_failures}, executors lost ${result.executors_lost}`);
console.log(`results wrong:            ${result.wrong_results}`);
console.log(`jobs hung:                ${result.hung_jobs}`);
console.log(`workers leaked:           ${result.leaked_workers}`);
console.log(`blocks left after stop:   ${result.leaked_blocks} (in ${result.jobs_with_leaked_blocks} jobs)`);
console.log(
  `tasks lost / recomputed:  ${result.tasks_lost} / ${result.tasks_recomputed} (recovery.spec definition; counting every repeated loss: ${result.tasks_lost_exact} lost)`,
);
console.log(
  `cached partitions:        ${result.cached_partitions.cached} read from a copy, ${result.cached_partitions.computed} computed first, ${result.cached_partitions.recomputed} recomputed with no copy left, ${result.cached_partitions.waited} recomputed after the locality wait`,
);
if (result.recompute_mismatches.length)
  console.log(
    `jobs (speculation off) with recomputed != lost: ${result.recompute_mismatches.map((m) => `${m.index} (${m.lost}|${m.lost_exact}/${m.recomputed})`).join(', ')}`,
  );
for (const a of aborted) console.log(`  aborted job ${a.index} (p=${a.failureProbability}, ${a.class}): ${a.reason}`);
if (leftoverDbs.length) console.log(`databases left: ${leftoverDbs.join(', ')}`);
if (result.page_errors) console.log(`page errors: ${result.page_errors}`);
if (args.json) await writeFile(args.json, JSON.stringify(result, null, 2) + '\n');
const failed = result.wrong_results || result.hung_jobs || result.leaked_workers || result.leaked_blocks;
process.exit(failed ? 1 : 0);
