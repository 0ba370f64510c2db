import { useId, useRef, useState, type KeyboardEvent } from 'react';
import type { ViewStore } from '../store/createViewStore';
import type { StageView } from '../store/viewState';
import { PartitionPopover } from './PartitionPopover';

const COLUMNS = 16;

/**
 * One small cell per partition, coloured by state. A roving tab index keeps the whole grid one tab
 * stop (a stage can have hundreds of partitions); arrow keys move between cells.
 */
export function PartitionGrid({ stage, store }: { stage: StageView; store: ViewStore }) {
  const [active, setActive] = useState(0);
  const [shown, setShown] = useState<{ partition: number; anchor: HTMLElement } | null>(null);
  const cells = useRef<(HTMLButtonElement | null)[]>([]);
  const popoverId = useId();
  const count = stage.partitions.length;

  const move = (e: KeyboardEvent<HTMLButtonElement>, index: number) => {
    const delta: Record<string, number> = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: COLUMNS, ArrowUp: -COLUMNS };
    let next: number | null = null;
    if (e.key in delta) next = Math.min(count - 1, Math.max(0, index + (delta[e.key] ?? 0)));
    if (e.key === 'Home') next = 0;
    if (e.key === 'End') next = count - 1;
    if (e.key === 'Escape') setShown(null);
    if (next === null) return;
    e.preventDefault();
    setActive(next);
    cells.current[next]?.focus();
  };

  return (
    <div className="partition-grid nodrag nopan" role="group" aria-label="Partitions">
      {stage.partitions.map((p, i) => (
        <button
          key={p.partition}
          ref={(el) => {
            cells.current[i] = el;
          }}
          type="button"
          className={`cell-${p.status}`}
          tabIndex={i === active ? 0 : -1}
          aria-label={`Partition ${p.partition}: ${p.status}, ${p.taskIds.length} attempt${p.taskIds.length === 1 ? '' : 's'}`}
          aria-describedby={shown?.partition === p.partition ? popoverId : undefined}
          onFocus={(e) => {
            setActive(i);
            setShown({ partition: p.partition, anchor: e.currentTarget });
          }}
          onBlur={() => setShown(null)}
          onMouseEnter={(e) => setShown({ partition: p.partition, anchor: e.currentTarget })}
          onMouseLeave={() => setShown(null)}
          onKeyDown={(e) => move(e, i)}
        />
      ))}
      {shown && stage.partitions[shown.partition] && (
        <PartitionPopover
          id={popoverId}
          stageId={stage.info.stageId}
          partition={stage.partitions[shown.partition]}
          anchor={shown.anchor}
          store={store}
        />
      )}
    </div>
  );
}
