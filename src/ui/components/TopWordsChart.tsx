import type { WordCounts } from '../run/wordCountRunController';
import { formatCount } from '../format';

const TOP = 15;

/** Plain HTML bars: fifteen rows need no chart library. Results arrive sorted by count already. */
export function TopWordsChart({ results }: { results: WordCounts | null }) {
  const top = (results ?? []).slice(0, TOP);
  const max = top[0]?.[1] ?? 1;
  return (
    <section aria-label="Top words" className="panel">
      <h2>Top words</h2>
      {top.length === 0 ? (
        <p className="muted">The most frequent words appear here after a run.</p>
      ) : (
        <ol className="bars">
          {top.map(([word, count]) => (
            <li key={word}>
              <span className="bar-word" title={word}>
                {word}
              </span>
              <span className="bar-track" aria-hidden="true">
                <span className="bar-fill" style={{ width: `${(count / max) * 100}%` }} />
              </span>
              <span className="bar-count">{formatCount(count)}</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
