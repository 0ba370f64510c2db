import { useId } from 'react';
import type { SparkLogImportApi } from '../hooks/useSparkLogImport';
import { plural } from '../../engine';

interface Props {
  spark: SparkLogImportApi;
  disabled: boolean;
}

const MB = 1024 * 1024;

/**
 * "Open Spark event log": a single log file, or every file of a Spark 4 rolling log folder (a dropped
 * folder works too). The application then shows in the DAG, timeline and event log until the next run.
 */
export function SparkLogImport({ spark, disabled }: Props) {
  const titleId = useId();
  const { state } = spark;
  return (
    <section aria-labelledby={titleId} className="panel">
      <h2 id={titleId}>Spark application</h2>
      <div className="row">
        <label className="button-like">
          Open Spark event log
          <input
            className="visually-hidden-file"
            type="file"
            multiple
            disabled={disabled || state.status === 'reading'}
            onChange={(e) => {
              const files = Array.from(e.target.files ?? []);
              e.target.value = '';
              void spark.open(files);
            }}
          />
        </label>
      </div>
      <p className="hint">
        A log file, or all files of an eventlog_v2_… folder; plain, zstd or lz4. Dropping the folder works too.
      </p>
      {state.status === 'reading' && (
        <p role="status">
          Reading {plural(state.fileCount, 'file')}: {(state.bytesRead / MB).toFixed(1)} of{' '}
          {(state.totalBytes / MB).toFixed(1)} MB{' '}
          <progress max={state.totalBytes} value={state.bytesRead} aria-label="Spark event log read" />
        </p>
      )}
      {state.status === 'shown' && (
        <p role="status">
          Showing Spark application {state.app.name} ({state.app.appId}, Spark {state.app.sparkVersion}):{' '}
          {plural(state.app.jobs, 'job')}, {plural(state.app.stageAttempts, 'stage attempt')},{' '}
          {plural(state.app.taskAttempts, 'task attempt')}, {state.app.failedTasks} failed. The next run shows this
          tab&apos;s engine again.
        </p>
      )}
      {state.status === 'failed' && (
        <p className="error" role="alert">
          {state.message}
        </p>
      )}
    </section>
  );
}
