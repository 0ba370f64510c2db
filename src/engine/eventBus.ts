import type { EngineEvent, ExecutorId, StoredEventChunk } from '../protocol';
import type { EventSource, Listener } from './api';
import { sparkEventLog, sparkEventLogFileName, type SparkEventLogFile } from './sparkEventLog';

type Payload = EngineEvent extends infer E ? (E extends EngineEvent ? Omit<E, 'time'> : never) : never;

/** Where past runs' events go: IndexedDB in the browser (see storage/eventHistory.ts), Maps in tests. */
export interface EventArchive {
  saveEventChunk(chunk: StoredEventChunk): Promise<void>;
  eventChunksOf(session: string): Promise<StoredEventChunk[]>;
  pruneEventRuns(runsKept: number): Promise<void>;
}

export interface EventHistoryOptions {
  /** Past runs whose events the archive keeps (all sessions together). */
  runsKept: number;
  /** Events held in memory before they are written out as a chunk, even in the middle of a run. */
  chunkEvents?: number;
  /** The engine's application id: each run's Spark event log gets `<app>-<run>` as its App ID. */
  app?: string;
}

/** The events of one run, oldest first. */
interface RunEvents {
  run: number;
  events: EngineEvent[];
  ended: boolean;
}

const DEFAULT_CHUNK_EVENTS = 5_000;

/**
 * One typed bus for every engine event; listeners are called synchronously in emission order.
 *
 * History: the events of the current run (a top-level action, with the jobs it runs) stay in memory,
 * at most `chunkEvents` of them; a run's events are written to the archive when it ends (or a chunk at
 * a time while it runs), so that a long session's heap does not grow with its history. Events emitted
 * between runs belong to the next run. Without an archive, history is the current run's only.
 */
export class EventBus implements EventSource {
  readonly #listeners = new Set<Listener>();
  #log: EngineEvent[] = [];
  readonly #start: number;
  readonly #now: () => number;
  readonly #archive: EventArchive | null;
  readonly #runsKept: number;
  readonly #chunkEvents: number;
  readonly #app: string;
  /** Wall-clock time (ms since 1970) of event time 0. */
  readonly #timeOrigin = Date.now();
  /** Names this bus's records among other engines' in the same database. */
  readonly #session = crypto.randomUUID();
  /** Top-level actions in flight: a run starts when the first begins and ends when the last ends. */
  #depth = 0;
  #run = 0;
  #chunk = 0;
  #runStartedAt = Date.now();
  /** Archive writes in order; an export waits for them. */
  #writes: Promise<void> = Promise.resolve();
  /** Events emitted while a scheduler handler runs (see deliverAfter), not yet delivered. */
  #held: Payload[] | null = null;

  constructor(
    now: () => number = () => performance.now(),
    archive: EventArchive | null = null,
    options: EventHistoryOptions = { runsKept: 20 },
  ) {
    this.#now = now;
    this.#start = now();
    this.#archive = archive;
    this.#runsKept = options.runsKept;
    this.#chunkEvents = options.chunkEvents ?? DEFAULT_CHUNK_EVENTS;
    this.#app = options.app ?? 'app-emberflow';
  }

  emit(payload: Payload): void {
    if (this.#held) {
      this.#held.push(payload);
      return;
    }
    const event = { ...payload, time: Math.round(this.#now() - this.#start) } as EngineEvent;
    // Heartbeats are frequent and carry no history worth exporting.
    if (event.type !== 'executor.heartbeat') {
      this.#log.push(event);
      if (this.#log.length >= this.#chunkEvents) this.#writeChunk(false);
    }
    for (const listener of this.#listeners) listener(event);
  }

  /**
   * Runs `fn` with delivery held: what it emits is stamped, kept and delivered in emission order once it
   * has returned (or thrown), so no listener sees, or calls back into, a half-finished handler. Events a
   * listener emits while these are delivered go out at once, as ever. Used by the scheduler's EventLoop.
   */
  deliverAfter(fn: () => void): void {
    if (this.#held) {
      fn(); // already inside a held handler: its events join that handler's
      return;
    }
    const held: Payload[] = [];
    this.#held = held;
    let failure: { error: unknown } | null = null;
    try {
      fn();
    } catch (error) {
      failure = { error };
    } finally {
      this.#held = null;
    }
    // Even after a throw: the events of what the handler did are delivered, and a throwing listener
    // does not swallow the events after it. The first error is the caller's, as with emit.
    for (const payload of held) {
      try {
        this.emit(payload);
      } catch (error) {
        failure ??= { error };
      }
    }
    if (failure) throw failure.error;
  }

  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** A top-level action starts; nested and concurrent ones share its run. */
  runStarted(): void {
    if (this.#depth++ > 0) return;
    // Events since the last run ended (workers added, the cleaner's removals) open this run's history.
    if (this.#chunk === 0) this.#runStartedAt = Date.now();
  }

  /** A top-level action ended; when the last one ends, the run's events go to the archive. */
  runEnded(): void {
    if (this.#depth === 0 || --this.#depth > 0) return;
    this.#writeChunk(true);
  }

  /** The events held in memory: the current run's (or its latest chunk's), oldest first. */
  history(): readonly EngineEvent[] {
    return this.#log;
  }

  async exportJsonLines(): Promise<string> {
    const current = this.#log.map((e) => JSON.stringify(e) + '\n').join('');
    if (!this.#archive) return current;
    await this.#writes;
    const stored = await this.#archive.eventChunksOf(this.#session);
    return stored.map((c) => c.lines).join('') + current;
  }

  /**
   * Every kept run that ran a job as a Spark event log of its own (oldest first), each with its own App
   * ID, `<app>-<run>`, so that Spark's History Server keeps them apart. The run still going, if any, is
   * last and has no application end.
   */
  async exportSparkEventLog(): Promise<SparkEventLogFile[]> {
    const logs: SparkEventLogFile[] = [];
    // Workers outlive runs: a run's log lists those alive when it began, as added at its start.
    const alive = new Set<ExecutorId>();
    for (const run of await this.#runs()) {
      const executorsAtStart = [...alive];
      for (const e of run.events) {
        if (e.type === 'executor.added') alive.add(e.executorId);
        if (e.type === 'executor.removed') alive.delete(e.executorId);
      }
      if (!run.events.some((e) => e.type === 'job.submitted')) continue;
      const appId = `${this.#app}-${String(run.run).padStart(4, '0')}`;
      const text = sparkEventLog({
        appId,
        appName: 'Emberflow',
        timeOrigin: this.#timeOrigin,
        events: run.events,
        executorsAtStart,
        ended: run.ended,
      });
      logs.push({ appId, fileName: sparkEventLogFileName(appId), text });
    }
    return logs;
  }

  /** The kept runs' events (read back from the archive) and the current run's, oldest run first. */
  async #runs(): Promise<RunEvents[]> {
    const runs: RunEvents[] = [];
    const runOf = (run: number) => {
      if (runs.at(-1)?.run !== run) runs.push({ run, events: [], ended: run !== this.#run });
      return runs.at(-1)!;
    };
    if (this.#archive) {
      await this.#writes;
      for (const chunk of await this.#archive.eventChunksOf(this.#session)) {
        const events = runOf(chunk.run).events;
        for (const line of chunk.lines.split('\n')) if (line !== '') events.push(JSON.parse(line) as EngineEvent);
      }
    }
    if (this.#log.length > 0) runOf(this.#run).events.push(...this.#log);
    return runs;
  }

  /** Resolves once every chunk handed to the archive so far is stored (or reported lost). */
  settled(): Promise<void> {
    return this.#writes;
  }

  #writeChunk(runEnds: boolean): void {
    const events = this.#log;
    this.#log = [];
    if (this.#archive && events.length > 0) {
      const archive = this.#archive;
      const chunk: StoredEventChunk = {
        key: `${String(this.#runStartedAt).padStart(15, '0')}/${this.#session}/${String(this.#run).padStart(9, '0')}/${String(this.#chunk).padStart(9, '0')}`,
        session: this.#session,
        run: this.#run,
        chunk: this.#chunk,
        startedAt: this.#runStartedAt,
        lines: events.map((e) => JSON.stringify(e) + '\n').join(''),
      };
      const prune = runEnds;
      this.#writes = this.#writes
        .then(() => archive.saveEventChunk(chunk))
        .then(() => (prune ? archive.pruneEventRuns(this.#runsKept) : undefined))
        .catch((e: unknown) => {
          // Said once per lost chunk, through the bus itself: the page's log shows it.
          this.emit({
            type: 'log',
            level: 'warn',
            message: `Could not store the events of run ${chunk.run} in IndexedDB (${String(e)}); the event log download will miss them.`,
          });
        });
      this.#chunk++;
    }
    if (runEnds) {
      this.#run++;
      this.#chunk = 0;
      this.#runStartedAt = Date.now();
    }
  }
}
