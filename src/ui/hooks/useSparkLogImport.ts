import { useCallback, useState } from 'react';
import type { EngineSession } from '../EngineSession';
import { openSparkLog, type SparkApplication } from '../../sparkLog';

export type SparkLogImportState =
  | { status: 'idle' }
  | { status: 'reading'; fileCount: number; bytesRead: number; totalBytes: number }
  | { status: 'shown'; app: SparkApplication }
  | { status: 'failed'; message: string };

export interface SparkLogImportApi {
  state: SparkLogImportState;
  open(files: File[]): Promise<void>;
}

/** Opens a Spark event log (in a worker, with progress) and shows it in the page's views. */
export function useSparkLogImport(session: EngineSession): SparkLogImportApi {
  const [state, setState] = useState<SparkLogImportState>({ status: 'idle' });
  const open = useCallback(
    async (files: File[]) => {
      if (files.length === 0) return;
      const totalBytes = files.reduce((n, f) => n + f.size, 0);
      setState({ status: 'reading', fileCount: files.length, bytesRead: 0, totalBytes });
      try {
        const log = await openSparkLog(files, (p) => setState({ status: 'reading', fileCount: files.length, ...p }));
        session.showImported(log.events);
        setState({ status: 'shown', app: log.app });
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        setState({
          status: 'failed',
          message: `Could not open the Spark event log: ${message}`,
        });
      }
    },
    [session],
  );
  return { state, open };
}
