/// <reference lib="webworker" />
// Reads a Spark event log off the main thread: a 100 MB log takes seconds to decompress and parse.
import * as Comlink from 'comlink';
import { readSparkLog, type LogFile, type ReadProgress } from './readSparkLog';

const api = {
  read: (files: LogFile[], onProgress: (p: ReadProgress) => void) => readSparkLog(files, onProgress),
};

export type SparkLogWorkerApi = typeof api;

Comlink.expose(api);
