import { useMemo } from 'react';
import type { ViewStore } from '../store/createViewStore';
import type { TaskRun } from '../store/viewState';
import { useViewState } from '../hooks/useViewState';
import { formatMs } from '../format';

const LANE = 22;
const LABEL = 70;
const WIDTH = 1000;
/** Beyond this, older bars are dropped: an SVG with tens of thousands of rects stutters. */
const MAX_BARS = 3000;

/** One lane per worker, a bar per task launch over engine time; failures are red and marked ✕. */
export function Timeline({ store }: { store: ViewStore }) {
  const tasks = useViewState(store, (s) => s.tasks);
  const runStartedAt = useViewState(store, (s) => s.runStartedAt);
  const executors = useViewState(store, (s) => s.executors);
  const now = useViewState(store, (s) => s.now);

  const bars = useMemo(
    () => Object.values(tasks).filter((t) => t.startedAt >= runStartedAt).slice(-MAX_BARS),
    [tasks, runStartedAt],
  );
  const lanes = useMemo(() => {
    const ids = new Set<number>(Object.keys(executors).map(Number));
    for (const t of bars) ids.add(t.executorId);
    return [...ids].sort((a, b) => a - b);
  }, [bars, executors]);

  if (bars.length === 0) {
    return (
      <section aria-label="Timeline" className="panel">
        <h2>Timeline</h2>
        <p className="muted">Task bars appear here while a job runs.</p>
      </section>
    );
  }

  const start = Math.min(...bars.map((t) => t.startedAt));
  const end = Math.max(start + 1, now, ...bars.map((t) => t.end?.at ?? now));
  const scale = (WIDTH - LABEL - 10) / (end - start);
  const x = (time: number) => LABEL + (time - start) * scale;
  const height = lanes.length * LANE + 20;
  const laneOf = new Map(lanes.map((id, i) => [id, i]));
  const failures = bars.filter((t) => t.end && t.end.outcome !== 'success').length;

  return (
    <section aria-label="Timeline" className="panel">
      <div className="panel-head">
        <h2>Timeline</h2>
        <span className="muted">
          {bars.length} task launches over {formatMs(end - start)}, {failures} failed or killed
        </span>
      </div>
      <svg
        className="timeline"
        viewBox={`0 0 ${WIDTH} ${height}`}
        role="img"
        aria-label={`Task timeline: ${bars.length} task launches on ${lanes.length} workers, ${failures} failed or killed`}
        preserveAspectRatio="none"
        style={{ height }}
      >
        {lanes.map((id, i) => (
          <g key={id}>
            <line x1={LABEL} x2={WIDTH} y1={i * LANE + LANE} y2={i * LANE + LANE} className="lane-line" />
            <text x={4} y={i * LANE + 15} className="lane-label">
              worker {id}
            </text>
          </g>
        ))}
        {bars.map((t) => (
          <Bar key={t.taskId} t={t} x={x} y={(laneOf.get(t.executorId) ?? 0) * LANE + 3} now={now} />
        ))}
        <text x={LABEL} y={height - 4} className="lane-label">
          0
        </text>
        <text x={WIDTH - 4} y={height - 4} className="lane-label" textAnchor="end">
          {formatMs(end - start)}
        </text>
      </svg>
    </section>
  );
}

function Bar({ t, x, y, now }: { t: TaskRun; x: (time: number) => number; y: number; now: number }) {
  const x0 = x(t.startedAt);
  const x1 = Math.max(x0 + 2, x(t.end?.at ?? now));
  const status = t.end ? t.end.outcome : 'running';
  return (
    <g className={`bar bar-${status}`}>
      <rect x={x0} y={y} width={x1 - x0} height={LANE - 8} rx={2}>
        <title>
          {`Stage ${t.stageId} partition ${t.partition} attempt ${t.attempt} on worker ${t.executorId}: ${status}` +
            (t.end?.reasonText ? ` — ${t.end.reasonText}` : '')}
        </title>
      </rect>
      {status === 'failed' && (
        <text x={x1} y={y + LANE - 10} className="bar-mark" textAnchor="middle">
          ✕
        </text>
      )}
    </g>
  );
}
