import { useDeferredValue, useId, useMemo, useState } from 'react';
import type { WordCounts } from '../run/wordCountRunController';
import { formatCount } from '../format';
import { downloadText, toTsv } from '../tsv';
import { ResultsTable, type SortKey, type SortOrder } from './ResultsTable';

export function ResultsPanel({ results }: { results: WordCounts | null }) {
  const id = useId();
  const [query, setQuery] = useState('');
  const [sort, setSort] = useState<{ key: SortKey; order: SortOrder }>({ key: 'count', order: 'descending' });
  const deferredQuery = useDeferredValue(query);

  const rows = useMemo(() => {
    if (!results) return [];
    const q = deferredQuery.trim().toLowerCase();
    const filtered = q ? results.filter(([w]) => w.toLowerCase().includes(q)) : results;
    // The engine's order is count desc, word asc: reuse it instead of re-sorting in the common case.
    if (sort.key === 'count' && sort.order === 'descending') return filtered;
    const sign = sort.order === 'ascending' ? 1 : -1;
    const byWord = (a: [string, number], b: [string, number]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
    return [...filtered].sort((a, b) =>
      sort.key === 'word' ? sign * byWord(a, b) : sign * (a[1] - b[1]) || byWord(a, b),
    );
  }, [results, deferredQuery, sort]);

  const total = useMemo(() => (results ?? []).reduce((sum, [, n]) => sum + n, 0), [results]);

  return (
    <section aria-labelledby={`${id}-title`} className="panel">
      <div className="panel-head">
        <h2 id={`${id}-title`}>Results</h2>
        <button
          type="button"
          disabled={!results}
          onClick={() =>
            results && downloadText(toTsv(results), 'word-counts.tsv', 'text/tab-separated-values;charset=utf-8')
          }
        >
          Download results
        </button>
      </div>
      {results ? (
        <>
          <div className="row">
            <label htmlFor={`${id}-search`}>Search words</label>
            <input id={`${id}-search`} type="search" value={query} onChange={(e) => setQuery(e.currentTarget.value)} />
            <span className="muted" aria-live="polite">
              {formatCount(rows.length)} of {formatCount(results.length)} words · {formatCount(total)} tokens
            </span>
          </div>
          <ResultsTable rows={rows} sort={sort} onSort={setSort} />
        </>
      ) : (
        <>
          <p className="muted">No results yet.</p>
          <ResultsTable rows={[]} sort={sort} onSort={setSort} />
        </>
      )}
    </section>
  );
}
