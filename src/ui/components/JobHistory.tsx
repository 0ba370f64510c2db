import { useMemo } from 'react';
import type { ViewStore } from '../store/createViewStore';
import { plural } from '../../engine';
import type { RunRecord } from '../run/wordCountRunController';
import { useViewState } from '../hooks/useViewState';
import { deriveIncidents } from '../store/incidents';
import type { ViewState } from '../store/viewState';
import { formatBytes, formatCount, formatMs } from '../format';

/** A run's totals from its view: task launches, failed or killed launches, incidents. */
function totals(view: ViewState): { launches: number; failed: number; incidents: number } {
  let launches = 0;
  let failed = 0;
  for (const t of Object.values(view.tasks)) {
    if (t.startedAt < view.runStartedAt) continue;
    launches += 1;
    if (t.end && t.end.outcome !== 'success') failed += 1;
  }
  return { launches, failed, incidents: deriveIncidents(view.runEvents).length };
}

/**
 * Page runs (what the user asked for) with their settings, outcome and totals, and the engine jobs
 * behind them (a sort adds a sampling job). "Show run N" draws that run's DAG, timeline and incidents again.
 */
export function JobHistory({ store, runs }: { store: ViewStore; runs: RunRecord[] }) {
  const jobs = useViewState(store, (s) => s.jobs);
  const history = useViewState(store, (s) => s.history);
  const liveRunId = useViewState(store, (s) => s.runId);
  const shownRunId = useViewState(store, (s) => s.shownRunId ?? s.runId);
  // Totals of the live run change with every task; those of archived runs never do.
  const archived = useMemo(() => new Map(history.map((h) => [h.runId, totals(h.view)])), [history]);
  const live = useViewState(store, (s) => s);
  const liveTotals = useMemo(() => totals(live), [live]);

  return (
    <section aria-label="Job history" className="panel">
      <h2>Job history</h2>
      {runs.length === 0 && jobs.length === 0 && <p className="muted">No jobs yet.</p>}
      {runs.length > 0 && (
        <ol className="history">
          {runs
            .slice()
            .reverse()
            .map((r) => {
              const t = r.id === liveRunId ? liveTotals : archived.get(r.id);
              const s = r.settings;
              return (
                <li key={r.id} className={r.id === shownRunId ? 'history-shown' : undefined}>
                  Run {r.id}: {plural(r.files, 'file')} ({formatBytes(r.bytes)}), {s.workers} workers,{' '}
                  {s.shufflePartitions} shuffle partitions
                  {s.failureProbability > 0 ? `, failure probability ${s.failureProbability} (seed ${s.seed})` : ''}
                  {s.taskDelayMs > 0 ? `, task delay ${s.taskDelayMs} ms` : ''} —{' '}
                  {r.outcome.status === 'succeeded'
                    ? `succeeded in ${formatMs(r.outcome.durationMs)}, ${formatCount(r.outcome.distinctWords)} distinct of ${formatCount(r.outcome.totalWords)} words`
                    : `${r.outcome.status} after ${formatMs(r.outcome.durationMs)}: ${r.outcome.reason}`}
                  {t &&
                    `; ${t.launches} task ${t.launches === 1 ? 'launch' : 'launches'}, ${t.failed} failed or killed, ${plural(t.incidents, 'incident')}`}{' '}
                  {t ? (
                    <button
                      type="button"
                      className="small"
                      aria-pressed={r.id === shownRunId}
                      onClick={() => store.showRun(r.id === liveRunId ? null : r.id)}
                    >
                      Show run {r.id}
                    </button>
                  ) : (
                    <span className="muted">(its views are no longer kept)</span>
                  )}
                </li>
              );
            })}
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
