import type { EngineEvent, UiEngine } from './engineTypes';
import type { ViewStore } from './store/createViewStore';

export type EngineFactory = (workers: number) => UiEngine;

/**
 * Owns the engine context the page talks to. The worker count is fixed when a context starts, so
 * changing it stops the old context and starts a new one; every such switch is serialised so two
 * quick changes never leave two pools running.
 */
export class EngineSession {
  #engine: UiEngine;
  #workers: number;
  #unsubscribe: () => void;
  #switching: Promise<UiEngine>;
  /** The page shows events that did not come from this engine (an opened Spark log) until the next run. */
  #showingImported = false;
  readonly #store: ViewStore;
  readonly #factory: EngineFactory;

  constructor(store: ViewStore, factory: EngineFactory, workers: number) {
    this.#store = store;
    this.#factory = factory;
    this.#workers = workers;
    this.#engine = factory(workers);
    this.#unsubscribe = this.#attach(this.#engine);
    this.#switching = Promise.resolve(this.#engine);
  }

  /** The current context (possibly about to be replaced; prefer `withWorkers` before a job). */
  get engine(): UiEngine {
    return this.#engine;
  }

  get workers(): number {
    return this.#workers;
  }

  /** Resolve to a context with this many workers, restarting the pool if the count differs. */
  withWorkers(workers: number): Promise<UiEngine> {
    this.#switching = this.#switching.then(async (current) => {
      if (workers === this.#workers) {
        if (this.#showingImported) this.#unsubscribe = this.#attach(current);
        return current;
      }
      this.#unsubscribe();
      await current.stop().catch(() => undefined);
      this.#workers = workers;
      this.#engine = this.#factory(workers);
      this.#unsubscribe = this.#attach(this.#engine);
      return this.#engine;
    });
    return this.#switching;
  }

  async stop(): Promise<void> {
    const current = await this.#switching;
    this.#unsubscribe();
    await current.stop();
  }

  /**
   * Show another application's events (an opened Spark event log) instead of this engine's: the engine
   * keeps running, but its events (heartbeats, …) stay off the page until the next run starts.
   */
  showImported(events: readonly EngineEvent[]): void {
    this.#unsubscribe();
    this.#unsubscribe = () => undefined;
    this.#showingImported = true;
    this.#store.reset();
    for (const event of events) this.#store.push(event);
    this.#store.flush();
  }

  #attach(engine: UiEngine): () => void {
    this.#showingImported = false;
    this.#store.reset({ executors: engine.executors(), blocks: engine.blocks() });
    return engine.events.subscribe((event) => this.#store.push(event));
  }
}
