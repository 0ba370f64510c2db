import type { EngineEvent, PartitionPlan } from '../protocol';
import { plural } from './describe';

/** The plan a task of (stage, stage attempt, partition) ran, if the task scheduler still knows it. */
export type PlanLookup = (stageId: number, stageAttempt: number, partition: number) => PartitionPlan | undefined;

export type InputNote = { level: 'warn'; message: string; inputId: string };

/**
 * Aggregates what tasks report about their input splits (ill-formed UTF-8 replaced by U+FFFD) per input
 * file and reports each file once per job, when the job ends. A split counts once: the first success
 * of its stage partition; retries, speculative copies and recomputations decode the same bytes again.
 */
export class InputStats {
  readonly #planOf: PlanLookup;
  readonly #note: (note: InputNote) => void;
  readonly #counted = new Set<string>();
  readonly #pending = new Map<string, { fileName: string; invalidUtf8: number }>();

  constructor(planOf: PlanLookup, note: (note: InputNote) => void) {
    this.#planOf = planOf;
    this.#note = note;
  }

  observe(event: EngineEvent): void {
    if (event.type === 'task.ended') {
      const invalid = event.metrics?.invalidUtf8;
      if (event.outcome !== 'success' || !invalid) return;
      const key = `${event.stageId}/${event.partition}`;
      if (this.#counted.has(key)) return;
      const names = fileNames(this.#planOf(event.stageId, event.stageAttempt, event.partition));
      if (names.size === 0) return;
      this.#counted.add(key);
      for (const [inputId, count] of Object.entries(invalid)) {
        const fileName = names.get(inputId);
        if (fileName === undefined) continue;
        const entry = this.#pending.get(inputId) ?? { fileName, invalidUtf8: 0 };
        entry.invalidUtf8 += count;
        this.#pending.set(inputId, entry);
      }
    } else if (event.type === 'job.succeeded' || event.type === 'job.failed') {
      const pending = [...this.#pending];
      this.#pending.clear();
      for (const [inputId, { fileName, invalidUtf8 }] of pending) {
        const what = invalidUtf8 === 1 ? '1 invalid UTF-8 sequence was' : `${plural(invalidUtf8, 'invalid UTF-8 sequence')} were`;
        this.#note({ level: 'warn', inputId, message: `${fileName}: ${what} replaced by U+FFFD.` });
      }
    }
  }
}

/** The names of the input files a task's plan reads, by input id. */
function fileNames(plan: PartitionPlan | undefined): Map<string, string> {
  while (plan && (plan.kind === 'narrow' || plan.kind === 'cached')) plan = plan.parent;
  const splits = plan?.kind === 'textSplit' ? [plan] : plan?.kind === 'textSplits' ? plan.splits : [];
  return new Map(splits.map((s) => [s.inputId, s.fileName]));
}
