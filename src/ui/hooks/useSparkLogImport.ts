import { useCallback, useState } from 'react';
import type { EngineSession } from '../EngineSession';
import { openSparkLog, type ReadProgress, type SparkApplication } from '../../sparkLog';

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
      // Progress arrives on its own message port: a report may land after the result and must not
      // turn the finished import back into "reading".
      let finished = false;
      const onProgress = (p: ReadProgress) => {
        if (!finished) setState({ status: 'reading', fileCount: files.length, ...p });
      };
      try {
        const log = await openSparkLog(files, onProgress).finally(() => (finished = true));
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
