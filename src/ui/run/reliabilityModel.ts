import type { TaskRun } from '../store/viewState';

/** What the run itself used: carried with the run, never read back from the Settings form. */
export interface RunChaos {
  failureProbability: number;
  seed: number;
}

export interface ReliabilityFigures {
  p: number;
  seed: number;
  /** First-attempt launches: the tasks the job needed. Retries are not counted, they are the failures' effect. */
  n: number;
  /** 1 − (1 − p)^n */
  pAtLeastOneFailure: number;
  /** n·p */
  expectedFailures: number;
  /** Launches that failed with an injected failure. */
  observedFailures: number;
  /** Failures of other kinds (fetch failures, lost workers): not part of this model. */
  otherFailures: number;
  /** 1 − (1 − p^maxTaskFailures)^n: some task fails maxTaskFailures times in a row. */
  pAbort: number;
  /** The most injected failures any one task had, out of maxTaskFailures. */
  closestCall: number;
  maxTaskFailures: number;
  /** Mean time from a failing launch to its failure report (null: no failure). */
  detectionMeasuredMs: number | null;
  /** Wall time during which some failed task had not yet succeeded again (null: no failure). */
  recoveryMeasuredMs: number | null;
  /** The model's recovery time n/λ: the failures re-run at the run's measured throughput λ (null: no failure). */
  recoveryModelMs: number | null;
}

/** P(at least one of n independent launches fails) = 1 − (1 − p)^n. */
export function pAtLeastOne(p: number, n: number): number {
  return 1 - (1 - p) ** n;
}

/** P(some task of n fails k times in a row, aborting the job) = 1 − (1 − p^k)^n. */
export function pAbort(p: number, n: number, k: number): number {
  return 1 - (1 - p ** k) ** n;
}

const taskKey = (t: TaskRun) => `${t.stageId}/${t.stageAttempt}/${t.partition}`;
const partitionKey = (t: TaskRun) => `${t.stageId}/${t.partition}`;

/** Total length of the union of intervals: overlapping recoveries are counted once. */
export function unionLength(intervals: [number, number][]): number {
  const sorted = intervals.filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0]);
  let total = 0;
  let end = -Infinity;
  for (const [a, b] of sorted) {
    if (b <= end) continue;
    total += b - Math.max(a, end);
    end = b;
  }
  return total;
}

/**
 * The independent-failure model of the seed (each launch fails with probability p) against what the
 * run did. `tasks` are the run's launches only; finished ones carry their end.
 */
export function reliabilityFigures(chaos: RunChaos, tasks: TaskRun[], maxTaskFailures: number): ReliabilityFigures {
  const { failureProbability: p, seed } = chaos;
  const n = tasks.filter((t) => t.attempt === 0 && !t.speculative).length;
  const injected = tasks.filter((t) => t.end?.reasonKind === 'injected');
  const otherFailures = tasks.filter((t) => t.end?.outcome === 'failed' && t.end.reasonKind !== 'injected').length;

  const perTask = new Map<string, number>();
  for (const t of injected) perTask.set(taskKey(t), (perTask.get(taskKey(t)) ?? 0) + 1);
  const closestCall = Math.max(0, ...perTask.values());

  // Successful ends of each partition, for the time until a failed one had been recomputed.
  const successes = new Map<string, number[]>();
  for (const t of tasks) {
    if (t.end?.outcome !== 'success') continue;
    const list = successes.get(partitionKey(t)) ?? [];
    list.push(t.end.at);
    successes.set(partitionKey(t), list);
  }
  const recoveries: [number, number][] = [];
  for (const t of injected) {
    const failedAt = t.end!.at;
    const next = (successes.get(partitionKey(t)) ?? []).filter((at) => at >= failedAt);
    if (next.length > 0) recoveries.push([failedAt, Math.min(...next)]);
  }

  const succeeded = tasks.filter((t) => t.end?.outcome === 'success');
  const first = Math.min(...tasks.map((t) => t.startedAt));
  const last = Math.max(...succeeded.map((t) => t.end!.at));
  // λ: tasks the cluster finished per ms over the run; re-running the failures takes failures/λ.
  const lambda = succeeded.length > 0 && last > first ? succeeded.length / (last - first) : null;

  const failed = injected.length > 0;
  return {
    p,
    seed,
    n,
    pAtLeastOneFailure: pAtLeastOne(p, n),
    expectedFailures: n * p,
    observedFailures: injected.length,
    otherFailures,
    pAbort: pAbort(p, n, maxTaskFailures),
    closestCall,
    maxTaskFailures,
    detectionMeasuredMs: failed ? mean(injected.map((t) => t.end!.at - t.startedAt)) : null,
    recoveryMeasuredMs: failed ? unionLength(recoveries) : null,
    recoveryModelMs: failed && lambda !== null ? injected.length / lambda : null,
  };
}

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}
