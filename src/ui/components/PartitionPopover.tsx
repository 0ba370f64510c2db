import { createPortal } from 'react-dom';
import type { ViewStore } from '../store/createViewStore';
import { viewed, type PartitionView } from '../store/viewState';
import { useViewState } from '../hooks/useViewState';
import { formatMs } from '../format';
import { describeCacheUse } from '../../engine';

interface Props {
  id: string;
  stageId: number;
  partition: PartitionView;
  anchor: HTMLElement;
  store: ViewStore;
}

/**
 * Rendered into <body> with fixed positioning: inside the React Flow viewport it would be clipped
 * by the canvas and scaled by its zoom.
 */
export function PartitionPopover({ id, stageId, partition, anchor, store }: Props) {
  const tasks = useViewState(store, (s) => viewed(s).tasks);
  const now = useViewState(store, (s) => viewed(s).now);
  const runStartedAt = useViewState(store, (s) => viewed(s).runStartedAt);
  // The anchor is already in the DOM (the popover opens on its focus or hover), so measure it here.
  const r = anchor.getBoundingClientRect();
  const width = 320;
  const pos = { left: Math.max(8, Math.min(r.left, window.innerWidth - width - 8)), top: r.bottom + 6 };

  return createPortal(
    <div id={id} className="popover" role="tooltip" style={{ left: pos.left, top: pos.top }}>
      <strong>
        Stage {stageId}, partition {partition.partition}: {partition.status}
        {partition.recomputed
          ? `, recomputed${partition.recomputed.times > 1 ? ` ×${partition.recomputed.times}` : ''}`
          : ''}
      </strong>
      {partition.lost && <p>Lost: {partition.lost}.</p>}
      {partition.taskIds.length === 0 ? (
        <p className="muted">Not launched yet.</p>
      ) : (
        <ol>
          {partition.taskIds.map((taskId) => {
            const t = tasks[taskId];
            if (!t) return null;
            const duration = formatMs((t.end?.at ?? now) - t.startedAt);
            const outcome = t.end ? t.end.outcome : 'running';
            return (
              <li key={taskId}>
                attempt {t.attempt}
                {t.speculative ? ' (speculative)' : ''} on worker {t.executorId}, stage attempt {t.stageAttempt},
                started at {formatMs(Math.max(0, t.startedAt - runStartedAt))}, ran {duration}: {outcome}
                {t.end?.reasonText ? ` — ${t.end.reasonText}` : ''}
                {t.cause && <div className="muted">Why it ran: {t.cause}.</div>}
                {t.end?.explanation ? (
                  <div className="muted">{t.end.explanation}</div>
                ) : t.end?.cache ? (
                  <div className="muted">It {describeCacheUse(t.end.cache, t.executorId)}</div>
                ) : null}
              </li>
            );
          })}
        </ol>
      )}
    </div>,
    document.body,
  );
}
