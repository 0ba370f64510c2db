import { useCallback, useRef, useState } from 'react';
import type { EngineSession } from '../EngineSession';
import type { ViewStore } from '../store/createViewStore';
import type { StoredInputInfo } from '../engineTypes';
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
  history: RunRecord[];
  start(settings: RunSettings, inputs: StoredInputInfo[]): Promise<void>;
  cancel(): void;
}

export function useWordCountRun(session: EngineSession, store: ViewStore): WordCountRun {
  const [state, setState] = useState<RunState>({ status: 'idle' });
  const [history, setHistory] = useState<RunRecord[]>([]);
  const nextId = useRef(1);
  const running = useRef(false);

  const start = useCallback(
    async (settings: RunSettings, inputs: StoredInputInfo[]) => {
      if (running.current) return;
      running.current = true;
      const startedAt = performance.now();
      setState({ status: 'running', startedAt });
      let outcome: Exclude<RunState, { status: 'idle' } | { status: 'running' }>;
      try {
        const engine = await session.withWorkers(settings.workers);
        store.markRun();
        engine.configure({
          shuffleService: settings.shuffleService,
          speculation: settings.speculation,
          taskDelayMs: settings.taskDelayMs,
          failureProbability: settings.failureProbability,
          seed: settings.seed,
        });
        const results = await engine
          .wordCount({
            inputs,
            tokenizer: settings.tokenizer,
            inputSplits: settings.inputSplits,
            shufflePartitions: settings.shufflePartitions,
          })
          .collect();
        outcome = { status: 'succeeded', results, durationMs: performance.now() - startedAt };
      } catch (e) {
        const reason = e instanceof Error ? e.message : String(e);
        outcome = { status: 'failed', reason, durationMs: performance.now() - startedAt };
      } finally {
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

  const cancel = useCallback(() => session.engine.cancelJob(), [session]);

  return { state, history, start, cancel };
}
