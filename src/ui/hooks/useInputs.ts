import { useCallback, useEffect, useState } from 'react';
import type { EngineSession } from '../EngineSession';
import type { StoredInputInfo } from '../engineTypes';
import { SNIFF_BYTES, sniffBinary } from '../../common/sniffBinary';

/** A stored file that does not look like text: left out of the word count unless the user says so. */
export interface BinaryInput {
  what: string;
  countAnyway: boolean;
}

export interface InputsApi {
  files: StoredInputInfo[];
  /** null until the stored list has been read once. */
  loaded: boolean;
  error: string | null;
  busy: boolean;
  /** By input id: files whose first bytes look binary. */
  binary: Record<string, BinaryInput>;
  /** The files a word count reads: all but the binary ones the user has not chosen to count. */
  counted: StoredInputInfo[];
  add(files: File[]): Promise<void>;
  remove(id: string): Promise<void>;
  /** Removes every stored file. */
  removeAll(): Promise<void>;
  setCountAnyway(id: string, countAnyway: boolean): void;
}

const BINARY_KEY = 'emberflow.binaryInputs';

// Sniffed when a file is added; kept beside the settings so a reload still knows (the bytes are in IndexedDB).
function loadBinary(): Record<string, BinaryInput> {
  try {
    const raw = localStorage.getItem(BINARY_KEY);
    return raw ? (JSON.parse(raw) as Record<string, BinaryInput>) : {};
  } catch {
    return {};
  }
}

function saveBinary(binary: Record<string, BinaryInput>): void {
  try {
    localStorage.setItem(BINARY_KEY, JSON.stringify(binary));
  } catch {
    // Storage full or blocked: the notice is then shown for this session only.
  }
}

/** The stored input files (IndexedDB through ctx.inputs), so they survive a reload. */
export function useInputs(session: EngineSession): InputsApi {
  const [files, setFiles] = useState<StoredInputInfo[]>([]);
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [binary, setBinary] = useState<Record<string, BinaryInput>>(loadBinary);

  useEffect(() => saveBinary(binary), [binary]);

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
        // Forget notes about files that are no longer stored.
        const ids = new Set(stored.map((f) => f.id));
        setBinary((b) => Object.fromEntries(Object.entries(b).filter(([id]) => ids.has(id))));
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
      const empty = incoming.filter((f) => f.size === 0).map((f) => f.name);
      const emptyNote =
        empty.length === 0
          ? ''
          : `${listNames(empty)} ${empty.length === 1 ? 'is' : 'are'} empty (0 bytes) and ${empty.length === 1 ? 'was' : 'were'} not added.`;
      if (texts.length === 0) {
        setError(
          incoming.length === 0 ? 'No files were dropped.' : `${emptyNote} Add a text file with some words in it.`,
        );
        return;
      }
      setBusy(true);
      setError(null);
      try {
        const sniffed = await Promise.all(
          texts.map(async (f) => sniffBinary(new Uint8Array(await f.slice(0, SNIFF_BYTES).arrayBuffer()))),
        );
        const stored = await session.engine.inputs.add(texts);
        const found: Record<string, BinaryInput> = {};
        stored.forEach((info, i) => {
          const s = sniffed[i];
          if (s?.kind === 'binary') found[info.id] = { what: s.what, countAnyway: false };
        });
        if (Object.keys(found).length > 0) setBinary((b) => ({ ...b, ...found }));
        await refresh();
        if (emptyNote) setError(emptyNote);
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
        setBinary(({ [id]: _gone, ...rest }) => rest);
        await refresh();
      } catch (e) {
        setError(`Could not remove the file: ${message(e)}`);
      }
    },
    [session, refresh],
  );

  const removeAll = useCallback(async () => {
    setError(null);
    setBusy(true);
    try {
      await session.engine.inputs.removeAll();
      setBinary({});
    } catch (e) {
      setError(`Could not remove every file: ${message(e)}`);
    } finally {
      await refresh();
      setBusy(false);
    }
  }, [session, refresh]);

  const setCountAnyway = useCallback((id: string, countAnyway: boolean) => {
    setBinary((b) => (b[id] ? { ...b, [id]: { ...b[id], countAnyway } } : b));
  }, []);

  const counted = files.filter((f) => !binary[f.id] || binary[f.id]!.countAnyway);
  return { files, loaded, error, busy, binary, counted, add, remove, removeAll, setCountAnyway };
}

function listNames(names: string[]): string {
  if (names.length <= 3) return names.join(', ');
  return `${names.slice(0, 3).join(', ')} and ${names.length - 3} more`;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
