import type { ViewStore } from '../store/createViewStore';
import { plural } from '../../engine';
import type { RunRecord } from '../run/wordCountRunController';
import { useViewState } from '../hooks/useViewState';
import { formatBytes, formatCount, formatMs } from '../format';

/** Page runs (what the user asked for) and the engine jobs behind them (a sort adds a sampling job). */
export function JobHistory({ store, runs }: { store: ViewStore; runs: RunRecord[] }) {
  const jobs = useViewState(store, (s) => s.jobs);
  return (
    <section aria-label="Job history" className="panel">
      <h2>Job history</h2>
      {runs.length === 0 && jobs.length === 0 && <p className="muted">No jobs yet.</p>}
      {runs.length > 0 && (
        <ol className="history">
          {runs
            .slice()
            .reverse()
            .map((r) => (
              <li key={r.id}>
                Run {r.id}: {plural(r.files, 'file')} ({formatBytes(r.bytes)}), {r.settings.workers} workers,{' '}
                {r.settings.shufflePartitions} shuffle partitions —{' '}
                {r.outcome.status === 'succeeded'
                  ? `succeeded in ${formatMs(r.outcome.durationMs)}, ${formatCount(r.outcome.distinctWords)} distinct of ${formatCount(r.outcome.totalWords)} words`
                  : `${r.outcome.status} after ${formatMs(r.outcome.durationMs)}: ${r.outcome.reason}`}
              </li>
            ))}
        </ol>
      )}
      {jobs.length > 0 && (
        <>
          <h3>Engine jobs (this worker pool)</h3>
          <ol className="history">
            {jobs.map((j) => (
              <li key={j.jobId}>
                Job {j.jobId} ({j.description}, {j.stageIds.length} stages):{' '}
                {j.state.status === 'running'
                  ? 'running'
                  : j.state.status === 'succeeded'
                    ? `succeeded in ${formatMs(j.state.endedAt - j.submittedAt)}`
                    : `failed: ${j.state.reason}`}
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  );
}
