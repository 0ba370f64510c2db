/** Where a bad value was found before any task ran: its path (e.g. "params.lookup.f") and what to do. */
export interface UnsendableAt {
  path: string;
  advice: string;
}

/**
 * A value cannot cross the worker boundary or be stored in a block: a record a task produced (found at
 * run time), or, with `at`, a transformation's params or parallelize data (found when declared).
 */
export class NotSerializableError extends Error {
  override readonly name = 'NotSerializableError';
  readonly code = 'NOT_SERIALIZABLE';
  readonly path: string | null;

  constructor(
    readonly operator: string,
    readonly valueType: string,
    at?: UnsendableAt,
  ) {
    super(
      at
        ? `${operator}: ${at.path} is ${valueType}, which cannot be sent to a worker; ${at.advice}.`
        : `Record produced by ${operator} cannot be sent between workers: it contains ${valueType}. ` +
            'Return plain data: strings, numbers, booleans, null, arrays and plain objects.',
    );
    this.path = at?.path ?? null;
  }
}

/** Describes an unsupported value for the error message ("a function", "a Map", "an instance of Point"). */
export function describeValueType(value: unknown): string {
  switch (typeof value) {
    case 'function':
      return 'a function';
    case 'symbol':
      return 'a symbol';
    case 'bigint':
      return 'a bigint';
    case 'object': {
      if (value === null) return 'null';
      const proto = Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null;
      const name = proto?.constructor?.name;
      if (!name) return 'an object with an unusual prototype';
      if (value instanceof Map || value instanceof Set || value instanceof Date) return `a ${name}`;
      return `${/^[AEIOU]/.test(name) ? 'an' : 'a'} ${name} instance`;
    }
    default:
      return `a ${typeof value}`;
  }
}
