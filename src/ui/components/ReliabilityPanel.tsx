import { useMemo } from 'react';
import type { ViewStore } from '../store/createViewStore';
import { useViewState } from '../hooks/useViewState';

/**
 * Compares the independent-failure model with what happened: with n task launches each failing with
 * probability p, P(at least one failure) = 1 − (1 − p)^n and the expected number of failures is n·p.
 */
export function ReliabilityPanel({
  store,
  failureProbability,
}: {
  store: ViewStore;
  failureProbability: number | null;
}) {
  const tasks = useViewState(store, (s) => s.tasks);
  const runStartedAt = useViewState(store, (s) => s.runStartedAt);
  const { launches, injected, otherFailures } = useMemo(() => {
    let launchesCount = 0;
    let injectedCount = 0;
    let other = 0;
    for (const t of Object.values(tasks)) {
      if (t.startedAt < runStartedAt) continue;
      launchesCount += 1;
      if (t.end?.reasonKind === 'injected') injectedCount += 1;
      else if (t.end && t.end.outcome === 'failed') other += 1;
    }
    return { launches: launchesCount, injected: injectedCount, otherFailures: other };
  }, [tasks, runStartedAt]);

  const p = failureProbability ?? 0;
  const atLeastOne = 1 - (1 - p) ** launches;
  const expected = launches * p;

  return (
    <section aria-label="Reliability model" className="panel">
      <h2>Reliability model</h2>
      <dl className="facts">
        <dt>Task launches this run (n)</dt>
        <dd>{launches}</dd>
        <dt>Failure probability (p)</dt>
        <dd>{failureProbability === null ? '—' : p}</dd>
        <dt>Predicted P(at least one failure)</dt>
        <dd>{(atLeastOne * 100).toFixed(1)}%</dd>
        <dt>Expected injected failures (n·p)</dt>
        <dd>{expected.toFixed(2)}</dd>
        <dt>Observed injected failures</dt>
        <dd>{injected}</dd>
        <dt>Other failures (fetch, lost worker…)</dt>
        <dd>{otherFailures}</dd>
      </dl>
      <p className="hint">
        Retries add launches, so n grows with every failure; the job still finishes unless one task fails several times
        in a row.
      </p>
    </section>
  );
}
