import type { TaskFailureReason } from '../protocol/task';

/** Carries a typed failure reason up through the pipeline to runTask, which returns it as data. */
export class TaskFailure extends Error {
  override readonly name = 'TaskFailure';
  constructor(readonly reason: TaskFailureReason) {
    super(reason.message);
  }
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  try {
    return `${JSON.stringify(error)} was thrown`;
  } catch {
    return `${String(error)} was thrown`;
  }
}

/** A user function threw: keep the user's message and say which operator it was. */
export function userFailure(operator: string, error: unknown): TaskFailure {
  if (error instanceof TaskFailure) return error;
  return new TaskFailure({ kind: 'exception', operator, message: errorMessage(error) });
}
