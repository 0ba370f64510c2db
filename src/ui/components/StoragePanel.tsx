import { useEffect, useRef, useState } from 'react';
import type { EngineSession } from '../EngineSession';
import { plural } from '../../engine';
import type { ViewStore } from '../store/createViewStore';
import { useViewState } from '../hooks/useViewState';
import { formatBytes } from '../format';
import { RETENTION_RULE } from '../run/wordCountRunController';

export function StoragePanel({ store, session }: { store: ViewStore; session: EngineSession }) {
  // Running totals kept by the store: regrouping every stored block per frame made long jobs quadratic.
  const summary = useViewState(store, (s) => s.blockSummary);
  // A message belongs to the run it describes: it is shown only until the next run starts.
  const runStartedAt = useViewState(store, (s) => s.runStartedAt);
  const [said, setSaid] = useState<{ text: string; run: number } | null>(null);
  const message = said?.run === runStartedAt ? said.text : null;
  const setMessage = (text: string | null) => setSaid(text === null ? null : { text, run: runStartedAt });

  const clear = (kind: 'shuffle' | 'cache') => {
    setMessage(null);
    session.engine.chaos
      .clearBlocks({ kind })
      .then((ids) =>
        setMessage(`Cleared ${plural(ids.length, kind === 'shuffle' ? 'shuffle block' : 'cached block')}.`),
      )
      .catch((e: unknown) => setMessage(`Could not clear blocks: ${e instanceof Error ? e.message : String(e)}`));
  };

  const quota = useStorageEstimate(summary.count, summary.totalBytes);
  const [persisted, setPersisted] = useState<string | null>(null);
  const keep = () => {
    if (!navigator.storage?.persist) {
      setPersisted('This browser cannot keep data persistently.');
      return;
    }
    navigator.storage.persist().then(
      (granted) =>
        setPersisted(
          granted
            ? 'Persistent storage granted: the browser will not evict these files and blocks when space runs low.'
            : 'Persistent storage not granted: the browser may evict this data when space runs low (it grants this to sites you use often or bookmark).',
        ),
      (e: unknown) =>
        setPersisted(`Could not ask for persistent storage: ${e instanceof Error ? e.message : String(e)}`),
    );
  };

  const owners = [...summary.byOwner.entries()].sort((a, b) => (a[0] ?? -1) - (b[0] ?? -1));

  return (
    <section aria-label="Storage" className="panel">
      <div className="panel-head">
        <h2>Storage</h2>
        <span className="muted">
          {summary.count} blocks, {formatBytes(summary.totalBytes)}
        </span>
      </div>
      <div className="row">
        <button type="button" className="small danger" onClick={() => clear('shuffle')}>
          Clear shuffle blocks
        </button>
        <button type="button" className="small danger" onClick={() => clear('cache')}>
          Clear cached blocks
        </button>
      </div>
      {message && (
        <p className="muted" role="status">
          {message}
        </p>
      )}
      <p className="muted">
        {quota === null
          ? 'Usage and quota: unknown in this browser.'
          : `Browser storage for this page: ${formatBytes(quota.usage)} used of ${formatBytes(quota.quota)} allowed (${percent(quota.usage, quota.quota)}).`}
      </p>
      <div className="row">
        <button type="button" className="small" onClick={keep}>
          Keep data persistently
        </button>
      </div>
      {persisted && (
        <p className="muted" role="status" aria-label="Persistent storage">
          {persisted}
        </p>
      )}
      <p className="hint">{RETENTION_RULE} Input files stay until you remove them.</p>
      {summary.count === 0 ? (
        <p className="muted">No blocks stored.</p>
      ) : (
        <div className="storage-tables">
          <table>
            <caption>By producer</caption>
            <thead>
              <tr>
                <th scope="col">Blocks of</th>
                <th scope="col">Count</th>
                <th scope="col">Size</th>
              </tr>
            </thead>
            <tbody>
              {summary.byKind.map((g) => (
                <tr key={g.key}>
                  <th scope="row">{g.label}</th>
                  <td>{g.count}</td>
                  <td>{formatBytes(g.bytes)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <table>
            <caption>By worker</caption>
            <thead>
              <tr>
                <th scope="col">Owner</th>
                <th scope="col">Count</th>
                <th scope="col">Size</th>
              </tr>
            </thead>
            <tbody>
              {owners.map(([owner, g]) => (
                <tr key={owner ?? 'none'}>
                  <th scope="row">{owner === null ? 'no owner (durable)' : `worker ${owner}`}</th>
                  <td>{g.count}</td>
                  <td>{formatBytes(g.bytes)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** While blocks keep changing (a running job), ask the browser at most this often. */
const ESTIMATE_INTERVAL_MS = 1000;

/**
 * navigator.storage.estimate(), refreshed when the stored blocks change: at once when they have been
 * quiet for a while, else at most once per ESTIMATE_INTERVAL_MS (a job changes them every frame), and
 * always once after the last change.
 */
function useStorageEstimate(blockCount: number, blockBytes: number): { usage: number; quota: number } | null {
  const [estimate, setEstimate] = useState<{ usage: number; quota: number } | null>(null);
  const lastAsked = useRef(-Infinity);
  useEffect(() => {
    let current = true;
    const ask = () => {
      lastAsked.current = performance.now();
      navigator.storage?.estimate?.().then(
        (e) => current && setEstimate({ usage: e.usage ?? 0, quota: e.quota ?? 0 }),
        () => current && setEstimate(null),
      );
    };
    const wait = lastAsked.current + ESTIMATE_INTERVAL_MS - performance.now();
    if (wait <= 0) {
      ask();
      return () => {
        current = false;
      };
    }
    const timer = setTimeout(ask, wait);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [blockCount, blockBytes]);
  return estimate;
}

function percent(part: number, whole: number): string {
  if (whole <= 0) return '0%';
  const p = (100 * part) / whole;
  return p > 0 && p < 1 ? '<1%' : `${Math.round(p)}%`;
}
