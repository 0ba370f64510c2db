import type { JobSettings } from './api';

/**
 * Every default of the engine, written once: what a context uses for an option it is not given, and
 * the job settings it starts with. The page shows and changes the settings through `configure`.
 */
export const DEFAULTS = {
  /** How often each executor reports liveness and task metrics. */
  heartbeatIntervalMs: 250,
  /** An executor silent this long is declared lost. */
  heartbeatTimeoutMs: 2000,
  /** Failures of one task index that abort its stage (Spark's spark.task.maxFailures). */
  maxTaskFailures: 4,
  /** Failed attempts in a row that abort a stage (Spark's spark.stage.maxConsecutiveAttempts). */
  maxConsecutiveStageAttempts: 4,
  /** Delay before a map stage whose outputs were lost is resubmitted after a fetch failure. */
  resubmitDelayMs: 100,
  /** Past runs whose events are kept in IndexedDB. */
  eventRunsKept: 20,
  /** A running task this many times slower than the median of finished ones gets a speculative copy. */
  speculationMultiplier: 1.5,
  /** The fraction of a stage's tasks that must be done before speculation starts. */
  speculationQuantile: 0.75,
  /** How often stragglers are looked for while speculation is on. */
  speculationIntervalMs: 100,
  /** The job settings a context starts with. */
  settings: {
    shuffleService: false,
    speculation: false,
    taskDelayMs: 0,
    failureProbability: 0,
    seed: 1,
    localityWaitMs: 3000,
  } as const satisfies JobSettings,
};
