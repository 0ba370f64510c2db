import { useCallback, useEffect, useState } from 'react';
import type { EngineSession } from '../EngineSession';
import type { StoredInputInfo } from '../engineTypes';

export interface InputsApi {
  files: StoredInputInfo[];
  /** null until the stored list has been read once. */
  loaded: boolean;
  error: string | null;
  busy: boolean;
  add(files: File[]): Promise<void>;
  remove(id: string): Promise<void>;
}

/** The stored input files (IndexedDB through ctx.inputs), so they survive a reload. */
export function useInputs(session: EngineSession): InputsApi {
  const [files, setFiles] = useState<StoredInputInfo[]>([]);
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const refresh = useCallback(async () => {
    setFiles(await session.engine.inputs.list());
    setLoaded(true);
  }, [session]);

  useEffect(() => {
    let current = true;
    session.engine.inputs.list().then(
      (stored) => {
        if (!current) return;
        setFiles(stored);
        setLoaded(true);
      },
      (e: unknown) => current && setError(`Could not read the stored files: ${message(e)}`),
    );
    return () => {
      current = false;
    };
  }, [session]);

  const add = useCallback(
    async (incoming: File[]) => {
      const texts = incoming.filter((f) => f.size > 0);
      if (texts.length === 0) {
        setError(incoming.length === 0 ? 'No files were dropped.' : 'Those files are empty; add a text file with some words in it.');
        return;
      }
      setBusy(true);
      setError(null);
      try {
        await session.engine.inputs.add(texts);
        await refresh();
        if (texts.length < incoming.length) setError('Empty files were skipped.');
      } catch (e) {
        setError(`Could not store the files: ${message(e)}`);
      } finally {
        setBusy(false);
      }
    },
    [session, refresh],
  );

  const remove = useCallback(
    async (id: string) => {
      setError(null);
      try {
        await session.engine.inputs.remove(id);
        await refresh();
      } catch (e) {
        setError(`Could not remove the file: ${message(e)}`);
      }
    },
    [session, refresh],
  );

  return { files, loaded, error, busy, add, remove };
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
