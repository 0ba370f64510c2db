// The sentences an imported Spark log adds to the page, in the engine's voice (src/engine/describe.ts
// holds the engine's own). Spark's executors keep their names here ("executor driver", "executor 2").

export const executorName = (executor: string) => `executor ${executor}`;

/** The last non-empty line of Spark's exception text: for a Python task, the exception itself. */
export function lastLine(text: string): string {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/^SQLSTATE: \w+$/.test(l));
  return lines.at(-1) ?? text;
}

export interface FetchFailure {
  stageId: number;
  stageAttempt: number;
  shuffleId: number;
  mapIndex: number;
  reduceId: number;
  executor: string | null;
}

const where = (f: FetchFailure) => (f.executor === null ? '' : ` on ${executorName(f.executor)}`);

/** "the output of shuffle 1 (map 0, reduce 2) on executor driver" */
export const missingOutput = (f: FetchFailure) =>
  `the output of shuffle ${f.shuffleId} (map ${f.mapIndex}, reduce ${f.reduceId})${where(f)}`;

/** What a stage attempt that failed on a fetch says, before Spark's own failure text. */
export const fetchFailedStage = (f: FetchFailure, sparkReason: string | null) =>
  `FetchFailed: ${missingOutput(f)} is missing.${sparkReason ? ` Spark: ${firstLine(sparkReason)}` : ''}`;

/** The first line of a Java stack trace: the exception and its message. */
export const firstLine = (text: string) => text.split('\n', 1)[0]!.trim();

/** Why Spark ran another attempt of a stage, from what the log says happened before it. */
export function explainResubmission(
  stage: { stageId: number; attempt: number; tasks: number; partitions: number; shuffleId: number | null },
  cause:
    | { kind: 'fetch'; failure: FetchFailure }
    | { kind: 'executorLost'; executor: string; reason: string }
    | { kind: 'unknown' },
): string {
  const ran = `Stage ${stage.stageId} attempt ${stage.attempt} re-ran ${stage.tasks} of ${stage.partitions} partitions`;
  const output = (executor: string) =>
    stage.shuffleId === null
      ? `its shuffle output on ${executorName(executor)}`
      : `the output of shuffle ${stage.shuffleId} on ${executorName(executor)}`;
  switch (cause.kind) {
    case 'fetch': {
      const f = cause.failure;
      const by = `stage ${f.stageId} attempt ${f.stageAttempt}`;
      if (f.stageId === stage.stageId) {
        return `${ran} because attempt ${f.stageAttempt} could not read its input: ${missingOutput(f)} was lost (FetchFailed), and Spark recomputed it first.`;
      }
      if (f.executor === null) {
        return `${ran} because ${by} could not fetch shuffle ${f.shuffleId} (FetchFailed).`;
      }
      if (stage.shuffleId === f.shuffleId) {
        return `${ran} because ${output(f.executor)} was lost: ${by} could not fetch it (FetchFailed, map ${f.mapIndex}, reduce ${f.reduceId}).`;
      }
      return `${ran} because ${output(f.executor)} was given up as lost: ${by} could not fetch shuffle ${f.shuffleId} from ${executorName(f.executor)} (FetchFailed), and Spark then drops every shuffle output of that executor.`;
    }
    case 'executorLost':
      return `${ran} because ${output(cause.executor)} was lost when ${executorName(cause.executor)} was lost (${cause.reason}).`;
    case 'unknown':
      return `${ran}; the log does not say why Spark resubmitted it.`;
  }
}
