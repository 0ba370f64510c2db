import type { EngineEvent } from '../protocol';
import { plural } from './describe';

export type InputNote = { level: 'warn'; message: string; inputId: string };

/**
 * Aggregates what tasks report about their input files (ill-formed UTF-8 replaced by U+FFFD) per file
 * and reports each file once per job, when the job ends. A split counts once: the first success of its
 * stage partition; retries, speculative copies and recomputations decode the same bytes again.
 *
 * Everything it needs travels in the events themselves (a task's metrics name the files with their
 * counts), so it does not depend on when events are delivered or on what the schedulers still hold.
 */
export class InputStats {
  readonly #note: (note: InputNote) => void;
  readonly #counted = new Set<string>();
  readonly #pending = new Map<string, { fileName: string; invalidUtf8: number }>();

  constructor(note: (note: InputNote) => void) {
    this.#note = note;
  }

  observe(event: EngineEvent): void {
    if (event.type === 'task.ended') {
      const invalid = event.metrics?.invalidUtf8;
      if (event.outcome !== 'success' || !invalid || invalid.length === 0) return;
      const key = `${event.stageId}/${event.partition}`;
      if (this.#counted.has(key)) return;
      this.#counted.add(key);
      for (const { inputId, fileName, count } of invalid) {
        const entry = this.#pending.get(inputId) ?? { fileName, invalidUtf8: 0 };
        entry.invalidUtf8 += count;
        this.#pending.set(inputId, entry);
      }
    } else if (event.type === 'job.succeeded' || event.type === 'job.failed') {
      const pending = [...this.#pending];
      this.#pending.clear();
      for (const [inputId, { fileName, invalidUtf8 }] of pending) {
        const what =
          invalidUtf8 === 1 ? '1 invalid UTF-8 sequence was' : `${plural(invalidUtf8, 'invalid UTF-8 sequence')} were`;
        this.#note({ level: 'warn', inputId, message: `${fileName}: ${what} replaced by U+FFFD.` });
      }
    }
  }
}
