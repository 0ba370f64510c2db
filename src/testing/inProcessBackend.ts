import type { AppId, BlockRecord, ExecutorId, ExecutorLossCause, TaskDescription, TaskResult } from '../protocol';
import type { BackendListener, ExecutorBackend } from '../engine/backend';
import { runTask } from '../executor/runTask';
import type { MemoryEngineStore } from './memoryEngineStore';

/**
 * Runs tasks in-process with the real executor code over Map-backed storage: the deterministic executor
 * for pipelining tests in node. Browser tests use real Web Workers and IndexedDB instead.
 */
export class InProcessBackend implements ExecutorBackend {
  readonly launched: TaskDescription[] = [];
  readonly #store: MemoryEngineStore;
  readonly #memory = new Map<ExecutorId, Map<string, unknown[]>>();
  /** Each executor's broadcast values: like a worker's, they live as long as the executor. */
  readonly #broadcasts = new Map<ExecutorId, Map<number, unknown>>();
  #listener!: BackendListener;
  #app!: AppId;
  #next = 1;
  readonly #initial: number;

  constructor(store: MemoryEngineStore, executors = 2) {
    this.#store = store;
    this.#initial = executors;
  }

  start(listener: BackendListener, app: AppId): void {
    this.#listener = listener;
    this.#app = app;
    for (let i = 0; i < this.#initial; i++) this.addExecutor('initial pool');
  }

  liveExecutors(): ExecutorId[] {
    return [...this.#memory.keys()];
  }

  addExecutor(reason: string): ExecutorId {
    const id = this.#next++;
    this.#memory.set(id, new Map());
    this.#broadcasts.set(id, new Map());
    this.#listener.executorAdded(id, reason);
    return id;
  }

  async launch(executorId: ExecutorId, task: TaskDescription): Promise<TaskResult> {
    this.launched.push(task);
    const blocks = this.#store.blocks;
    const inputs = this.#store.inputs;
    // Cross a task boundary the way a worker does: plain data only.
    const copy = structuredClone(task);
    await Promise.resolve();
    return runTask(copy, {
      app: this.#app,
      executorId,
      blocks: {
        putBlocks: async (records: BlockRecord[]) => records.forEach((r) => blocks.set(r.id, r)),
        getBlocks: async (ids: readonly string[]) => ids.map((id) => blocks.get(id)),
      },
      inputs: { getBlob: async (id: string) => inputs.get(id)?.blob },
      memory: this.#memory.get(executorId) ?? new Map(),
      broadcasts: this.#broadcasts.get(executorId) ?? new Map(),
      progress: () => undefined,
      now: () => performance.now(),
    });
  }

  kill(executorId: ExecutorId, cause: ExecutorLossCause, reason: string): void {
    if (!this.#memory.delete(executorId)) return;
    this.#broadcasts.delete(executorId);
    this.#listener.executorLost(executorId, cause, reason);
    this.addExecutor(`replaces worker ${executorId}`);
  }

  /** In-process tasks are short: a killed one just finishes and the scheduler discards its result. */
  killTask(): void {}

  async dropMemoryBlocks(ids: string[], owner?: ExecutorId): Promise<void> {
    for (const [id, memory] of this.#memory)
      if (owner === undefined || id === owner) for (const block of ids) memory.delete(block);
  }

  /** In-process executors send no heartbeats, so there is nothing to silence: tests kill them instead. */
  silence(): void {}

  async stop(): Promise<void> {}
}
