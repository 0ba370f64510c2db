import { useMemo } from 'react';
import { DEFAULTS } from '../../engine';
import type { ViewStore } from '../store/createViewStore';
import { useViewState } from '../hooks/useViewState';
import type { RunState } from '../run/wordCountRunController';
import { reliabilityFigures, type ReliabilityFigures } from '../run/reliabilityModel';
import { formatCount, formatMs } from '../format';

const percent = (x: number) => `${(x * 100).toFixed(x > 0 && x < 0.001 ? 4 : 1)}%`;

/**
 * The seed's independent-failure model (each task launch fails with probability p) against what the
 * run did. Every figure is the shown run's: its own p and seed, carried with the run, never the
 * Settings form's current value.
 */
export function ReliabilityPanel({ store, run }: { store: ViewStore; run: RunState }) {
  const tasks = useViewState(store, (s) => s.tasks);
  const runStartedAt = useViewState(store, (s) => s.runStartedAt);
  const chaos = run.status === 'idle' ? null : run.chaos;
  const figures = useMemo(
    () =>
      chaos &&
      reliabilityFigures(
        chaos,
        Object.values(tasks).filter((t) => t.startedAt >= runStartedAt),
        DEFAULTS.maxTaskFailures,
      ),
    [chaos, tasks, runStartedAt],
  );

  return (
    <section aria-label="Reliability model" className="panel">
      <h2>Reliability model</h2>
      {figures === null ? (
        <p className="muted">Run a word count to compare its failures with the model.</p>
      ) : (
        <Figures f={figures} running={run.status === 'running'} />
      )}
    </section>
  );
}

function Figures({ f, running }: { f: ReliabilityFigures; running: boolean }) {
  const which = running ? 'This run' : 'The last run';
  if (f.p === 0)
    return (
      <>
        <p>
          {which} injected no failures (failure probability 0), so the model predicts none: {formatCount(f.n)} first
          launches.
        </p>
        {f.otherFailures > 0 && <p>Failures of other kinds (fetch, lost worker…): {formatCount(f.otherFailures)}.</p>}
      </>
    );
  return (
    <>
      <p>
        {which} used failure probability p = {f.p} with seed {f.seed}.
      </p>
      <dl className="facts">
        <dt>First-attempt launches (n)</dt>
        <dd>{formatCount(f.n)}</dd>
        <dt>P(at least one failure) = 1 − (1 − p)ⁿ</dt>
        <dd>{percent(f.pAtLeastOneFailure)}</dd>
        <dt>Injected failures, expected (n·p)</dt>
        <dd>{f.expectedFailures.toFixed(1)}</dd>
        <dt>Injected failures, observed</dt>
        <dd>{formatCount(f.observedFailures)}</dd>
        <dt>
          P(job aborts) = 1 − (1 − p<sup>{f.maxTaskFailures}</sup>)ⁿ
        </dt>
        <dd>{percent(f.pAbort)}</dd>
        <dt>Closest call (most failures of one task)</dt>
        <dd>
          {f.closestCall} of {f.maxTaskFailures}
        </dd>
        <dt>Detection, measured (launch to failure report)</dt>
        <dd>{f.detectionMeasuredMs === null ? 'no failure' : formatMs(f.detectionMeasuredMs)}</dd>
        <dt>Recovery, measured (failures until recomputed)</dt>
        <dd>{f.recoveryMeasuredMs === null ? 'no failure' : formatMs(f.recoveryMeasuredMs)}</dd>
        <dt>Recovery, model (failures / λ)</dt>
        <dd>{f.recoveryModelMs === null ? 'no failure' : formatMs(f.recoveryModelMs)}</dd>
        <dt>Other failures (fetch, lost worker…)</dt>
        <dd>{formatCount(f.otherFailures)}</dd>
      </dl>
      <p className="hint">
        λ is the run&apos;s measured rate of finished tasks. n counts each task once: retries are what failures cost,
        and the job aborts only when one task fails {f.maxTaskFailures} times.
      </p>
    </>
  );
}
