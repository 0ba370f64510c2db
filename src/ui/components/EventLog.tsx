import { memo, useEffect, useRef } from 'react';
import type { EngineSession } from '../EngineSession';
import type { ViewStore } from '../store/createViewStore';
import { downloadText } from '../tsv';
import { useViewState } from '../hooks/useViewState';
import { formatClock } from '../format';
import type { LogEntry } from '../store/viewState';
import { SparkEventLogButton } from './SparkEventLogButton';

/** Drawing thousands of lines on every frame is wasteful; the newest few hundred tell the story. */
const SHOWN = 400;

export function EventLog({ store, session }: { store: ViewStore; session: EngineSession }) {
  const log = useViewState(store, (s) => s.log);
  const scroller = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  const shown = log.slice(-SHOWN);

  // Follow new entries only while the reader is at the bottom; scrolling up to read stops following.
  useEffect(() => {
    const el = scroller.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [log]);

  return (
    <section aria-label="Event log" className="panel">
      <div className="panel-head">
        <h2>Event log</h2>
        <div className="row">
          <span className="muted">
            {log.length > SHOWN ? `last ${SHOWN} of ${log.length}` : `${log.length} entries`}
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
          <p className="muted">Nothing has happened yet.</p>
        ) : (
          <ol>
            {shown.map((entry) => (
              <LogLine key={entry.seq} entry={entry} />
            ))}
          </ol>
        )}
      </div>
    </section>
  );
}

/** Entries never change once logged: a frame that appends a few lines renders only those. */
const LogLine = memo(function LogLine({ entry }: { entry: LogEntry }) {
  return (
    <li className={`log-${entry.level}`}>
      <time>{formatClock(entry.time)}</time> {entry.message}
    </li>
  );
});
