/**
 * Opening Spark's own event logs in Emberflow's views: the page's entry. Reading happens in a Web
 * Worker (worker.ts); the result is Emberflow's event list, which the page shows as it shows a run.
 */
import * as Comlink from 'comlink';
import type { ReadProgress } from './readSparkLog';
import type { SparkLogWorkerApi } from './worker';
import type { ImportedLog } from './toEngineEvents';

export type { ReadProgress } from './readSparkLog';
export type { ImportedLog, SparkApplication } from './toEngineEvents';

/** Reads the files of one Spark application's event log in a worker; the worker ends when it is done. */
export async function openSparkLog(files: File[], onProgress: (p: ReadProgress) => void): Promise<ImportedLog> {
  const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
  const api = Comlink.wrap<SparkLogWorkerApi>(worker);
  try {
    return await api.read(files, Comlink.proxy(onProgress));
  } finally {
    api[Comlink.releaseProxy]();
    worker.terminate();
  }
}
