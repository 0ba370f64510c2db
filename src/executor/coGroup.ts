import { UnsupportedKeyError, canonicalKey, checkPrimitiveKey, unsupportedKeyMessage } from '../common/keys';
import { TaskFailure } from './taskFailure';

/**
 * cogroup's table: for each key (by the key equality of keys.ts: primitives through a Map, whose
 * SameValueZero is that equality for them; arrays and objects by their canonical string), one list of
 * values per input. Keys come out in the order first seen, so a recomputed partition is identical.
 */
export class CoGroupTable {
  readonly #primitive = new Map<unknown, unknown[][]>();
  readonly #composite = new Map<string, [unknown, unknown[][]]>();
  readonly #order: [unknown, unknown[][]][] = [];

  constructor(
    readonly inputs: number,
    readonly operator: string,
  ) {}

  add(input: number, record: unknown): void {
    if (!Array.isArray(record) || record.length !== 2) {
      throw new TaskFailure({
        kind: 'exception',
        operator: this.operator,
        message: `${this.operator} needs [key, value] pairs, but input ${input} has ${Array.isArray(record) ? `an array of length ${record.length}` : record === null ? 'null' : typeof record}.`,
      });
    }
    const key: unknown = record[0];
    try {
      this.#lists(key)[input]!.push(record[1]);
    } catch (error) {
      if (!(error instanceof UnsupportedKeyError)) throw error;
      throw new TaskFailure({ kind: 'exception', operator: this.operator, message: unsupportedKeyMessage(key) });
    }
  }

  #lists(key: unknown): unknown[][] {
    if (key !== null && typeof key === 'object') {
      const k = canonicalKey(key);
      const entry = this.#composite.get(k);
      if (entry) return entry[1];
      const fresh: [unknown, unknown[][]] = [key, this.#empty()];
      this.#composite.set(k, fresh);
      this.#order.push(fresh);
      return fresh[1];
    }
    const lists = this.#primitive.get(key);
    if (lists) return lists;
    checkPrimitiveKey(key);
    const fresh = this.#empty();
    this.#primitive.set(key, fresh);
    this.#order.push([key, fresh]);
    return fresh;
  }

  #empty(): unknown[][] {
    return Array.from({ length: this.inputs }, () => []);
  }

  /** [key, [values of input 0, values of input 1, ...]] in the order keys were first seen. */
  entries(): [unknown, unknown[][]][] {
    return this.#order;
  }
}
