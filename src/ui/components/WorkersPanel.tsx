import { useState } from 'react';
import type { EngineSession } from '../EngineSession';
import { plural } from '../../engine';
import type { ViewStore } from '../store/createViewStore';
import { useViewState } from '../hooks/useViewState';
import { formatBytes, formatMs } from '../format';

export function WorkersPanel({ store, session }: { store: ViewStore; session: EngineSession }) {
  const executors = useViewState(store, (s) => s.executors);
  // Running totals kept by the store: regrouping every stored block per frame made long jobs quadratic.
  const byOwner = useViewState(store, (s) => s.blockSummary.byOwner);
  const tasks = useViewState(store, (s) => s.tasks);
  const now = useViewState(store, (s) => s.now);
  const [error, setError] = useState<string | null>(null);
  const list = Object.values(executors).sort((a, b) => a.executorId - b.executorId);

  const act = (f: () => unknown) => {
    setError(null);
    Promise.resolve()
      .then(f)
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  };

  return (
    <section aria-label="Workers" className="panel">
      <div className="panel-head">
        <h2>Workers</h2>
        <button type="button" onClick={() => act(() => session.engine.addExecutor())}>
          Add worker
        </button>
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {list.length === 0 && <p className="muted">Starting workers…</p>}
      <ul className="worker-list">
        {list.map((w) => {
          const held = byOwner.get(w.executorId) ?? { count: 0, bytes: 0 };
          return (
            <li key={w.executorId} className={`worker worker-${w.status}`}>
              <div className="worker-head">
                <strong>Worker {w.executorId}</strong>
                {w.status === 'alive' ? (
                  <span className="muted">heartbeat {formatMs(Math.max(0, now - w.lastHeartbeat))} ago</span>
                ) : (
                  <span className="badge badge-failed">lost</span>
                )}
              </div>
              {w.status === 'lost' ? (
                <p className="muted">{w.reason}</p>
              ) : (
                <p>
                  {w.running.length === 0
                    ? 'idle'
                    : w.running
                        .map((r) => {
                          const t = tasks[r.taskId];
                          const where = t ? `stage ${t.stageId} partition ${t.partition}` : `task ${r.taskId}`;
                          return `running ${where} (${r.recordsRead.toLocaleString('en-US')} records)`;
                        })
                        .join('; ')}
                </p>
              )}
              <p className="muted">
                {plural(held.count, 'block')}, {formatBytes(held.bytes)}
              </p>
              {w.status === 'alive' && (
                <div className="row">
                  <button
                    type="button"
                    className="small danger"
                    onClick={() => act(() => session.engine.chaos.killExecutor(w.executorId))}
                  >
                    Kill worker {w.executorId}
                  </button>
                  <button
                    type="button"
                    className="small"
                    onClick={() => act(() => session.engine.chaos.clearBlocks({ executor: w.executorId }))}
                  >
                    Clear blocks of worker {w.executorId}
                  </button>
                </div>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
