import type { RunState } from '../run/wordCountRunController';
import { formatCount, formatMs } from '../format';

interface Props {
  run: RunState;
  /** Why the job cannot start, shown when the user tries; null when it can. */
  problems: string[];
  attempted: boolean;
  onRun(): void;
  onCancel(): void;
}

export function RunControls({ run, problems, attempted, onRun, onCancel }: Props) {
  const running = run.status === 'running';
  return (
    <section aria-label="Job" className="panel">
      <div className="row">
        <button type="button" className="primary" disabled={running} onClick={onRun}>
          Run word count
        </button>
        <button type="button" disabled={!running} onClick={onCancel}>
          Cancel job
        </button>
      </div>
      {attempted && problems.length > 0 && (
        <ul className="error" role="alert">
          {problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
      <div role="status" aria-label="Job status" className={`status status-${run.status}`}>
        <StatusText run={run} />
      </div>
    </section>
  );
}

function StatusText({ run }: { run: RunState }) {
  switch (run.status) {
    case 'idle':
      return <>Ready. Add files and run a word count.</>;
    case 'running':
      return <>Running…</>;
    case 'succeeded':
      return (
        <>
          Succeeded in {formatMs(run.durationMs)}: {formatCount(run.results.length)} distinct words.
        </>
      );
    case 'failed':
      return <>Failed: {run.reason}</>;
    case 'cancelled':
      return <>Cancelled after {formatMs(run.durationMs)}: the job stopped at your request.</>;
  }
}
