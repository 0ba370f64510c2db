// Emberflow's runs, exported as Spark event logs, read by Spark's own History Server: it must report
// the same jobs, stage attempts, task attempts and failure reasons as Emberflow's own events.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { APIRequestContext } from '@playwright/test';
import { test, expect } from './fixtures';
import { brownFiles, referenceCounts } from './corpus';
import { sparkHome } from '../scripts/pyspark.mjs';
import type { EngineEvent, SparkEventLogFile, TaskFailureReason } from '../src/engine';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Spark's default History Server port; E2E_HISTORY_PORT moves it (two checkouts testing at once). */
const PORT = Number(process.env.E2E_HISTORY_PORT ?? 18080);
const BASE = `http://127.0.0.1:${PORT}`;

const corpus = brownFiles(60);
const files = [0, 1, 2].map((i) => ({
  name: `brown-${i}.txt`,
  text: corpus
    .slice(i * 20, i * 20 + 20)
    .map((f) => f.text)
    .join('\n'),
}));
const expectedRows = referenceCounts(files);

type Scenario = 'killMidMap' | 'clearAfterMap' | 'injectedFailures';
const SCENARIOS: Scenario[] = ['killMidMap', 'clearAfterMap', 'injectedFailures'];

interface Outcome {
  /** Emberflow's own events of each run, in SCENARIOS order. */
  runs: { scenario: Scenario; events: EngineEvent[]; rows: [string, number][] | null; error: string | null }[];
  logs: SparkEventLogFile[];
}

let logDir = '';
let historyServer: ChildProcess | null = null;
let historyOutput = '';

test.beforeAll(() => {
  // Fails with the command that installs Spark when it is missing.
  const spark = sparkHome(ROOT);
  logDir = mkdtempSync(join(tmpdir(), 'emberflow-spark-logs-'));
  // Started now so that the JVM boots while the browser runs the jobs.
  historyServer = spawn(spark.sparkClass, ['org.apache.spark.deploy.history.HistoryServer'], {
    env: {
      ...spark.env,
      SPARK_LOCAL_IP: '127.0.0.1',
      SPARK_HISTORY_OPTS: [
        `-Dspark.history.ui.port=${PORT}`,
        `-Dspark.history.fs.logDirectory=file://${logDir}`,
        '-Dspark.history.fs.update.interval=1s',
        // A taken port fails the server instead of moving it to the next one.
        '-Dspark.port.maxRetries=0',
      ].join(' '),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (chunk: Buffer) => (historyOutput = (historyOutput + chunk.toString()).slice(-20_000));
  historyServer.stdout!.on('data', keep);
  historyServer.stderr!.on('data', keep);
});

test.afterAll(async () => {
  const server = historyServer;
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  }
  if (logDir) rmSync(logDir, { recursive: true, force: true });
});

/** Three word counts in one engine, one fault each; every run's events and the exported logs. */
async function runScenarios(page: import('@playwright/test').Page): Promise<Outcome> {
  return page.evaluate(
    async ({ files, scenarios }) => {
      const { createContext } = window.emberflow;
      const ctx = createContext({ workers: 2, name: `spark-history-${Math.random().toString(36).slice(2)}` });
      const runs: Outcome['runs'] = [];
      let current: Outcome['runs'][number] | null = null;
      let faulted = false;
      /** The run's map stage over the text (stage ids go on from run to run). */
      let mapStage = -1;
      ctx.events.subscribe((e) => {
        if (e.type === 'executor.heartbeat' || !current) return;
        current.events.push(JSON.parse(JSON.stringify(e)));
        if (e.type === 'job.submitted' && mapStage < 0)
          mapStage = e.stages.find((s) => s.parentStageIds.length === 0)!.stageId;
        if (faulted) return;
        // Killed while it runs a map task (after finishing others): a task lost with it, outputs lost too.
        if (
          current.scenario === 'killMidMap' &&
          e.type === 'task.started' &&
          e.stageId === mapStage &&
          e.partition >= 3
        ) {
          faulted = true;
          ctx.chaos.killExecutor(e.executorId);
        }
        if (current.scenario === 'clearAfterMap' && e.type === 'stage.completed' && e.stageId === mapStage) {
          // Stage 0's output on the worker that ran its first task goes: the reduce stage fails on a fetch.
          const owner = current.events.find(
            (x) => x.type === 'task.ended' && x.stageId === mapStage && x.outcome === 'success',
          );
          faulted = true;
          if (owner?.type === 'task.ended') void ctx.chaos.clearBlocks({ executor: owner.executorId });
        }
      });
      try {
        const inputs = await ctx.inputs.add(files.map((f) => new File([f.text], f.name)));
        for (const scenario of scenarios) {
          faulted = false;
          mapStage = -1;
          current = { scenario, events: [], rows: null, error: null };
          runs.push(current);
          ctx.configure(
            scenario === 'injectedFailures'
              ? { taskDelayMs: 0, failureProbability: 0.25, seed: 11 }
              : { taskDelayMs: 150, failureProbability: 0 },
          );
          try {
            current.rows = await ctx
              .wordCount({ inputs, tokenizer: 'words', inputSplits: 12, shufflePartitions: 4 })
              .collect();
          } catch (e) {
            // A task that fails 4 times aborts the job: a run the History Server must show as failed too.
            current.error = String(e);
          }
        }
        current = null;
        return { runs, logs: await ctx.events.exportSparkEventLog() };
      } finally {
        await ctx.stop();
      }
    },
    { files, scenarios: SCENARIOS },
  );
}

// ------------------------------------------------------------------ what Emberflow's own events say

type Ev<T extends EngineEvent['type']> = Extract<EngineEvent, { type: T }>;
const of = <T extends EngineEvent['type']>(events: EngineEvent[], type: T) =>
  events.filter((e): e is Ev<T> => e.type === type);

function expectedJobs(events: EngineEvent[]) {
  const status = new Map<number, string>();
  for (const e of events) {
    if (e.type === 'job.submitted') status.set(e.jobId, 'RUNNING');
    if (e.type === 'job.succeeded') status.set(e.jobId, 'SUCCEEDED');
    if (e.type === 'job.failed') status.set(e.jobId, 'FAILED');
  }
  return [...status].map(([jobId, s]) => ({ jobId, status: s })).sort((a, b) => a.jobId - b.jobId);
}

/**
 * Every stage attempt with its status, as Spark's History Server keeps them. A stage that a job lists
 * but does not run (a skipped stage) is stored as SKIPPED under its latest attempt when the job ends,
 * replacing that attempt's earlier record: Spark's own AppStatusListener does this.
 */
function expectedStageAttempts(events: EngineEvent[]) {
  const attempts = new Map<string, { stageId: number; attemptId: number; status: string; failureReason?: string }>();
  const latest = new Map<number, number>();
  const pendingOfJob = new Map<number, Set<string>>();
  const key = (s: number, a: number) => `${s}.${a}`;
  for (const e of events) {
    if (e.type === 'job.submitted') {
      const live = (s: number) => attempts.get(key(s, latest.get(s) ?? 0))?.status === 'ACTIVE';
      pendingOfJob.set(
        e.jobId,
        new Set(e.stages.filter((s) => !live(s.stageId)).map((s) => key(s.stageId, latest.get(s.stageId) ?? 0))),
      );
    }
    if (e.type === 'stage.submitted') {
      latest.set(e.stageId, e.attempt);
      pendingOfJob.get(e.jobId)?.delete(key(e.stageId, e.attempt));
      attempts.set(key(e.stageId, e.attempt), { stageId: e.stageId, attemptId: e.attempt, status: 'ACTIVE' });
    }
    if (e.type === 'stage.completed') attempts.get(key(e.stageId, e.attempt))!.status = 'COMPLETE';
    if (e.type === 'stage.failed')
      attempts.set(key(e.stageId, e.attempt), {
        stageId: e.stageId,
        attemptId: e.attempt,
        status: 'FAILED',
        failureReason: e.reason,
      });
    if (e.type === 'job.succeeded' || e.type === 'job.failed') {
      for (const k of pendingOfJob.get(e.jobId) ?? []) {
        const [stageId, attemptId] = k.split('.').map(Number) as [number, number];
        attempts.set(k, { stageId, attemptId, status: 'SKIPPED' });
      }
    }
  }
  return [...attempts.values()].sort((a, b) => a.stageId - b.stageId || a.attemptId - b.attemptId);
}

function expectedTasks(events: EngineEvent[], stageId: number, attempt: number) {
  const ended = new Map(of(events, 'task.ended').map((e) => [e.taskId, e]));
  return of(events, 'task.started')
    .filter((e) => e.stageId === stageId && e.stageAttempt === attempt)
    .map((e) => {
      const end = ended.get(e.taskId);
      const status = !end ? 'RUNNING' : end.outcome === 'success' ? 'SUCCESS' : end.outcome.toUpperCase();
      return {
        taskId: e.taskId,
        attempt: e.attempt,
        partitionId: e.partition,
        executorId: String(e.executorId),
        speculative: e.speculative,
        status,
        reason: end?.reason ?? null,
      };
    })
    .sort((a, b) => a.taskId - b.taskId);
}

/** How Spark's History Server words an Emberflow failure reason (TaskEndReason.toErrorString). */
function expectErrorMessage(message: string | undefined, reason: TaskFailureReason | null, where: string) {
  if (reason === null) return expect(message, where).toBeUndefined();
  expect(message, where).toContain(reason.message);
  switch (reason.kind) {
    case 'fetchFailed':
      expect(message, where).toMatch(/^FetchFailed\(BlockManagerId\(/);
      expect(message, where).toContain(
        `shuffleId=${reason.shuffleId}, mapIndex=${reason.mapPartition}, mapId=`, // mapId: the map task's id
      );
      expect(message, where).toContain(`reduceId=${reason.reducePartition}, message=`);
      break;
    case 'executorLost':
      expect(message, where).toMatch(new RegExp(`^ExecutorLostFailure \\(executor ${reason.executorId} exited `));
      break;
    case 'killed':
      expect(message, where).toBe(reason.message);
      break;
    default:
      expect(message, where).toMatch(/^emberflow\.\w+: /);
  }
}

// ------------------------------------------------------------------ the History Server's REST API

async function getJson<T>(request: APIRequestContext, path: string): Promise<T> {
  const response = await request.get(`${BASE}${path}`);
  expect(response.status(), `GET ${path}: ${await response.text()}`).toBe(200);
  return (await response.json()) as T;
}

interface RestStage {
  stageId: number;
  attemptId: number;
  status: string;
  failureReason?: string;
}
interface RestTask {
  taskId: number;
  attempt: number;
  partitionId: number;
  executorId: string;
  speculative: boolean;
  status: string;
  errorMessage?: string;
}

test.describe("Emberflow's runs in Spark's History Server", () => {
  // Three slowed word counts in the browser, and a JVM that boots and parses the logs on a busy machine.
  test.describe.configure({ timeout: 300_000 });

  test('reports the same jobs, stage attempts, task attempts and failure reasons as Emberflow', async ({
    harness,
    request,
    page,
    pageErrors,
  }, testInfo) => {
    const out = await runScenarios(harness);

    // Every run ran and got a log of its own, with its own App ID.
    expect(out.runs.map((r) => r.scenario)).toEqual(SCENARIOS);
    expect(out.logs).toHaveLength(SCENARIOS.length);
    expect(new Set(out.logs.map((l) => l.appId)).size).toBe(SCENARIOS.length);
    for (const run of out.runs) if (run.error === null) expect(run.rows).toEqual(expectedRows);
    // Each fault happened as intended, per Emberflow's own events.
    const [kill, clear, injected] = out.runs as [
      Outcome['runs'][number],
      Outcome['runs'][number],
      Outcome['runs'][number],
    ];
    const reasons = (events: EngineEvent[]) =>
      of(events, 'task.ended').flatMap((e) => (e.reason ? [e.reason.kind] : []));
    expect(reasons(kill.events)).toContain('executorLost');
    expect(of(kill.events, 'executor.removed')).toHaveLength(1);
    expect(reasons(clear.events)).toContain('fetchFailed');
    expect(of(clear.events, 'stage.failed').length).toBeGreaterThan(0);
    expect(of(clear.events, 'stage.submitted').some((e) => e.attempt === 1)).toBe(true);
    expect(reasons(injected.events)).toContain('injected');

    // The logs go into the History Server's folder whole: written beside it, then moved in.
    const staging = mkdtempSync(join(tmpdir(), 'emberflow-spark-staging-'));
    for (const log of out.logs) {
      expect(log.fileName).not.toContain('.');
      writeFileSync(join(staging, log.fileName), log.text);
      await testInfo.attach(log.fileName, { body: log.text, contentType: 'application/x-ndjson' });
    }
    mkdirSync(logDir, { recursive: true });
    for (const log of out.logs) renameSync(join(staging, log.fileName), join(logDir, log.fileName));
    rmSync(staging, { recursive: true, force: true });

    // The server lists every run once it has parsed them (it boots meanwhile).
    await expect
      .poll(
        async () => {
          if (historyServer?.exitCode !== null)
            throw new Error(`Spark's History Server exited (${historyServer?.exitCode}):\n${historyOutput}`);
          const response = await request.get(`${BASE}/api/v1/applications`).catch(() => null);
          if (!response?.ok()) return [];
          return ((await response.json()) as { id: string }[]).map((a) => a.id).sort();
        },
        { timeout: 180_000, intervals: [1_000], message: `History Server at ${BASE} lists the runs` },
      )
      .toEqual(out.logs.map((l) => l.appId).sort());

    for (const [i, run] of out.runs.entries()) {
      const appId = out.logs[i]!.appId;
      const api = `/api/v1/applications/${appId}`;
      const jobs = await getJson<{ jobId: number; status: string }[]>(request, `${api}/jobs`);
      expect(
        jobs.map((j) => ({ jobId: j.jobId, status: j.status })).sort((a, b) => a.jobId - b.jobId),
        `${run.scenario}: jobs`,
      ).toEqual(expectedJobs(run.events));

      const stages = await getJson<RestStage[]>(request, `${api}/stages?details=true`);
      const attempts = expectedStageAttempts(run.events);
      expect(
        stages
          .map((s) => ({
            stageId: s.stageId,
            attemptId: s.attemptId,
            status: s.status,
            ...(s.failureReason !== undefined ? { failureReason: s.failureReason } : {}),
          }))
          .sort((a, b) => a.stageId - b.stageId || a.attemptId - b.attemptId),
        `${run.scenario}: stage attempts`,
      ).toEqual(attempts);

      // Task rows, not stage counters: a skipped stage's record replaces its completed one.
      for (const submitted of of(run.events, 'stage.submitted')) {
        const where = `${run.scenario}: stage ${submitted.stageId} attempt ${submitted.attempt}`;
        const rows = await getJson<RestTask[]>(
          request,
          `${api}/stages/${submitted.stageId}/${submitted.attempt}/taskList?length=100000`,
        );
        const expected = expectedTasks(run.events, submitted.stageId, submitted.attempt);
        expect(
          rows
            .map((t) => ({
              taskId: t.taskId,
              attempt: t.attempt,
              partitionId: t.partitionId,
              executorId: t.executorId,
              speculative: t.speculative,
              status: t.status,
            }))
            .sort((a, b) => a.taskId - b.taskId),
          where,
        ).toEqual(expected.map(({ reason: _, ...row }) => row));
        const byId = new Map(rows.map((t) => [t.taskId, t]));
        for (const task of expected)
          expectErrorMessage(byId.get(task.taskId)!.errorMessage, task.reason, `${where}, task ${task.taskId}`);
      }

      // Every stage attempt's page loads and draws the DAG from the RDD infos.
      for (const s of stages) {
        const path = `/history/${appId}/stages/stage/?id=${s.stageId}&attempt=${s.attemptId}`;
        const response = await request.get(`${BASE}${path}`);
        expect(response.status(), path).toBe(200);
        const html = await response.text();
        expect(html, path).toContain(`Details for Stage ${s.stageId} (Attempt ${s.attemptId})`);
        // A skipped stage's record says "No tasks have started yet" and draws no DAG, in Spark's own logs too.
        if (s.status !== 'SKIPPED') expect(html, path).toContain('dag-viz-metadata');
      }
    }

    // Screenshots of the faulted run's stage pages: the attempt that failed on a fetch and its retry.
    // The History Server's page asks for a summary of successful tasks' metrics, and answers its own
    // request with 404 when an attempt has none (every task of the failed attempt may have failed).
    pageErrors.allow(
      /status of 404 \(Not Found\) \(http:\/\/127\.0\.0\.1:\d+\/api\/v1\/applications\/[^/]+\/stages\/\d+\/\d+\/taskSummary\?/,
    );
    const clearApp = out.logs[SCENARIOS.indexOf('clearAfterMap')]!.appId;
    const failed = of(clear.events, 'stage.failed')[0]!;
    for (const attempt of [failed.attempt, failed.attempt + 1]) {
      await page.goto(`${BASE}/history/${clearApp}/stages/stage/?id=${failed.stageId}&attempt=${attempt}`);
      await expect(page.getByText(`Details for Stage ${failed.stageId} (Attempt ${attempt})`)).toBeVisible();
      // Kept under test-results/ as well as in the report.
      const name = `history-server-stage-${failed.stageId}-attempt-${attempt}.png`;
      await page.screenshot({ path: testInfo.outputPath(name), fullPage: true });
      await testInfo.attach(name, { path: testInfo.outputPath(name), contentType: 'image/png' });
    }
  });
});
