import * as Comlink from 'comlink';
import type {
  AppId,
  ExecutorApi,
  ExecutorId,
  ExecutorLossCause,
  Heartbeat,
  TaskDescription,
  TaskResult,
} from '../protocol';
import type { BackendListener, ExecutorBackend } from './backend';

export interface WorkerPoolOptions {
  size: number;
  dbName: string;
  heartbeatIntervalMs: number;
  heartbeatTimeoutMs: number;
  now: () => number;
}

interface PendingLaunch {
  task: TaskDescription;
  resolve: (result: TaskResult) => void;
}

interface Executor {
  readonly id: ExecutorId;
  readonly worker: Worker;
  readonly api: Comlink.Remote<ExecutorApi>;
  readonly ready: Promise<void>;
  readonly pending: Set<PendingLaunch>;
  /** Settles when the executor is removed: a call still pending on it then never settles by itself. */
  readonly gone: Promise<void>;
  readonly markGone: () => void;
  lastHeartbeat: number;
}

const noMetrics = { recordsRead: 0, bytesRead: 0, recordsWritten: 0, bytesWritten: 0, durationMs: 0 };

/**
 * Executors as Web Workers behind Comlink, with the heartbeat receiver. Liveness comes only from
 * heartbeats: terminate() fires no event, and a worker that closes itself or spins forever says nothing.
 */
export class WorkerPool implements ExecutorBackend {
  readonly #options: WorkerPoolOptions;
  readonly #executors = new Map<ExecutorId, Executor>();
  #listener: BackendListener | null = null;
  #app: AppId | null = null;
  #nextId = 1;
  #timer: ReturnType<typeof setInterval> | null = null;
  #lastCheck = 0;

  constructor(options: WorkerPoolOptions) {
    this.#options = options;
  }

  start(listener: BackendListener, app: AppId): void {
    this.#listener = listener;
    this.#app = app;
    for (let i = 0; i < this.#options.size; i++) this.addExecutor('initial pool');
    this.#lastCheck = this.#options.now();
    this.#timer = setInterval(() => this.#checkHeartbeats(), this.#options.heartbeatIntervalMs);
  }

  liveExecutors(): ExecutorId[] {
    return [...this.#executors.keys()];
  }

  addExecutor(reason: string): ExecutorId {
    const id = this.#nextId++;
    const worker = new Worker(new URL('../executor/worker.ts', import.meta.url), {
      type: 'module',
      name: `emberflow-worker-${id}`,
    });
    const api = Comlink.wrap<ExecutorApi>(worker);
    const channel = new MessageChannel();
    let markGone = () => {};
    const gone = new Promise<void>((resolve) => (markGone = resolve));
    const executor: Executor = {
      id,
      worker,
      api,
      pending: new Set(),
      gone,
      markGone,
      lastHeartbeat: this.#options.now(),
      ready: api
        .init(
          Comlink.transfer(
            {
              executorId: id,
              app: this.#app!,
              dbName: this.#options.dbName,
              heartbeatPort: channel.port2,
              heartbeatIntervalMs: this.#options.heartbeatIntervalMs,
            },
            [channel.port2],
          ),
        )
        .then(() => {
          executor.lastHeartbeat = this.#options.now();
        }),
    };
    channel.port1.onmessage = (e: MessageEvent<Heartbeat>) => {
      if (!this.#executors.has(id)) return;
      executor.lastHeartbeat = this.#options.now();
      this.#listener?.heartbeat(e.data);
    };
    worker.onerror = (e) => this.#lose(id, 'crashed', `worker ${id} crashed: ${e.message || 'script error'}`);
    executor.ready.catch((e: unknown) => this.#lose(id, 'crashed', `worker ${id} failed to start: ${String(e)}`));
    this.#executors.set(id, executor);
    this.#listener?.executorAdded(id, reason);
    return id;
  }

  launch(executorId: ExecutorId, task: TaskDescription): Promise<TaskResult> {
    const executor = this.#executors.get(executorId);
    if (!executor) return Promise.resolve(lostResult(task, executorId, 'crashed', `worker ${executorId} is gone`));
    return new Promise<TaskResult>((resolve) => {
      const launch: PendingLaunch = { task, resolve };
      executor.pending.add(launch);
      const settle = (result: TaskResult) => {
        if (executor.pending.delete(launch)) resolve(result);
      };
      executor.ready
        .then(() => executor.api.runTask(task) as Promise<TaskResult>)
        .then(settle, (e: unknown) =>
          settle({
            status: 'failed',
            taskId: task.taskId,
            executorId,
            reason: {
              kind: 'exception',
              operator: 'executor',
              message: `The worker could not run the task: ${e instanceof Error ? e.message : String(e)}`,
            },
            metrics: noMetrics,
          }),
        );
    });
  }

  /**
   * A synchronous loop in a worker cannot be interrupted short of terminating the worker, which would
   * lose its blocks: the task settles as killed at once, and whatever it still computes is dropped.
   */
  killTask(executorId: ExecutorId, taskId: number, reason: string): void {
    const executor = this.#executors.get(executorId);
    const launch = executor && [...executor.pending].find((l) => l.task.taskId === taskId);
    if (!executor || !launch) return;
    executor.pending.delete(launch);
    launch.resolve({
      status: 'failed',
      taskId,
      executorId,
      reason: { kind: 'killed', message: `Killed: ${reason}.` },
      metrics: noMetrics,
    });
  }

  kill(executorId: ExecutorId, cause: ExecutorLossCause, reason: string): void {
    this.#lose(executorId, cause, reason);
  }

  /** Drops in-memory cached partitions from every worker that holds them (or from `owner` only). */
  async dropMemoryBlocks(ids: string[], owner?: ExecutorId): Promise<void> {
    const from = [...this.#executors.values()].filter((e) => owner === undefined || e.id === owner);
    // A silenced worker never answers; once it is declared lost its memory is gone anyway, so the call
    // ends with it instead of hanging whoever released the blocks (a job's end, the cleaner).
    await Promise.all(
      from.map((e) => Promise.race([e.ready.then(() => e.api.dropMemoryBlocks(ids)).catch(() => 0), e.gone])),
    );
  }

  /** Chaos: make a worker die without a word, or hang, so that only heartbeats can tell. */
  silence(executorId: ExecutorId, how: 'close' | 'hang'): void {
    const executor = this.#executors.get(executorId);
    if (!executor) return;
    if (how === 'close') void executor.api.closeSilently();
    else void executor.api.hang();
  }

  #lose(executorId: ExecutorId, cause: ExecutorLossCause, reason: string): void {
    const executor = this.#executors.get(executorId);
    if (!executor) return;
    this.#executors.delete(executorId);
    // Comlink calls pending on a terminated worker never settle: settle them here.
    executor.markGone();
    executor.api[Comlink.releaseProxy]();
    executor.worker.terminate();
    this.#listener?.executorLost(executorId, cause, reason);
    for (const launch of [...executor.pending]) {
      executor.pending.delete(launch);
      launch.resolve(lostResult(launch.task, executorId, cause, reason));
    }
    this.addExecutor(`replaces worker ${executorId} (${reason})`);
  }

  #checkHeartbeats(): void {
    const now = this.#options.now();
    // A stalled main thread delays heartbeat delivery as much as the check: do not blame the workers.
    const stalled =
      now - this.#lastCheck > Math.max(4 * this.#options.heartbeatIntervalMs, this.#options.heartbeatTimeoutMs / 2);
    this.#lastCheck = now;
    for (const executor of [...this.#executors.values()]) {
      if (stalled) {
        executor.lastHeartbeat = now;
        continue;
      }
      const silentFor = now - executor.lastHeartbeat;
      if (silentFor > this.#options.heartbeatTimeoutMs) {
        this.#lose(
          executor.id,
          'heartbeatTimeout',
          `no heartbeat for ${Math.round(silentFor)} ms (timeout ${this.#options.heartbeatTimeoutMs} ms)`,
        );
      }
    }
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#listener = null;
    for (const executor of this.#executors.values()) {
      executor.markGone();
      executor.api[Comlink.releaseProxy]();
      executor.worker.terminate();
      for (const launch of executor.pending)
        launch.resolve(lostResult(launch.task, executor.id, 'killed', 'the engine stopped'));
    }
    this.#executors.clear();
  }
}

function lostResult(
  task: TaskDescription,
  executorId: ExecutorId,
  cause: ExecutorLossCause,
  message: string,
): TaskResult {
  return {
    status: 'failed',
    taskId: task.taskId,
    executorId,
    reason: { kind: 'executorLost', executorId, cause, message },
    metrics: noMetrics,
  };
}
