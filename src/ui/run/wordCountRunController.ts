import type { EngineSession } from '../EngineSession';
import type { StoredInputInfo, StoredRun, UiEngine } from '../engineTypes';
import type { RunSettings } from '../settings';
import type { RunChaos } from './reliabilityModel';

export type WordCounts = [string, number][];

/** Every state but idle carries the run's own failure probability and seed: what its figures describe. */
export type RunState =
  | { status: 'idle' }
  | { status: 'running'; startedAt: number; chaos: RunChaos }
  | { status: 'succeeded'; results: WordCounts; durationMs: number; chaos: RunChaos }
  | { status: 'failed'; reason: string; durationMs: number; chaos: RunChaos }
  /** Stopped by the user's Cancel, not by a fault: not shown as a failure. */
  | { status: 'cancelled'; reason: string; durationMs: number; chaos: RunChaos };

type Finished = Extract<RunState, { status: 'succeeded' | 'failed' | 'cancelled' }>;

/** One page-level run (a word count may run several engine jobs, e.g. a sampling job for the sort). */
export interface RunRecord {
  id: number;
  startedAt: number;
  settings: RunSettings;
  files: number;
  bytes: number;
  outcome:
    | { status: 'succeeded'; distinctWords: number; totalWords: number; durationMs: number }
    | { status: 'failed' | 'cancelled'; reason: string; durationMs: number };
}

/** What the page renders; replaced (never mutated) on every change, so React can compare it by identity. */
export interface WordCountRunSnapshot {
  state: RunState;
  /** Engine notes about single input files from the latest run (e.g. invalid UTF-8), by input id. */
  inputNotes: Record<string, string[]>;
  history: RunRecord[];
}

/** The part of the view store a run needs: it marks where a new run's jobs begin. */
export interface RunMarker {
  /** `resumed`: the run continues an interrupted one, so partitions it does not run were reused. */
  markRun(runId: number, options?: { resumed: boolean }): void;
}

/**
 * The page's run lifecycle without React: one run at a time, its settings applied to the engine, its
 * outcome and a summary in the history. `useWordCountRun` is a thin hook over it (the observer/hook
 * split of TanStack Query), so the lifecycle is testable with a fake engine and no DOM.
 */
export class WordCountRunController {
  #snapshot: WordCountRunSnapshot = { state: { status: 'idle' }, inputNotes: {}, history: [] };
  readonly #listeners = new Set<() => void>();
  #running = false;
  /** Cancel was pressed during the current run: its failure is the user's doing. */
  #cancelled = false;
  #nextId = 1;

  constructor(
    private readonly session: Pick<EngineSession, 'engine' | 'withWorkers'>,
    private readonly marker: RunMarker,
    private readonly now: () => number = () => performance.now(),
  ) {}

  readonly subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  readonly getSnapshot = (): WordCountRunSnapshot => this.#snapshot;

  /** Runs a journaled word count over `inputs`, after releasing the previous run's blocks. */
  readonly start = (settings: RunSettings, inputs: StoredInputInfo[]): Promise<void> =>
    this.#execute(
      settings,
      inputs,
      async (engine) => {
        // The retention rule (RETENTION_RULE): a resumed run keeps its blocks, it is made of them.
        await engine.releaseFinishedRuns();
        return engine.runWordCount({
          inputs,
          tokenizer: settings.tokenizer,
          inputSplits: settings.inputSplits,
          shufflePartitions: settings.shufflePartitions,
        });
      },
      false,
    );

  /** Resumes a run a reload interrupted, with the settings (workers, chaos) now on the page. */
  readonly resume = (settings: RunSettings, run: StoredRun): Promise<void> => {
    const { tokenizer, inputSplits, shufflePartitions } = run.options;
    return this.#execute(
      { ...settings, tokenizer, inputSplits, shufflePartitions },
      run.options.inputs,
      (engine) => engine.resumeRun(run.runId),
      true,
    );
  };

  readonly cancel = (): void => {
    if (this.#running) this.#cancelled = true;
    this.session.engine.cancelJob();
  };

  async #execute(
    settings: RunSettings,
    inputs: StoredInputInfo[],
    work: (engine: UiEngine) => Promise<WordCounts>,
    resumed: boolean,
  ) {
    // A second click while a run is in flight is ignored, not queued: the page disables Run meanwhile.
    if (this.#running) return;
    this.#running = true;
    this.#cancelled = false;
    const id = this.#nextId++;
    const startedAt = this.now();
    const chaos: RunChaos = { failureProbability: settings.failureProbability, seed: settings.seed };
    this.#update({ state: { status: 'running', startedAt, chaos }, inputNotes: {} });
    let outcome: Finished;
    let unsubscribe = () => {};
    try {
      const engine = await this.session.withWorkers(settings.workers);
      unsubscribe = engine.events.subscribe((e) => {
        if (e.type !== 'log' || e.inputId === undefined) return;
        const notes = this.#snapshot.inputNotes;
        this.#update({ inputNotes: { ...notes, [e.inputId]: [...(notes[e.inputId] ?? []), e.message] } });
      });
      this.marker.markRun(id, { resumed });
      engine.configure({
        shuffleService: settings.shuffleService,
        speculation: settings.speculation,
        taskDelayMs: settings.taskDelayMs,
        failureProbability: settings.failureProbability,
        seed: settings.seed,
      });
      const results = await work(engine);
      outcome = { status: 'succeeded', results, durationMs: this.now() - startedAt, chaos };
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      const status = this.#cancelled ? 'cancelled' : 'failed';
      outcome = { status, reason, durationMs: this.now() - startedAt, chaos };
    } finally {
      unsubscribe();
      this.#running = false;
    }
    const record: RunRecord = {
      id,
      startedAt,
      settings,
      files: inputs.length,
      bytes: inputs.reduce((sum, f) => sum + f.size, 0),
      outcome: summarise(outcome),
    };
    this.#update({ state: outcome, history: [...this.#snapshot.history, record] });
  }

  #update(change: Partial<WordCountRunSnapshot>): void {
    this.#snapshot = { ...this.#snapshot, ...change };
    for (const listener of this.#listeners) listener();
  }
}

// History keeps a summary only: holding every run's full result would grow without bound.
function summarise(outcome: Finished): RunRecord['outcome'] {
  if (outcome.status !== 'succeeded')
    return { status: outcome.status, reason: outcome.reason, durationMs: outcome.durationMs };
  return {
    status: 'succeeded',
    distinctWords: outcome.results.length,
    totalWords: outcome.results.reduce((sum, [, n]) => sum + n, 0),
    durationMs: outcome.durationMs,
  };
}

/** Retention rule shown in the Storage panel. */
export const RETENTION_RULE =
  'Shuffle and cached blocks of finished runs, and blocks left by closed tabs, are deleted when the next run starts; blocks of runs in other open tabs are not. The event log of the last 20 runs is kept for its download.';
