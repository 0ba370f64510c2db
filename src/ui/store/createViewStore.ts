import type { BlockInfo, EngineEvent, ExecutorSnapshot } from '../engineTypes';
import { plural } from '../../engine';
import { BlockIndex } from './groupBlocks';
import { reduceEvents } from './reduceEvents';
import { initialViewState, type ExecutorView, type ViewState } from './viewState';

export interface ViewStore {
  getState(): ViewState;
  subscribe(listener: () => void): () => void;
  /** Queue an engine event; listeners hear about it at most once per animation frame. */
  push(event: EngineEvent): void;
  /** Apply queued events now (tests, and before reading state outside a frame). */
  flush(): void;
  /** A page run starts: the DAG gathers the engine jobs from here on. */
  markRun(options?: { resumed: boolean }): void;
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
    markRun(options) {
      flush();
      const last = state.jobs.at(-1);
      // Earlier runs' finished task launches are drawn nowhere any more (the timeline and the
      // reliability model count from the run's start): a long session must not keep every one.
      const tasks = Object.fromEntries(Object.entries(state.tasks).filter(([, task]) => task.end === null));
      state = {
        ...state,
        tasks,
        runFirstJobId: last ? last.jobId + 1 : 0,
        runStartedAt: state.now,
        runResumed: options?.resumed ?? false,
      };
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
              },
            ]
          : [];
      // Keep the log sequence growing so React keys never repeat across engine instances.
      state = { ...base, executors, blocks, blockSummary: blocks.summary(), log, logSeq: seq };
      notify();
    },
  };
}
