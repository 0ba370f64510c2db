// Loaded by bench/bench.html; driven by bench/run.mjs through Playwright. Everything here runs in the
// page: the engine through its public entry (as the app page runs it), and the baselines.
import * as duckdb from '@duckdb/duckdb-wasm';
import {
  createContext,
  parseBlockId,
  type EmberContext,
  type EngineEvent,
  type StageInfo,
  type StoredInputInfo,
  type Tokenizer,
} from '../src/engine';
import type { SingleRequest, SingleResponse } from './singleWorker';

export type Chaos = 'none' | 'kill' | 'clear' | 'silence';

export interface StageTiming {
  stageId: number;
  kind: string;
  operations: string[];
  numPartitions: number;
  submittedAt: number;
  completedAt: number | null;
  taskMs: number;
  tasks: number;
  bytesRead: number;
  bytesWritten: number;
  recordsRead: number;
  recordsWritten: number;
}

export interface EngineRun {
  ms: number;
  distinct: number;
  total: number;
  tasksStarted: number;
  failedOrKilled: number;
  lostOutputs: number;
  recomputed: number;
  chaosAt: number | null;
  chaosDone: boolean;
  detectMs: number | null;
  stages: StageTiming[];
  jobs: { description: string; submittedAt: number; endedAt: number | null }[];
  /** From the last job's end to collect() returning: result decode and merge on the main thread. */
  collectTailMs: number;
  /**
   * The original task times of every lost task: each failed or killed attempt (its time until it
   * ended) plus, for each finished map task whose output was removed, the time of its first success.
   */
  lostTaskMs: number;
  /** Workers of the pool not removed while the job ran (the pool has two). */
  survivingWorkers: number;
}

const CORPUS_NAME = 'corpus.txt';
const POOL_WORKERS = 2;
let corpus: Blob | null = null;

function need(): Blob {
  if (!corpus) throw new Error('loadCorpus() first');
  return corpus;
}

/**
 * Takes the corpus from the page's file input, set by the driver from a file on disk: a File that
 * Chromium reads from disk on demand (never built in memory), as a user's upload is.
 */
function useCorpusFile(): number {
  const file = document.querySelector<HTMLInputElement>('#corpus-file')?.files?.[0];
  if (!file) throw new Error('no file in the corpus file input');
  corpus = file;
  return file.size;
}

/** Fetches a corpus file from the bench server into a Blob (bytes never pass through page.evaluate). */
async function loadCorpus(url: string): Promise<number> {
  corpus = null;
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url}: ${res.status}`);
  corpus = await res.blob();
  return corpus.size;
}

/** Waits until every worker of a fresh context has sent a heartbeat (the page's pool is warm before Run). */
function waitForWorkers(ctx: EmberContext, n: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const seen = new Set<number>();
    const timer = setTimeout(() => (off(), reject(new Error(`only ${seen.size} of ${n} workers came up`))), 20_000);
    const off = ctx.events.subscribe((e) => {
      if (e.type !== 'executor.heartbeat') return;
      seen.add(e.executorId);
      if (seen.size >= n) {
        clearTimeout(timer);
        off();
        resolve();
      }
    });
  });
}

/** A context on the database `emberflow-<name>`, with the corpus stored as its input (once per name). */
async function openContext(name: string): Promise<{ ctx: EmberContext; inputs: StoredInputInfo[]; storeMs: number }> {
  const ctx = createContext({ workers: POOL_WORKERS, name });
  let inputs = (await ctx.inputs.list()).filter((i) => i.name === CORPUS_NAME && i.size === need().size);
  let storeMs = 0;
  if (inputs.length === 0) {
    for (const old of await ctx.inputs.list()) await ctx.inputs.remove(old.id);
    const t0 = performance.now();
    inputs = await ctx.inputs.add([new File([need()], CORPUS_NAME, { type: 'text/plain' })]);
    storeMs = performance.now() - t0;
  }
  await waitForWorkers(ctx, POOL_WORKERS);
  return { ctx, inputs, storeMs };
}

/** Stores the corpus as an input of `emberflow-<name>` (the page does this when a file is dropped). */
async function storeInput(name: string): Promise<number> {
  const { ctx, storeMs } = await openContext(name);
  await ctx.stop();
  return storeMs;
}

async function dropDatabase(name: string): Promise<void> {
  await new Promise<void>((resolve) => {
    const req = indexedDB.deleteDatabase(`emberflow-${name}`);
    req.onsuccess = req.onerror = req.onblocked = () => resolve();
  });
}

/** Follows one run's events: task accounting, stage timings, and the chaos to inject. */
class RunWatcher {
  stages = new Map<number, StageInfo>();
  timings = new Map<number, StageTiming>();
  jobs = new Map<number, { description: string; submittedAt: number; endedAt: number | null }>();
  mapStageId: number | null = null;
  mapDone = 0;
  tasksStarted = 0;
  failedOrKilled = 0;
  /** Attempts started for a partition that had been started before in this run (work done again). */
  recomputed = 0;
  started = new Set<string>();
  succeeded = new Set<string>();
  /** Finished map partitions whose shuffle blocks the engine reported removed while the job ran. */
  lost = new Set<string>();
  /** Set once the result is in: later removals are cleanup, not loss. */
  finished = false;
  chaosAt: number | null = null;
  chaosDone = false;
  detectMs: number | null = null;
  /** When each attempt started, by task id. */
  attemptStart = new Map<number, number>();
  /** Time of each partition's first successful attempt, by key(). */
  firstSuccessMs = new Map<string, number>();
  /** Summed time of the failed or killed attempts. */
  failedAttemptMs = 0;
  /** Executors removed while the job ran. */
  removed = new Set<number>();
  #pending: Promise<unknown> | null = null;

  constructor(
    private ctx: EmberContext,
    private chaos: Chaos,
  ) {}

  key(stageId: number, partition: number): string {
    const s = this.stages.get(stageId);
    return s && s.shuffleId !== null ? `m${s.shuffleId}/${partition}` : `r${stageId}/${partition}`;
  }

  onEvent = (e: EngineEvent): void => {
    const now = performance.now();
    switch (e.type) {
      case 'job.submitted':
        this.jobs.set(e.jobId, { description: e.description, submittedAt: now, endedAt: null });
        for (const s of e.stages) {
          this.stages.set(s.stageId, s);
          if (this.mapStageId === null && s.operations[0] === 'textFile' && s.kind === 'shuffleMap')
            this.mapStageId = s.stageId;
        }
        break;
      case 'job.succeeded':
      case 'job.failed': {
        const j = this.jobs.get(e.jobId);
        if (j) j.endedAt = now;
        break;
      }
      case 'stage.submitted': {
        const s = this.stages.get(e.stageId)!;
        if (!this.timings.has(e.stageId)) {
          this.timings.set(e.stageId, {
            stageId: e.stageId,
            kind: s.kind,
            operations: s.operations,
            numPartitions: s.numPartitions,
            submittedAt: now,
            completedAt: null,
            taskMs: 0,
            tasks: 0,
            bytesRead: 0,
            bytesWritten: 0,
            recordsRead: 0,
            recordsWritten: 0,
          });
        }
        break;
      }
      case 'stage.completed': {
        const t = this.timings.get(e.stageId);
        if (t) t.completedAt = now;
        if (e.stageId === this.mapStageId && this.chaos === 'clear' && this.chaosAt === null) {
          this.chaosAt = now;
          this.#pending = this.ctx.chaos.clearBlocks({ executor: 1 }).then((ids) => (this.chaosDone = ids.length > 0));
        }
        break;
      }
      case 'task.started': {
        this.tasksStarted++;
        this.attemptStart.set(e.taskId, now);
        const k = this.key(e.stageId, e.partition);
        if (this.started.has(k)) this.recomputed++;
        this.started.add(k);
        break;
      }
      case 'task.ended': {
        const t = this.timings.get(e.stageId);
        if (t && e.metrics) {
          t.taskMs += e.metrics.durationMs;
          t.tasks++;
          t.bytesRead += e.metrics.bytesRead;
          t.bytesWritten += e.metrics.bytesWritten;
          t.recordsRead += e.metrics.recordsRead;
          t.recordsWritten += e.metrics.recordsWritten;
        }
        // A failed or killed attempt's metrics may be empty (a killed worker reports none, durationMs 0):
        // its time is then what the page saw it run, from task.started to task.ended.
        const seen = now - (this.attemptStart.get(e.taskId) ?? now);
        const ms = e.metrics?.durationMs ?? seen;
        if (e.outcome !== 'success') {
          this.failedOrKilled++;
          this.failedAttemptMs += Math.max(ms, seen);
          break;
        }
        const done = this.key(e.stageId, e.partition);
        this.succeeded.add(done);
        if (!this.firstSuccessMs.has(done)) this.firstSuccessMs.set(done, ms);
        if (e.stageId !== this.mapStageId) break;
        this.mapDone++;
        const n = this.stages.get(e.stageId)!.numPartitions;
        if (this.chaos === 'kill' && this.chaosAt === null && this.mapDone >= Math.ceil(n / 2)) {
          this.chaosAt = now;
          this.chaosDone = this.ctx.chaos.killExecutor(1) !== null;
        }
        if (this.chaos === 'silence' && this.chaosAt === null) {
          this.chaosAt = now;
          this.ctx.chaos.silenceExecutor(1);
          this.chaosDone = true;
        }
        break;
      }
      case 'blocks.removed':
        if (this.finished) break;
        for (const id of e.blockIds) {
          const block = parseBlockId(id);
          if (block?.kind !== 'shuffle') continue;
          const key = `m${block.shuffle}/${block.map}`;
          if (this.succeeded.has(key)) this.lost.add(key);
        }
        break;
      case 'executor.removed':
        if (!this.finished) this.removed.add(e.executorId);
        if (this.chaos === 'silence' && e.executorId === 1 && this.chaosAt !== null && this.detectMs === null)
          this.detectMs = now - this.chaosAt;
        break;
    }
  };

  async settle(): Promise<void> {
    await this.#pending;
  }

  get lostTaskMs(): number {
    let ms = this.failedAttemptMs;
    for (const k of this.lost) ms += this.firstSuccessMs.get(k) ?? 0;
    return ms;
  }
}

function summarize(rows: [string, number][]): { distinct: number; total: number } {
  let total = 0;
  for (const r of rows) total += r[1];
  return { distinct: rows.length, total };
}

/** The middle one by time of a method's timed runs, with every run's time. */
export type Timed<T extends { ms: number }> = T & { allMs: number[] };

/**
 * The second and later of `1 + runs` runs of the same work: the first warms the JIT of the workers
 * (the app page keeps its workers up between runs); the median run by time is returned.
 */
async function warmThenTimed<T extends { ms: number }>(
  runs: number,
  run: () => Promise<T>,
  warmUp: () => Promise<unknown> = run,
): Promise<Timed<T>> {
  await warmUp();
  const timed: T[] = [];
  for (let r = 0; r < runs; r++) timed.push(await run());
  const byTime = [...timed].sort((x, y) => x.ms - y.ms);
  return { ...byTime[(byTime.length - 1) >> 1], allMs: timed.map((t) => t.ms) };
}

/** One timed word count in `ctx`, followed by its events (task accounting, stage timings, chaos). */
async function watchedCount(
  ctx: EmberContext,
  count: () => Promise<[string, number][]>,
  chaos: Chaos,
  gate: (flag: string) => Promise<void>,
): Promise<EngineRun> {
  const watch = new RunWatcher(ctx, chaos);
  const off = ctx.events.subscribe(watch.onEvent);
  try {
    const t0 = performance.now();
    const rows = await count();
    const t1 = performance.now();
    watch.finished = true;
    await gate('__benchCollected');
    await watch.settle();
    const lastEnd = Math.max(...[...watch.jobs.values()].map((j) => j.endedAt ?? 0));
    const rel = (t: number) => t - t0;
    return {
      ms: t1 - t0,
      ...summarize(rows),
      tasksStarted: watch.tasksStarted,
      failedOrKilled: watch.failedOrKilled,
      lostOutputs: watch.lost.size,
      recomputed: watch.recomputed,
      chaosAt: watch.chaosAt === null ? null : rel(watch.chaosAt),
      chaosDone: watch.chaosDone,
      detectMs: watch.detectMs,
      stages: [...watch.timings.values()].map((s) => ({
        ...s,
        submittedAt: rel(s.submittedAt),
        completedAt: s.completedAt === null ? null : rel(s.completedAt),
      })),
      jobs: [...watch.jobs.values()].map((j) => ({
        ...j,
        submittedAt: rel(j.submittedAt),
        endedAt: j.endedAt === null ? null : rel(j.endedAt),
      })),
      collectTailMs: t1 - lastEnd,
      lostTaskMs: watch.lostTaskMs,
      survivingWorkers: POOL_WORKERS - watch.removed.size,
    };
  } finally {
    off();
  }
}

/**
 * The page's word count (default settings: 4 input splits, 4 shuffle partitions, two workers), timed
 * from run to result collected, in one context: an untimed warm-up run, then `runs` timed runs, each
 * with the given fault (a fault changes the pool, so the driver gives each fault run its own context).
 */
async function engineRun(
  name: string,
  tokenizer: Tokenizer,
  chaos: Chaos = 'none',
  runs = 1,
  hold = false,
): Promise<Timed<EngineRun>> {
  const { ctx, inputs } = await openContext(name);
  // As the page runs it: journaled (resumable after a reload), its cached counts released when done.
  const count = () => ctx.runWordCount({ inputs, tokenizer, inputSplits: 4, shufflePartitions: 4 });
  // --profile: pause once the workers are up and once the result is in, so that the driver can start
  // and stop the workers' CPU profilers (the workers end with ctx.stop()).
  const gate = async (flag: string) => {
    if (!hold) return;
    const w = window as unknown as Record<string, unknown>;
    await new Promise((resolve) => ((w[`${flag}Release`] = resolve), (w[flag] = true)));
  };
  try {
    const warmUp = async () => {
      await count();
      await gate('__benchWorkersUp');
    };
    return await warmThenTimed(runs, () => watchedCount(ctx, count, chaos, gate), warmUp);
  } finally {
    await ctx.stop();
  }
}

// ------------------------------------------------------------------ one run of each method
// The driver interleaves the methods of one size (A B C … A B C …), so each of these runs its method
// once; the workers and the engine's context stay up between calls, as the page keeps them.

type Count = { ms: number; distinct: number; total: number };

/** The engine's context of the current size: the engine (both tokenizers) and the generic pipeline share it. */
let sized: { ctx: EmberContext; inputs: StoredInputInfo[] } | null = null;

async function engineOpen(name: string): Promise<void> {
  await engineClose();
  const { ctx, inputs } = await openContext(name);
  sized = { ctx, inputs };
}

async function engineClose(): Promise<void> {
  await sized?.ctx.stop();
  sized = null;
}

function needSized(): { ctx: EmberContext; inputs: StoredInputInfo[] } {
  if (!sized) throw new Error('engineOpen() first');
  return sized;
}

/** The page's word count, once, in the size's context (the same call as engineRun's). */
async function engineOnce(tokenizer: Tokenizer): Promise<EngineRun> {
  const { ctx, inputs } = needSized();
  const count = () => ctx.runWordCount({ inputs, tokenizer, inputSplits: 4, shufflePartitions: 4 });
  return watchedCount(ctx, count, 'none', async () => undefined);
}

/** The same count through the generic RDD API (line strings, shipped closures), whitespace semantics. */
async function genericOnce(): Promise<Count> {
  const { ctx, inputs } = needSized();
  const t0 = performance.now();
  const rows = await ctx
    .textFile(inputs, { minPartitions: 4 })
    .flatMap((line: string) => line.split(/\s+/))
    .filter((w: string) => w !== '')
    .map((w: string): [string, number] => [w, 1])
    .reduceByKey((a: number, b: number) => a + b, { numPartitions: 4 })
    .collect();
  return { ms: performance.now() - t0, ...summarize(rows) };
}

let singleWorker: Worker | null = null;

/** single / naive in ONE dedicated worker (started before the clock, as the engine's pool is). */
async function singleOnce(
  req: { kind: 'single'; tokenizer: Tokenizer } | { kind: 'naive' },
): Promise<SingleResponse & { pageMs: number; workerMs: number }> {
  singleWorker ??= new Worker(new URL('./singleWorker.ts', import.meta.url), { type: 'module' });
  const worker = singleWorker;
  const t0 = performance.now();
  const res = await new Promise<SingleResponse>((resolve, reject) => {
    worker.onmessage = (e: MessageEvent<SingleResponse>) => resolve(e.data);
    worker.onerror = (e) => reject(new Error(e.message));
    worker.postMessage({ ...req, blob: need() } as SingleRequest);
  });
  if (res.error) throw new Error(`${req.kind}: ${res.error}`);
  const pageMs = performance.now() - t0;
  // Timed from the page, as the engine is: the worker's own figure is in `workerMs`.
  return { ...res, workerMs: res.ms, ms: pageMs, pageMs };
}

let pairWorkers: Worker[] = [];

/**
 * The machine's two-worker ceiling, no engine: the single baseline in two dedicated workers at once,
 * each on half of the Blob (cut at a line end), the two count maps merged on the page.
 */
async function pairOnce(tokenizer: Tokenizer): Promise<Count> {
  if (pairWorkers.length === 0)
    pairWorkers = [0, 1].map(() => new Worker(new URL('./singleWorker.ts', import.meta.url), { type: 'module' }));
  const blob = need();
  const mid = blob.size >> 1;
  const nl = new Uint8Array(await blob.slice(mid, mid + (1 << 20)).arrayBuffer()).indexOf(10);
  if (nl < 0) throw new Error('pairRun: no line end within 1 MiB of the middle');
  const halves = [blob.slice(0, mid + nl + 1), blob.slice(mid + nl + 1)];
  const count = (worker: Worker, half: Blob) =>
    new Promise<SingleResponse>((resolve, reject) => {
      worker.onmessage = (e: MessageEvent<SingleResponse>) =>
        e.data.error ? reject(new Error(e.data.error)) : resolve(e.data);
      worker.onerror = (e) => reject(new Error(e.message));
      worker.postMessage({ kind: 'single', tokenizer, blob: half, returnCounts: true } as SingleRequest);
    });
  const t0 = performance.now();
  const [a, b] = await Promise.all(pairWorkers.map((w, i) => count(w, halves[i])));
  const merged = a.counts!;
  b.counts!.forEach((n, word) => merged.set(word, (merged.get(word) ?? 0) + n));
  const ms = performance.now() - t0;
  let total = 0;
  merged.forEach((n) => (total += n));
  return { ms, distinct: merged.size, total };
}

let duck: { db: duckdb.AsyncDuckDB; conn: duckdb.AsyncDuckDBConnection } | null = null;

/** DuckDB-WASM's eh bundle from node_modules, served by the bench server (no CDN). */
async function duckInit(): Promise<number> {
  const t0 = performance.now();
  const base = new URL('/node_modules/@duckdb/duckdb-wasm/dist/', location.href).href;
  const worker = new Worker(`${base}duckdb-browser-eh.worker.js`);
  const db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
  await db.instantiate(`${base}duckdb-eh.wasm`);
  const conn = await db.connect();
  duck = { db, conn };
  return performance.now() - t0;
}

/** Lines read from the same Blob, split on \s+, unnested and grouped in SQL; the grouped rows come back to JS. */
async function duckOnce(): Promise<Count & { version: string }> {
  if (!duck) await duckInit();
  const { db, conn } = duck!;
  const file = `corpus-${need().size}.txt`;
  await db.registerFileHandle(file, need(), duckdb.DuckDBDataProtocol.BROWSER_FILEREADER, true);
  const t0 = performance.now();
  // \x01 never occurs in the corpus: each line is one VARCHAR column.
  const table = await conn.query(`
    SELECT w, count(*)::BIGINT AS n
    FROM (
      SELECT unnest(regexp_split_to_array(line, '\\s+')) AS w
      FROM read_csv('${file}', columns = {'line': 'VARCHAR'}, header = false, auto_detect = false,
                    delim = '\u0001', quote = '', escape = '', new_line = '\\n')
    )
    WHERE w <> ''
    GROUP BY w`);
  const counts = table.getChild('n')!;
  let total = 0;
  for (const v of counts) total += Number(v);
  const ms = performance.now() - t0;
  const version = (await conn.query('SELECT version() AS v')).getChild('v')!.get(0) as string;
  await db.dropFile(file);
  return { ms, distinct: table.numRows, total, version };
}

/** Harness fallback for the UI long-task measurement: a 2,000-task job under injected failures. */
async function longTaskJob(): Promise<{ ms: number; longTasks: number[]; failed: number }> {
  const longTasks: number[] = [];
  const obs = new PerformanceObserver((list) => list.getEntries().forEach((e) => longTasks.push(e.duration)));
  obs.observe({ type: 'longtask' });
  const ctx = createContext({ workers: 2, name: 'bench-longtask' });
  let failed = 0;
  const off = ctx.events.subscribe((e) => void (e.type === 'task.ended' && e.outcome !== 'success' && failed++));
  try {
    await waitForWorkers(ctx, 2);
    ctx.configure({ failureProbability: 0.01, seed: 7 });
    const t0 = performance.now();
    await ctx
      .parallelize([...Array(20_000).keys()], 2000)
      .map((x: number) => x * 2)
      .count();
    return { ms: performance.now() - t0, longTasks: longTasks.filter((d) => d > 100), failed };
  } finally {
    off();
    obs.disconnect();
    await ctx.stop();
  }
}

// ------------------------------------------------------------------ a long session (the cleaner)

/** One context kept across many small word counts, for session_heap_growth_mib_300_runs. */
let session: { ctx: EmberContext; inputs: StoredInputInfo[]; runs: number } | null = null;

/** Opens the session's context on a small text: the first `bytes` of the loaded corpus, cut at a line end. */
async function sessionOpen(name: string, bytes: number): Promise<void> {
  const text = await need().slice(0, bytes).text();
  const ctx = createContext({ workers: 2, name });
  const inputs = await ctx.inputs.add([
    new File([text.slice(0, text.lastIndexOf('\n') + 1)], 'small.txt', { type: 'text/plain' }),
  ]);
  await waitForWorkers(ctx, 2);
  session = { ctx, inputs, runs: 0 };
}

/**
 * Runs `k` more small word counts, alternating the API's ctx.wordCount(...).collect() and the page's
 * journaled runWordCount(); returns the distinct word counts seen (all must be equal).
 */
async function sessionRuns(k: number): Promise<number[]> {
  if (!session) throw new Error('sessionOpen() first');
  const { ctx, inputs } = session;
  const options = { inputs, tokenizer: 'words' as const, inputSplits: 2, shufflePartitions: 2 };
  const distinct = new Set<number>();
  for (let i = 0; i < k; i++) {
    const rows = session.runs++ % 2 === 0 ? await ctx.wordCount(options).collect() : await ctx.runWordCount(options);
    distinct.add(rows.length);
  }
  return [...distinct];
}

/** Waits for the cleanups a collection started; then what the driver holds. */
async function sessionSettle(): Promise<{ runs: number; blocks: number; cleaned: number; eventsInMemory: number }> {
  if (!session) throw new Error('sessionOpen() first');
  const cleaned = await session.ctx.cleanerSettled();
  await session.ctx.events.settled();
  return {
    runs: session.runs,
    blocks: session.ctx.blocks().length,
    cleaned,
    eventsInMemory: session.ctx.events.history().length,
  };
}

async function sessionClose(): Promise<void> {
  await session?.ctx.stop();
  session = null;
}

function heap(): { used: number; total: number } | null {
  const m = (performance as unknown as { memory?: { usedJSHeapSize: number; totalJSHeapSize: number } }).memory;
  return m ? { used: m.usedJSHeapSize, total: m.totalJSHeapSize } : null;
}

const api = {
  useCorpusFile,
  loadCorpus,
  storeInput,
  dropDatabase,
  engineRun,
  engineOpen,
  engineOnce,
  engineClose,
  genericOnce,
  singleOnce,
  pairOnce,
  duckInit,
  duckOnce,
  longTaskJob,
  heap,
  sessionOpen,
  sessionRuns,
  sessionSettle,
  sessionClose,
};
export type BenchApi = typeof api;

declare global {
  interface Window {
    emberBench: BenchApi;
  }
}

window.emberBench = api;
document.title = 'bench ready';
