import type { EngineEvent } from '../protocol';
import type { EventSource, Listener } from './api';

type Payload = EngineEvent extends infer E ? (E extends EngineEvent ? Omit<E, 'time'> : never) : never;

/** One typed bus for every engine event; listeners are called synchronously in emission order. */
export class EventBus implements EventSource {
  readonly #listeners = new Set<Listener>();
  readonly #log: EngineEvent[] = [];
  readonly #start: number;
  readonly #now: () => number;

  constructor(now: () => number = () => performance.now()) {
    this.#now = now;
    this.#start = now();
  }

  emit(payload: Payload): void {
    const event = { ...payload, time: Math.round(this.#now() - this.#start) } as EngineEvent;
    // Heartbeats are frequent and carry no history worth exporting.
    if (event.type !== 'executor.heartbeat') this.#log.push(event);
    for (const listener of this.#listeners) listener(event);
  }

  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  history(): readonly EngineEvent[] {
    return this.#log;
  }

  exportJsonLines(): string {
    return this.#log.map((e) => JSON.stringify(e)).join('\n') + (this.#log.length ? '\n' : '');
  }
}
