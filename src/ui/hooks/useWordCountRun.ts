import { useCallback, useRef, useState } from 'react';
import type { EngineSession } from '../EngineSession';
import type { ViewStore } from '../store/createViewStore';
import type { StoredInputInfo, StoredRun, UiEngine } from '../engineTypes';
import type { RunSettings } from '../settings';

export type WordCounts = [string, number][];

export type RunState =
  | { status: 'idle' }
  | { status: 'running'; startedAt: number }
  | { status: 'succeeded'; results: WordCounts; durationMs: number }
  | { status: 'failed'; reason: string; durationMs: number };

/** One page-level run (a word count may run several engine jobs, e.g. a sampling job for the sort). */
export interface RunRecord {
  id: number;
  startedAt: number;
  settings: RunSettings;
  files: number;
  bytes: number;
  outcome:
    | { status: 'succeeded'; distinctWords: number; totalWords: number; durationMs: number }
    | { status: 'failed'; reason: string; durationMs: number };
}

export interface WordCountRun {
  state: RunState;
  /** Engine notes about single input files from the latest run (e.g. invalid UTF-8), by input id. */
  inputNotes: Record<string, string[]>;
  history: RunRecord[];
  start(settings: RunSettings, inputs: StoredInputInfo[]): Promise<void>;
  /** Resumes a run a reload interrupted, with the settings (workers, chaos) now on the page. */
  resume(settings: RunSettings, run: StoredRun): Promise<void>;
  cancel(): void;
}

export function useWordCountRun(session: EngineSession, store: ViewStore): WordCountRun {
  const [state, setState] = useState<RunState>({ status: 'idle' });
  const [history, setHistory] = useState<RunRecord[]>([]);
  const [inputNotes, setInputNotes] = useState<Record<string, string[]>>({});
  const nextId = useRef(1);
  const running = useRef(false);

  const execute = useCallback(
    async (settings: RunSettings, inputs: StoredInputInfo[], work: (engine: UiEngine) => Promise<WordCounts>) => {
      if (running.current) return;
      running.current = true;
      const startedAt = performance.now();
      setState({ status: 'running', startedAt });
      setInputNotes({});
      let outcome: Exclude<RunState, { status: 'idle' } | { status: 'running' }>;
      let unsubscribe = () => {};
      try {
        const engine = await session.withWorkers(settings.workers);
        unsubscribe = engine.events.subscribe((e) => {
          if (e.type !== 'log' || e.inputId === undefined) return;
          const id = e.inputId;
          setInputNotes((notes) => ({ ...notes, [id]: [...(notes[id] ?? []), e.message] }));
        });
        store.markRun();
        engine.configure({
          shuffleService: settings.shuffleService,
          speculation: settings.speculation,
          taskDelayMs: settings.taskDelayMs,
          failureProbability: settings.failureProbability,
          seed: settings.seed,
        });
        const results = await work(engine);
        outcome = { status: 'succeeded', results, durationMs: performance.now() - startedAt };
      } catch (e) {
        const reason = e instanceof Error ? e.message : String(e);
        outcome = { status: 'failed', reason, durationMs: performance.now() - startedAt };
      } finally {
        unsubscribe();
        running.current = false;
      }
      setState(outcome);
      const record: RunRecord = {
        id: nextId.current++,
        startedAt,
        settings,
        files: inputs.length,
        bytes: inputs.reduce((sum, f) => sum + f.size, 0),
        // History keeps a summary only: holding every run's full result would grow without bound.
        outcome:
          outcome.status === 'succeeded'
            ? {
                status: 'succeeded',
                distinctWords: outcome.results.length,
                totalWords: outcome.results.reduce((sum, [, n]) => sum + n, 0),
                durationMs: outcome.durationMs,
              }
            : outcome,
      };
      setHistory((h) => [...h, record]);
    },
    [session, store],
  );

  const start = useCallback(
    (settings: RunSettings, inputs: StoredInputInfo[]) =>
      execute(settings, inputs, async (engine) => {
        await deleteFinishedRunBlocks(engine);
        return engine.runWordCount({
          inputs,
          tokenizer: settings.tokenizer,
          inputSplits: settings.inputSplits,
          shufflePartitions: settings.shufflePartitions,
        });
      }),
    [execute],
  );

  const resume = useCallback(
    (settings: RunSettings, run: StoredRun) => {
      const { tokenizer, inputSplits, shufflePartitions } = run.options;
      return execute({ ...settings, tokenizer, inputSplits, shufflePartitions }, run.options.inputs, (engine) => engine.resumeRun(run.runId));
    },
    [execute],
  );

  const cancel = useCallback(() => session.engine.cancelJob(), [session]);

  return { state, inputNotes, history, start, resume, cancel };
}

/** Retention rule shown in the Storage panel. */
export const RETENTION_RULE =
  'Shuffle and cached blocks of finished runs, and blocks left by closed tabs, are deleted when the next run starts; blocks of runs in other open tabs are not.';

// No new run reads an earlier run's blocks (each run plans its own shuffles), so without this rule
// they would only fill the quota. A resumed run keeps them: it is made of them. The engine's own
// blocks go through clearBlocks; those of tabs that closed (and of no interrupted run) go too, but
// another open tab's are its own business.
async function deleteFinishedRunBlocks(engine: UiEngine): Promise<void> {
  await engine.chaos.clearBlocks({ kind: 'shuffle' });
  await engine.chaos.clearBlocks({ kind: 'cache' });
  await engine.deleteAbandonedBlocks();
}
