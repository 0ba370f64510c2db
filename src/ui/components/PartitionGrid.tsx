import { memo, useEffect, useId, useRef, useState, type FocusEvent, type KeyboardEvent, type MouseEvent } from 'react';
import { flushSync } from 'react-dom';
import { plural } from '../../engine';
import type { ViewStore } from '../store/createViewStore';
import type { PartitionView, StageView } from '../store/viewState';
import { useViewState } from '../hooks/useViewState';
import { PartitionPopover } from './PartitionPopover';

const COLUMNS = 16;
const CELL = 14;
const GAP = 2;
/**
 * Cells mounted per frame. A word count's DAG appears with thousands of cells at once, and mounting
 * them all in one (synchronous, store-driven) render was a long task; the grid reserves its full
 * height at once, so the card's size, and the DAG's fitted view, do not change as cells fill in.
 */
const CELLS_PER_FRAME = 256;
const DELTA: Record<string, number> = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: COLUMNS, ArrowUp: -COLUMNS };

/** The cell index of an event target inside the grid, or null. */
function cellIndex(target: EventTarget | null): number | null {
  if (!(target instanceof HTMLElement)) return null;
  const index = target.dataset.index;
  return index === undefined ? null : Number(index);
}

/**
 * One small cell per partition, coloured by state. A roving tab index keeps the whole grid one tab
 * stop (a stage can have hundreds of partitions); arrow keys move between cells.
 *
 * Cells are memoised and the handlers live on the grid (events bubble to it): a task event replaces
 * one PartitionView, so only that cell re-renders, instead of every cell of the stage once per frame.
 */
export function PartitionGrid({ stage, store }: { stage: StageView; store: ViewStore }) {
  const [active, setActive] = useState(0);
  const [shown, setShown] = useState<{ partition: number; anchor: HTMLElement } | null>(null);
  const grid = useRef<HTMLDivElement>(null);
  const popoverId = useId();
  const count = stage.partitions.length;
  const [limit, setLimit] = useState(CELLS_PER_FRAME);
  const rendered = Math.min(limit, count);
  const stageId = stage.info.stageId;
  // The cells the selected event-log line is about, as one string so the grid re-renders only when it changes.
  const highlighted = useViewState(store, (s) =>
    s.selection?.stageId === stageId ? s.selection.partitions.join(',') : '',
  );
  const lit = new Set(highlighted === '' ? [] : highlighted.split(',').map(Number));

  useEffect(() => {
    if (limit >= count) return;
    const id = requestAnimationFrame(() => setLimit((l) => l + CELLS_PER_FRAME));
    return () => cancelAnimationFrame(id);
  }, [limit, count]);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const index = cellIndex(e.target);
    if (index === null) return;
    let next: number | null = null;
    if (e.key in DELTA) next = Math.min(count - 1, Math.max(0, index + (DELTA[e.key] ?? 0)));
    if (e.key === 'Home') next = 0;
    if (e.key === 'End') next = count - 1;
    if (e.key === 'Escape') setShown(null);
    if (next === null) return;
    e.preventDefault();
    // A key can reach past the cells mounted so far (End on a fresh grid): mount them all now.
    if (next >= rendered) flushSync(() => setLimit(count));
    setActive(next);
    grid.current?.querySelector<HTMLButtonElement>(`[data-index="${next}"]`)?.focus();
  };

  const onFocus = (e: FocusEvent<HTMLDivElement>) => {
    const index = cellIndex(e.target);
    if (index === null) return;
    setActive(index);
    setShown({ partition: stage.partitions[index]?.partition ?? index, anchor: e.target });
  };

  const onMouseOver = (e: MouseEvent<HTMLDivElement>) => {
    const index = cellIndex(e.target);
    if (index === null || !(e.target instanceof HTMLElement)) return;
    const partition = stage.partitions[index]?.partition ?? index;
    const anchor = e.target;
    setShown((s) => (s?.partition === partition && s.anchor === anchor ? s : { partition, anchor }));
  };

  // Leaving a cell hides its popover, unless the pointer went straight to another cell (its mouseover shows that one).
  const onMouseOut = (e: MouseEvent<HTMLDivElement>) => {
    if (cellIndex(e.target) === null) return;
    if (cellIndex(e.relatedTarget) !== null && grid.current?.contains(e.relatedTarget as Node)) return;
    setShown(null);
  };

  return (
    <div
      ref={grid}
      className="partition-grid nodrag nopan"
      role="group"
      aria-label="Partitions"
      onKeyDown={onKeyDown}
      onFocus={onFocus}
      onBlur={() => setShown(null)}
      onMouseOver={onMouseOver}
      onMouseOut={onMouseOut}
      style={{ minHeight: rows(count) * (CELL + GAP) - GAP }}
    >
      {stage.partitions.slice(0, rendered).map((p, i) => (
        <Cell
          key={p.partition}
          p={p}
          index={i}
          active={i === active}
          highlighted={lit.has(p.partition)}
          describedBy={shown?.partition === p.partition ? popoverId : undefined}
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

function rows(count: number): number {
  return Math.ceil(count / COLUMNS);
}

const Cell = memo(function Cell({
  p,
  index,
  active,
  highlighted,
  describedBy,
}: {
  p: PartitionView;
  index: number;
  active: boolean;
  highlighted: boolean;
  describedBy: string | undefined;
}) {
  const classes = [`cell-${p.status}`, p.recomputed ? 'cell-recomputed' : '', highlighted ? 'cell-highlighted' : ''];
  return (
    <button
      type="button"
      data-index={index}
      className={classes.filter(Boolean).join(' ')}
      tabIndex={active ? 0 : -1}
      aria-label={cellName(p)}
      aria-describedby={describedBy}
    >
      {/* The "recomputed ×n" badge: the count, drawn small inside the cell (its name says it in words). */}
      {p.recomputed && (
        <span className="cell-badge" aria-hidden="true">
          {p.recomputed.times}
        </span>
      )}
    </button>
  );
});

/** "Partition 3: succeeded, 2 attempts, recomputed: its output was lost when worker 1 was killed". */
function cellName(p: PartitionView): string {
  const status = p.status === 'reused' ? 'reused from the interrupted run' : p.status;
  const base = `Partition ${p.partition}: ${status}, ${plural(p.taskIds.length, 'attempt')}`;
  if (p.status === 'lost' && p.lost) return `${base}: ${p.lost}`;
  if (p.lost) return `${base}, lost: ${p.lost}`;
  if (!p.recomputed) return base;
  const times = p.recomputed.times === 1 ? 'recomputed' : `recomputed ${p.recomputed.times} times`;
  return `${base}, ${times}: ${p.recomputed.cause}`;
}
