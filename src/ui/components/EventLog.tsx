import { memo, useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { EngineSession } from '../EngineSession';
import type { ViewStore } from '../store/createViewStore';
import { downloadText } from '../tsv';
import { useViewState } from '../hooks/useViewState';
import { formatClock } from '../format';
import type { LogEntry, LogKind, ViewState } from '../store/viewState';
import { deriveIncidents, incidentOfEvent } from '../store/incidents';
import { SparkEventLogButton } from './SparkEventLogButton';

/** Drawing thousands of lines on every frame is wasteful; the newest few hundred tell the story. */
const SHOWN = 400;

const KINDS: { value: LogKind; label: string }[] = [
  { value: 'user', label: "the user's actions" },
  { value: 'cleanup', label: 'automatic cleanup' },
  { value: 'engine', label: "the engine's decisions" },
  { value: 'task', label: 'tasks' },
  { value: 'worker', label: 'workers' },
  { value: 'job', label: 'jobs' },
];

interface Filters {
  run: string;
  stage: string;
  worker: string;
  kind: string;
  search: string;
}

const ALL: Filters = { run: 'shown', stage: '', worker: '', kind: '', search: '' };

/** The events of a run, wherever they are kept (the live state or the history). */
function eventsOf(s: ViewState, runId: number) {
  if (runId === s.runId) return s.runEvents;
  return s.history.find((h) => h.runId === runId)?.view.runEvents ?? null;
}

/** A group of lines: one incident's, or a stretch of lines that belong to none. */
type Group = { incident: number | null; entries: LogEntry[] };

export function EventLog({ store, session }: { store: ViewStore; session: EngineSession }) {
  const log = useViewState(store, (s) => s.log);
  const liveRunId = useViewState(store, (s) => s.runId);
  const shownRunId = useViewState(store, (s) => s.shownRunId ?? s.runId);
  const selectedSeq = useRef<number | null>(null);
  const [selected, setSelected] = useState<number | null>(null);
  const [filters, setFilters] = useState<Filters>(ALL);
  const scroller = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  const run = filters.run === 'shown' ? shownRunId : filters.run === 'all' ? null : Number(filters.run);
  const events = useViewState(store, (s) => (run === null ? null : eventsOf(s, run)));
  const incidentOf = useMemo(() => (events ? incidentOfEvent(deriveIncidents(events)) : new Map()), [events]);

  const runs = useMemo(() => [...new Set(log.map((e) => e.run))].sort((a, b) => a - b), [log]);
  const stages = useMemo(
    () => [...new Set(log.flatMap((e) => (e.stageId === null ? [] : [e.stageId])))].sort((a, b) => a - b),
    [log],
  );
  const workers = useMemo(
    () => [...new Set(log.flatMap((e) => (e.executorId === null ? [] : [e.executorId])))].sort((a, b) => a - b),
    [log],
  );

  const filtered = useMemo(() => {
    const needle = filters.search.trim().toLowerCase();
    return log.filter(
      (e) =>
        (run === null || e.run === run) &&
        (filters.stage === '' || e.stageId === Number(filters.stage)) &&
        (filters.worker === '' || e.executorId === Number(filters.worker)) &&
        (filters.kind === '' || e.kind === filters.kind) &&
        (needle === '' || e.message.toLowerCase().includes(needle)),
    );
  }, [log, run, filters]);
  const shown = filtered.slice(-SHOWN);

  // Lines of one incident are gathered under it, placed where its first line falls.
  const groups = useMemo(() => {
    const out: Group[] = [];
    const byIncident = new Map<number, Group>();
    for (const entry of shown) {
      const incident = entry.event === null || run === null ? undefined : incidentOf.get(entry.event);
      if (incident === undefined) {
        const last = out.at(-1);
        if (last && last.incident === null) last.entries.push(entry);
        else out.push({ incident: null, entries: [entry] });
        continue;
      }
      const group = byIncident.get(incident);
      if (group) group.entries.push(entry);
      else {
        const created = { incident, entries: [entry] };
        byIncident.set(incident, created);
        out.push(created);
      }
    }
    return out;
  }, [shown, incidentOf, run]);

  // Follow new entries only while the reader is at the bottom; scrolling up to read stops following.
  useEffect(() => {
    const el = scroller.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [log]);

  const choose = useCallback(
    (entry: LogEntry) => {
      const same = selectedSeq.current === entry.seq;
      selectedSeq.current = same ? null : entry.seq;
      setSelected(same ? null : entry.seq);
      store.select(
        same
          ? null
          : {
              stageId: entry.stageId,
              partitions: entry.partitions,
              taskIds: entry.taskId === null ? [] : [entry.taskId],
              executorId: entry.executorId,
            },
      );
    },
    [store],
  );

  const set = (key: keyof Filters) => (value: string) => setFilters((f) => ({ ...f, [key]: value }));

  return (
    <section aria-label="Event log" className="panel">
      <div className="panel-head">
        <h2>Event log</h2>
        <div className="row">
          <span className="muted">
            {filtered.length > SHOWN ? `last ${SHOWN} of ${filtered.length}` : `${filtered.length} entries`}
          </span>
          {/* Every raw engine event, for bug reports: the list above is the readable digest. */}
          <button
            type="button"
            className="small"
            // Past runs' events are read back from IndexedDB (the page's heap holds only the current run's).
            onClick={() =>
              void session.engine.events
                .exportJsonLines()
                .then((text) => downloadText(text, 'emberflow-events.jsonl', 'application/x-ndjson'))
            }
          >
            Download event log
          </button>
          <SparkEventLogButton session={session} />
        </div>
      </div>
      <div className="log-filters row">
        <Select label="Run" value={filters.run} onChange={set('run')}>
          <option value="shown">{`the run shown (${shownRunId === liveRunId ? 'current' : `run ${shownRunId}`})`}</option>
          <option value="all">all runs</option>
          {runs.map((r) => (
            <option key={r} value={String(r)}>
              {r === 0 ? 'before the first run' : `run ${r}`}
            </option>
          ))}
        </Select>
        <Select label="Stage" value={filters.stage} onChange={set('stage')}>
          <option value="">all stages</option>
          {stages.map((id) => (
            <option key={id} value={String(id)}>{`stage ${id}`}</option>
          ))}
        </Select>
        <Select label="Worker" value={filters.worker} onChange={set('worker')}>
          <option value="">all workers</option>
          {workers.map((id) => (
            <option key={id} value={String(id)}>{`worker ${id}`}</option>
          ))}
        </Select>
        <Select label="Kind" value={filters.kind} onChange={set('kind')}>
          <option value="">everything</option>
          {KINDS.map((k) => (
            <option key={k.value} value={k.value}>
              {k.label}
            </option>
          ))}
        </Select>
        <label>
          Search <input type="search" value={filters.search} onChange={(e) => set('search')(e.currentTarget.value)} />
        </label>
      </div>
      <div
        ref={scroller}
        className="event-log"
        tabIndex={0}
        onScroll={(e) => {
          const el = e.currentTarget;
          stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
        }}
      >
        {shown.length === 0 ? (
          <p className="muted">{log.length === 0 ? 'Nothing has happened yet.' : 'No entry matches the filters.'}</p>
        ) : (
          <ol>
            {groups.map((g) =>
              g.incident === null ? (
                g.entries.map((entry) => (
                  <LogLine key={entry.seq} entry={entry} selected={entry.seq === selected} onSelect={choose} />
                ))
              ) : (
                <li key={`incident-${g.incident}-${g.entries[0]!.seq}`} className="log-incident">
                  <span className="log-incident-head">Incident {g.incident}</span>
                  <ol aria-label={`Incident ${g.incident}`}>
                    {g.entries.map((entry) => (
                      <LogLine key={entry.seq} entry={entry} selected={entry.seq === selected} onSelect={choose} />
                    ))}
                  </ol>
                </li>
              ),
            )}
          </ol>
        )}
      </div>
    </section>
  );
}

function Select({
  label,
  value,
  onChange,
  children,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  children: ReactNode;
}) {
  return (
    <label>
      {label}{' '}
      <select value={value} onChange={(e) => onChange(e.currentTarget.value)}>
        {children}
      </select>
    </label>
  );
}

/** Entries never change once logged: a frame that appends a few lines renders only those. */
const LogLine = memo(function LogLine({
  entry,
  selected,
  onSelect,
}: {
  entry: LogEntry;
  selected: boolean;
  onSelect: (entry: LogEntry) => void;
}) {
  return (
    <li className={`log-${entry.level} log-kind-${entry.kind}${selected ? ' log-selected' : ''}`}>
      {/* A button, so a line is selectable by keyboard too; selecting highlights its cells and bars. */}
      <button type="button" className="log-line" aria-pressed={selected} onClick={() => onSelect(entry)}>
        <time>{formatClock(entry.time)}</time> {entry.message}
      </button>
    </li>
  );
});
