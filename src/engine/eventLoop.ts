/** Where a handler's events go: held while it runs, delivered once it has finished (see EventBus). */
export interface HeldDelivery {
  deliverAfter(fn: () => void): void;
}

/**
 * Spark's DAGSchedulerEventProcessLoop, on the one thread a tab has: the scheduler's handlers (a job
 * submitted or cancelled, a task's result, a worker added or lost, failed stages resubmitted) run one at
 * a time, each to its end. A call that arrives while one runs (from a listener of the events it emits)
 * is queued and runs right after it, and a handler's events reach listeners only once it has finished:
 * no listener can observe, or re-enter, a half-updated scheduler.
 *
 * When nothing runs, `post` handles the call at once, so a caller finds the state changed when `post`
 * returns (the page and tests rely on that, e.g. a job's stages exist right after runJob).
 */
export class EventLoop {
  readonly #delivery: HeldDelivery;
  readonly #queue: (() => void)[] = [];
  #running = false;

  constructor(delivery: HeldDelivery) {
    this.#delivery = delivery;
  }

  post(handler: () => void): void {
    this.#queue.push(handler);
    if (this.#running) return;
    this.#running = true;
    let failure: { error: unknown } | null = null;
    try {
      for (let next = this.#queue.shift(); next; next = this.#queue.shift()) {
        try {
          this.#delivery.deliverAfter(next);
        } catch (error) {
          // A handler's bug must not wedge the loop: the queued calls still run; the first error is
          // thrown to the outermost caller, as it would have been without the queue.
          failure ??= { error };
        }
      }
    } finally {
      this.#running = false;
    }
    if (failure) throw failure.error;
  }

  /** Whether a handler is running (calls made now are queued behind it). */
  get busy(): boolean {
    return this.#running;
  }
}
