import { useMemo, useSyncExternalStore } from 'react';
import type { EngineSession } from '../EngineSession';
import type { ViewStore } from '../store/createViewStore';
import type { StoredInputInfo, StoredRun } from '../engineTypes';
import type { RunSettings } from '../settings';
import { WordCountRunController, type WordCountRunSnapshot } from '../run/wordCountRunController';

export interface WordCountRun extends WordCountRunSnapshot {
  start(settings: RunSettings, inputs: StoredInputInfo[]): Promise<void>;
  /** Resumes a run a reload interrupted, with the settings (workers, chaos) now on the page. */
  resume(settings: RunSettings, run: StoredRun): Promise<void>;
  cancel(): void;
}

/** The page's run lifecycle (WordCountRunController) as React state. */
export function useWordCountRun(session: EngineSession, store: ViewStore): WordCountRun {
  const controller = useMemo(() => new WordCountRunController(session, store), [session, store]);
  const snapshot = useSyncExternalStore(controller.subscribe, controller.getSnapshot);
  return useMemo(
    () => ({ ...snapshot, start: controller.start, resume: controller.resume, cancel: controller.cancel }),
    [snapshot, controller],
  );
}
