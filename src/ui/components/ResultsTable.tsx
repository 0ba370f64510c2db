import { useRef } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { formatCount } from '../format';

export type SortKey = 'word' | 'count';
export type SortOrder = 'ascending' | 'descending';

interface Props {
  rows: [string, number][];
  sort: { key: SortKey; order: SortOrder };
  onSort(sort: { key: SortKey; order: SortOrder }): void;
}

const ROW_HEIGHT = 28;

/**
 * An ARIA table (div rows) rather than <table>: virtualisation positions rows absolutely, which a real
 * table layout fights. aria-rowcount/rowindex tell assistive technology the full size.
 */
export function ResultsTable({ rows, sort, onSort }: Props) {
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });

  const header = (key: SortKey, label: string) => {
    const active = sort.key === key;
    const next: SortOrder = active && sort.order === 'descending' ? 'ascending' : 'descending';
    return (
      <div role="columnheader" className={`cell cell-${key}`} aria-sort={active ? sort.order : 'none'}>
        <button
          type="button"
          className="sort"
          onClick={() => onSort({ key, order: active ? next : key === 'word' ? 'ascending' : 'descending' })}
        >
          {label}
          <span aria-hidden="true">{active ? (sort.order === 'ascending' ? ' ▲' : ' ▼') : ''}</span>
        </button>
      </div>
    );
  };

  return (
    <div
      role="table"
      aria-label="Results"
      aria-rowcount={rows.length + 1}
      className={rows.length === 0 ? 'results-table results-empty' : 'results-table'}
    >
      <div role="rowgroup">
        <div role="row" aria-rowindex={1} className="results-row results-header">
          {header('word', 'Word')}
          {header('count', 'Count')}
        </div>
      </div>
      <div ref={scroller} className="results-scroll" tabIndex={0}>
        <div role="rowgroup" style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((item) => {
            const row = rows[item.index];
            if (!row) return null;
            return (
              <div
                role="row"
                key={item.key}
                aria-rowindex={item.index + 2}
                className="results-row"
                style={{
                  position: 'absolute',
                  top: 0,
                  left: 0,
                  right: 0,
                  height: ROW_HEIGHT,
                  transform: `translateY(${item.start}px)`,
                }}
              >
                <div role="cell" className="cell cell-word">
                  {row[0]}
                </div>
                <div role="cell" className="cell cell-count">
                  {formatCount(row[1])}
                </div>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
