/**
 * Emberflow's public entry: a Spark-style engine whose tasks run in Web Workers and whose shuffle and
 * cache blocks live in IndexedDB. The page and the harness import only this module.
 */
import type { ContextOptions } from './api';
import { EmberContext } from './context';
import { IdbEngineStore } from './idbEngineStore';
import { WorkerPool } from './workerPool';
import { DEFAULTS } from './defaults';
import { engineDbName } from '../storage/schema';
import { newAppId } from '../protocol/ids';

export { EmberContext } from './context';
export type { TextInput } from './context';
export { RDD } from './rdd';
export type { StorageLevel, FunctionOptions } from './rdd';
export { Accumulator, Broadcast } from './handles';
export * from './errors';
export type * from './api';
export type * from '../protocol';
export { countsTowardsTaskFailures, parseBlockId, rddPrefix, shufflePrefix } from '../protocol';
export {
  describeCacheUse,
  describeClear,
  describeOutputLoss,
  describeReason,
  describeWorkerLoss,
  listPartitions,
  plural,
} from './describe';
export { exportWordCountToPySpark, type PySparkWordCountSettings } from './pysparkExport';
export { DEFAULTS } from './defaults';
export { SPARK_EVENT_LOG_VERSION, sparkEventLog, sparkEventLogFileName } from './sparkEventLog';
export type { SparkEventLogFile, SparkEventLogRun } from './sparkEventLog';

/**
 * Starts an engine: a pool of `workers` Web Workers (default: one per core) and the IndexedDB database
 * `emberflow-<name>`. Each context is its own application (`ctx.app`): contexts of the same name, in
 * one tab or several, share stored inputs but never each other's blocks. Blocks left by engines that
 * are gone (closed tabs) are deleted at start, except those an interrupted run can resume from.
 */
export function createContext(options: ContextOptions = {}): EmberContext {
  const workers = options.workers ?? Math.max(1, navigator.hardwareConcurrency || 2);
  const store = new IdbEngineStore(engineDbName(options.name ?? 'default'), newAppId());
  // One clock for the heartbeat receiver and the engine.
  const now = () => performance.now();
  const pool = new WorkerPool({
    size: workers,
    dbName: store.dbName,
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? DEFAULTS.heartbeatIntervalMs,
    heartbeatTimeoutMs: options.heartbeatTimeoutMs ?? DEFAULTS.heartbeatTimeoutMs,
    now,
  });
  return new EmberContext({ ...options, workers }, { backend: pool, store, now });
}
