import { useState } from 'react';
import { exportWordCountToPySpark, type PySparkWordCountSettings } from '../../engine';
import { downloadText } from '../tsv';

/**
 * "Export as PySpark": downloads the word count with the current settings as `wordcount.py`. The
 * script embeds this browser's Unicode tables, computed on the first export (a fraction of a second).
 */
export function ExportPySparkButton({ settings }: { settings: PySparkWordCountSettings | null }) {
  const [busy, setBusy] = useState(false);
  const onExport = () => {
    if (!settings) return;
    setBusy(true);
    // Let the busy state paint before the tables are computed on this thread.
    setTimeout(() => {
      try {
        downloadText(exportWordCountToPySpark(settings), 'wordcount.py', 'text/x-python;charset=utf-8');
      } finally {
        setBusy(false);
      }
    }, 0);
  };
  return (
    <section aria-label="Export" className="panel">
      <button type="button" disabled={!settings || busy} aria-busy={busy} onClick={onExport}>
        Export as PySpark
      </button>
      <p className="muted">
        The same word count as a standalone script: <code>spark-submit wordcount.py INPUT...</code> prints the same TSV
        as Download results.
      </p>
    </section>
  );
}
