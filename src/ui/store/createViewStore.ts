import type { BlockInfo, EngineEvent, ExecutorSnapshot } from '../engineTypes';
import { plural } from '../../engine';
import { BlockIndex } from './groupBlocks';
import { reduceEvents } from './reduceEvents';
import { HISTORY_LIMIT, initialViewState, type ExecutorView, type Selection, type ViewState } from './viewState';

export interface ViewStore {
  getState(): ViewState;
  subscribe(listener: () => void): () => void;
  /** Queue an engine event; listeners hear about it at most once per animation frame. */
  push(event: EngineEvent): void;
  /** Apply queued events now (tests, and before reading state outside a frame). */
  flush(): void;
  /** Page run `runId` starts (`resumed`: it continues an interrupted run, whose partitions it does not run were reused): the DAG gathers the engine jobs from here on; the previous run goes to the history. */
  markRun(runId: number, options?: { resumed: boolean }): void;
  /** Draw an earlier run (from the history) in the DAG, timeline and incidents; null: the current run. */
  showRun(runId: number | null): void;
  /** Highlight what an event-log line is about (null: nothing). */
  select(selection: Selection | null): void;
  /** Start over for a new engine instance, seeded with what it already knows. */
  reset(seed?: { executors: ExecutorSnapshot[]; blocks: BlockInfo[] }): void;
}

type Scheduler = (callback: () => void) => void;

/** requestAnimationFrame stops in background tabs; the timeout keeps the queue from growing forever. */
const frameScheduler: Scheduler = (callback) => {
  let done = false;
  const once = () => {
    if (done) return;
    done = true;
    callback();
  };
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(once);
  setTimeout(once, 100);
};

export function createViewStore(schedule: Scheduler = frameScheduler): ViewStore {
  let state = initialViewState();
  let queue: EngineEvent[] = [];
  let scheduled = false;
  const listeners = new Set<() => void>();

  const notify = () => {
    for (const l of listeners) l();
  };

  const flush = () => {
    scheduled = false;
    if (queue.length === 0) return;
    const events = queue;
    queue = [];
    state = reduceEvents(state, events);
    notify();
  };

  return {
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    push(event) {
      queue.push(event);
      if (!scheduled) {
        scheduled = true;
        schedule(flush);
      }
    },
    flush,
    markRun(runId, options) {
      flush();
      const last = state.jobs.at(-1);
      const history = archive(state);
      // Earlier runs' finished task launches are drawn nowhere live any more (the timeline and the
      // reliability model count from the run's start): only the history's snapshots hold them.
      const tasks = Object.fromEntries(Object.entries(state.tasks).filter(([, task]) => task.end === null));
      state = {
        ...state,
        tasks,
        runFirstJobId: last ? last.jobId + 1 : 0,
        runStartedAt: state.now,
        runResumed: options?.resumed ?? false,
        runId,
        runEvents: [],
        history,
        shownRunId: null,
        selection: null,
      };
      notify();
    },
    showRun(runId) {
      flush();
      state = { ...state, shownRunId: runId, selection: null };
      notify();
    },
    select(selection) {
      state = { ...state, selection };
      notify();
    },
    reset(seed) {
      queue = [];
      const base = initialViewState();
      const executors: Record<number, ExecutorView> = {};
      for (const snap of seed?.executors ?? []) {
        const s = snap.state;
        executors[snap.executorId] =
          s.status === 'lost'
            ? { status: 'lost', executorId: snap.executorId, addedAt: 0, lostAt: 0, reason: s.reason }
            : {
                status: 'alive',
                executorId: snap.executorId,
                addedAt: 0,
                lastHeartbeat: s.status === 'starting' ? 0 : s.lastHeartbeat,
                running: s.status === 'busy' ? [{ taskId: s.taskId, recordsRead: 0, bytesRead: 0 }] : [],
              };
      }
      const blocks = new BlockIndex(seed?.blocks ?? []);
      // The new pool's executor.added events fire before anyone can subscribe: say it here instead.
      const workers = Object.keys(executors).length;
      const seq = state.logSeq + 1;
      const log =
        workers > 0
          ? [
              {
                seq,
                time: 0,
                level: 'info' as const,
                message: `Started a new engine with ${plural(workers, 'worker')}.`,
                run: state.runId,
                kind: 'worker' as const,
                stageId: null,
                executorId: null,
                taskId: null,
                partitions: [],
                event: null,
              },
            ]
          : [];
      // Keep the log sequence growing so React keys never repeat across engine instances.
      // The page's runs outlive the engine instance (a worker-count change starts a new one).
      const runId = state.runId;
      const history = archive(state);
      state = { ...base, executors, blocks, blockSummary: blocks.summary(), log, logSeq: seq, runId, history };
      notify();
    },
  };
}

/**
 * The history with the current run added, once: the ended run is kept whole (its snapshot shares every
 * unchanged object with the live state) for "Show run N", and only the newest HISTORY_LIMIT runs are,
 * as the engine keeps its event history. A worker-count change archives the run before the next starts.
 */
function archive(state: ViewState): ViewState['history'] {
  if (state.runId === 0 || state.history.at(-1)?.runId === state.runId) return state.history;
  return [...state.history, { runId: state.runId, view: { ...state, history: [], shownRunId: null } }].slice(
    -HISTORY_LIMIT,
  );
}
