import { useState } from 'react';
import type { EngineSession } from '../EngineSession';
import { downloadText } from '../tsv';

/**
 * Downloads the latest run as a Spark event log, for Spark's History Server. The file name has no dot:
 * Spark's reader takes whatever follows one for a compression codec.
 */
export function SparkEventLogButton({ session }: { session: EngineSession }) {
  const [note, setNote] = useState<string | null>(null);
  return (
    <>
      <button
        type="button"
        className="small"
        onClick={() =>
          void session.engine.events.exportSparkEventLog().then(
            (logs) => {
              const latest = logs.at(-1);
              if (!latest) {
                setNote('No run to export yet: run a word count first.');
                return;
              }
              setNote(null);
              downloadText(latest.text, latest.fileName, 'application/x-ndjson');
            },
            (e: unknown) => setNote(`Could not export the Spark event log: ${String(e)}`),
          )
        }
      >
        Download Spark event log
      </button>
      {note && (
        <span role="status" className="muted">
          {note}
        </span>
      )}
    </>
  );
}
