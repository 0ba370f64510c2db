/** Base of every error the engine throws at its user: a stable `code` and a message that says what to do. */
export class EmberflowError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'EmberflowError';
    this.code = code;
  }
}

/** A shipped function refers to a variable of its enclosing scope, which a worker cannot see. */
export class CapturedVariableError extends EmberflowError {
  readonly variables: string[];
  constructor(operator: string, variables: string[]) {
    const names = variables.map((v) => `'${v}'`).join(', ');
    super(
      'E_CAPTURED_VARIABLE',
      `The function given to ${operator} uses ${names} from its enclosing scope, but it runs in a Web Worker ` +
        `that cannot see that scope. Pass the value explicitly instead: ` +
        `${operator}((record, params) => ... params.${variables[0]} ..., { params: { ${variables[0]} } }).`,
    );
    this.name = 'CapturedVariableError';
    this.variables = variables;
  }
}

export class InvalidFunctionError extends EmberflowError {
  constructor(operator: string, detail: string) {
    super('E_INVALID_FUNCTION', `The function given to ${operator} cannot be shipped to a worker: ${detail}`);
    this.name = 'InvalidFunctionError';
  }
}

export class InvalidArgumentError extends EmberflowError {
  constructor(message: string) {
    super('E_INVALID_ARGUMENT', message);
    this.name = 'InvalidArgumentError';
  }
}

/** A job ended without a result; `message` is the job's failure reason as the page shows it. */
export class JobFailedError extends EmberflowError {
  readonly jobId: number;
  constructor(jobId: number, reason: string) {
    super('E_JOB_FAILED', reason);
    this.name = 'JobFailedError';
    this.jobId = jobId;
  }
}
