import type { AppId, ExecutorId, ExecutorLossCause, Heartbeat, TaskDescription, TaskResult } from '../protocol';

export interface BackendListener {
  executorAdded(executorId: ExecutorId, reason: string): void;
  /** Called once per lost executor, before the results of its running tasks arrive as failures. */
  executorLost(executorId: ExecutorId, cause: ExecutorLossCause, reason: string): void;
  heartbeat(heartbeat: Heartbeat): void;
}

/**
 * Where tasks run. The real one is a pool of Web Workers; scheduler tests use a scripted in-process one.
 * `launch` always settles with a TaskResult: an executor that dies mid-task yields an executorLost failure.
 */
export interface ExecutorBackend {
  /** Starts the executors; they write blocks under `app` (the context's application id). */
  start(listener: BackendListener, app: AppId): void;
  liveExecutors(): ExecutorId[];
  launch(executorId: ExecutorId, task: TaskDescription): Promise<TaskResult>;
  /** Removes an executor at once (the user's kill, or the heartbeat receiver's verdict). */
  kill(executorId: ExecutorId, cause: ExecutorLossCause, reason: string): void;
  addExecutor(reason: string): ExecutorId;
  /** Stops one running task (the loser of a speculative race); it then settles as a `killed` failure. */
  killTask(executorId: ExecutorId, taskId: number, reason: string): void;
  /**
   * Drops persist('memory') partitions held inside executors: from every executor, or only from `owner`.
   * Their metadata is the block master's; this frees the executors' memory.
   */
  dropMemoryBlocks(ids: string[], owner?: ExecutorId): Promise<void>;
  /**
   * Chaos: the executor closes itself without a word ('close') or spins forever ('hang'), so that only
   * missing heartbeats can reveal it. Unknown ids are ignored.
   */
  silence(executorId: ExecutorId, how: 'close' | 'hang'): void;
  stop(): Promise<void>;
}
