import type {
  BlockInfo,
  ExecutorId,
  ExecutorLossCause,
  TaskDescription,
  TaskFailureReason,
  TaskOutput,
  TaskResult,
} from '../protocol';
import type { BackendListener, ExecutorBackend } from '../engine/backend';

export interface Launched {
  task: TaskDescription;
  executorId: ExecutorId;
  resolve: (result: TaskResult) => void;
}

const metrics = { recordsRead: 1, bytesRead: 1, recordsWritten: 1, bytesWritten: 1, durationMs: 1 };

/**
 * A deterministic in-process backend for scheduler tests: tasks wait until the test completes them,
 * so every interleaving (late results, lost executors, stale attempts) can be scripted exactly.
 */
export class ScriptedBackend implements ExecutorBackend {
  readonly running: Launched[] = [];
  readonly launchedAll: Launched[] = [];
  #listener!: BackendListener;
  #live: ExecutorId[] = [];
  #next = 1;
  readonly #initial: number;

  constructor(executors = 2) {
    this.#initial = executors;
  }

  start(listener: BackendListener): void {
    this.#listener = listener;
    for (let i = 0; i < this.#initial; i++) this.addExecutor('initial pool');
  }

  liveExecutors(): ExecutorId[] {
    return [...this.#live];
  }

  addExecutor(reason: string): ExecutorId {
    const id = this.#next++;
    this.#live.push(id);
    this.#listener.executorAdded(id, reason);
    return id;
  }

  launch(executorId: ExecutorId, task: TaskDescription): Promise<TaskResult> {
    return new Promise((resolve) => {
      const launched = { task, executorId, resolve };
      this.running.push(launched);
      this.launchedAll.push(launched);
    });
  }

  kill(executorId: ExecutorId, cause: ExecutorLossCause, reason: string): void {
    this.loseExecutor(executorId, cause, reason, false);
  }

  /** Scripted executors hold no memory blocks: their outputs exist only as reported metadata. */
  async dropMemoryBlocks(): Promise<void> {}

  /** Scripted executors send no heartbeats, so there is nothing to silence: tests script the loss with loseExecutor. */
  silence(): void {}

  /**
   * Declares an executor lost; its running tasks fail with ExecutorLost, unless `inFlight`: then their
   * results were already on their way and the test settles them itself (late completions).
   */
  loseExecutor(
    executorId: ExecutorId,
    cause: ExecutorLossCause = 'killed',
    reason = 'killed by the test',
    replace = false,
    inFlight = false,
  ): void {
    if (!this.#live.includes(executorId)) return;
    this.#live = this.#live.filter((e) => e !== executorId);
    this.#listener.executorLost(executorId, cause, reason);
    if (!inFlight) {
      for (const l of this.running.filter((r) => r.executorId === executorId)) {
        this.#settle(l, {
          status: 'failed',
          taskId: l.task.taskId,
          executorId,
          reason: { kind: 'executorLost', executorId, cause, message: reason },
          metrics,
        });
      }
    }
    if (replace) this.addExecutor(`replaces worker ${executorId}`);
  }

  /** Tasks killed through killTask (speculation losers), by task id. */
  readonly killed: number[] = [];

  killTask(_executorId: ExecutorId, taskId: number, reason: string): void {
    const l = this.running.find((r) => r.task.taskId === taskId);
    if (!l) return;
    this.killed.push(taskId);
    this.fail(l, { kind: 'killed', message: `Killed: ${reason}.` });
  }

  async stop(): Promise<void> {}

  /** Running tasks of a stage (optionally one attempt), in launch order. */
  tasksOf(stageId: number, stageAttempt?: number): Launched[] {
    return this.running.filter(
      (l) => l.task.stageId === stageId && (stageAttempt === undefined || l.task.stageAttempt === stageAttempt),
    );
  }

  find(stageId: number, partition: number, stageAttempt?: number): Launched {
    const l = this.running.find(
      (r) =>
        r.task.stageId === stageId &&
        r.task.partition === partition &&
        (stageAttempt === undefined || r.task.stageAttempt === stageAttempt),
    );
    if (!l)
      throw new Error(
        `No running task for stage ${stageId} partition ${partition}${stageAttempt === undefined ? '' : ` attempt ${stageAttempt}`}; running: ${this.describe()}`,
      );
    return l;
  }

  describe(): string {
    return (
      this.running
        .map((l) => `${l.task.stageId}.${l.task.stageAttempt}:p${l.task.partition}@${l.executorId}`)
        .join(' ') || '(none)'
    );
  }

  #settle(l: Launched, result: TaskResult): void {
    const i = this.running.indexOf(l);
    if (i >= 0) this.running.splice(i, 1);
    l.resolve(result);
  }

  /** Completes a task successfully; map tasks write one byte for every reducer unless sizes are given. */
  succeed(l: Launched, output?: TaskOutput, checksum = 0, blocks: BlockInfo[] = []): void {
    const sink = l.task.sink;
    const out: TaskOutput =
      output ??
      (sink.kind === 'shuffleWrite'
        ? { kind: 'mapOutput', sizes: new Array<number>(sink.numReducers).fill(1) }
        : { kind: 'count', count: 1 });
    this.#settle(l, {
      status: 'success',
      taskId: l.task.taskId,
      executorId: l.executorId,
      output: out,
      blocks,
      checksum,
      metrics,
    });
  }

  fail(l: Launched, reason: TaskFailureReason): void {
    this.#settle(l, { status: 'failed', taskId: l.task.taskId, executorId: l.executorId, reason, metrics });
  }

  fetchFailed(l: Launched, shuffleId: number, mapPartition: number, owner: ExecutorId | null): void {
    this.fail(l, {
      kind: 'fetchFailed',
      shuffleId,
      mapPartition,
      reducePartition: l.task.partition,
      owner,
      message: 'block missing',
    });
  }
}

/** Lets pending promise callbacks (task results → scheduler) run. */
export async function flush(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}
