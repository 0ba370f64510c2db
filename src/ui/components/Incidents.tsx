import { useId, useMemo } from 'react';
import type { ViewStore } from '../store/createViewStore';
import { viewed } from '../store/viewState';
import { deriveIncidents, describeLost, type Incident } from '../store/incidents';
import { useViewState } from '../hooks/useViewState';
import { formatMs } from '../format';
import { plural } from '../../engine';

/**
 * One item per fault of the shown run: its trigger, how and when it was detected, what it cost, and how
 * long until everything lost had been computed again. Derived from the run's events only.
 */
export function Incidents({ store }: { store: ViewStore }) {
  const events = useViewState(store, (s) => viewed(s).runEvents);
  const runStartedAt = useViewState(store, (s) => viewed(s).runStartedAt);
  const runId = useViewState(store, (s) => viewed(s).runId);
  const running = useViewState(store, (s) => {
    const v = viewed(s);
    return v.jobs.some((j) => j.jobId >= v.runFirstJobId && j.state.status === 'running');
  });
  const incidents = useMemo(() => deriveIncidents(events), [events]);

  return (
    <section aria-label="Incidents" className="panel">
      <div className="panel-head">
        <h2>Incidents</h2>
        <span className="muted">
          {runId === 0
            ? 'No run yet.'
            : `Run ${runId}: ${incidents.length === 0 ? 'no incidents' : plural(incidents.length, 'incident')}`}
        </span>
      </div>
      {incidents.length > 0 && (
        <ol className="incidents">
          {incidents.map((incident) => (
            <IncidentItem key={incident.id} incident={incident} runStartedAt={runStartedAt} running={running} />
          ))}
        </ol>
      )}
    </section>
  );
}

function IncidentItem({
  incident,
  runStartedAt,
  running,
}: {
  incident: Incident;
  runStartedAt: number;
  running: boolean;
}) {
  const title = useId();
  const since = (t: number) => formatMs(Math.max(0, t - runStartedAt));
  const { detection, recomputed, recoveredAt } = incident;
  return (
    <li aria-labelledby={title} className={`incident incident-${incident.kind}`}>
      <strong id={title}>{incident.trigger}</strong> <span className="muted">at {since(incident.at)}</span>
      <dl>
        <dt>Detected</dt>
        <dd>
          {detection
            ? `${detection.how}, at ${since(detection.at)}${detection.at > incident.at ? ` (${formatMs(detection.at - incident.at)} later)` : ''}`
            : 'not yet: nothing has read what was lost'}
        </dd>
        <dt>Lost</dt>
        <dd>{describeLost(incident.lost)}</dd>
        <dt>Recomputed</dt>
        <dd>
          {recomputed.tasks === 0
            ? 'nothing yet'
            : `${plural(recomputed.tasks, 'task')}, ${(recomputed.ms / 1000).toFixed(2)} s of task time`}
        </dd>
        <dt>Recovered</dt>
        <dd>
          {incident.outstanding > 0
            ? running
              ? `not yet: ${plural(incident.outstanding, 'lost piece')} still to recompute`
              : `${plural(incident.outstanding, 'lost piece')} never recomputed: the run ended first, or nothing needed ${incident.outstanding === 1 ? 'it' : 'them'} again`
            : recoveredAt === null
              ? 'nothing lost needed recomputing'
              : `${formatMs(recoveredAt - incident.at)} after the incident`}
        </dd>
      </dl>
    </li>
  );
}
