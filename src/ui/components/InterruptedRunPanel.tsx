import { useEffect, useState } from 'react';
import type { EngineSession } from '../EngineSession';
import type { StoredRun } from '../engineTypes';
import { formatBytes } from '../format';

interface Props {
  session: EngineSession;
  disabled: boolean;
  onResume(run: StoredRun): void;
}

/** Offers to resume (or discard) a word count that a reload interrupted. */
export function InterruptedRunPanel({ session, disabled, onResume }: Props) {
  const [runs, setRuns] = useState<StoredRun[]>([]);
  useEffect(() => {
    let live = true;
    session.engine.interruptedRuns().then(
      (found) => live && setRuns(found),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [session]);

  const run = runs.at(-1);
  if (!run) return null;
  const forget = () => setRuns((rs) => rs.filter((r) => r.runId !== run.runId));
  const files = run.options.inputs;
  const bytes = files.reduce((n, f) => n + f.size, 0);
  return (
    <section className="panel interrupted" aria-label="Interrupted run">
      <h2>Interrupted run</h2>
      <p>
        A word count of {files.length} {files.length === 1 ? 'file' : 'files'} ({formatBytes(bytes)},{' '}
        {run.options.tokenizer}) started at {new Date(run.startedAt).toLocaleTimeString()} was interrupted by a reload.
        Resuming reuses the map outputs it had stored and computes only the missing partitions.
      </p>
      <div className="button-row">
        <button
          type="button"
          disabled={disabled}
          onClick={() => {
            forget();
            onResume(run);
          }}
        >
          Resume interrupted run
        </button>
        <button
          type="button"
          disabled={disabled}
          onClick={() => {
            forget();
            void session.engine.discardRun(run.runId);
          }}
        >
          Discard interrupted run
        </button>
      </div>
    </section>
  );
}
