import type { ExecutorId, HandleMarker, ShippedFunction } from '../protocol';
import { broadcastIds, replaceDeep } from '../protocol/handles';
import { InvalidArgumentError } from './errors';
import { assertSendable } from './assertSendable';

/**
 * A read-only value shipped once to each worker that runs a task using it (Spark's Broadcast). Pass it
 * in a function's `{ params }` and read `p.b.value` inside the function; on the driver `value` is the
 * value given to ctx.broadcast().
 */
export class Broadcast<T> {
  constructor(
    readonly id: number,
    readonly value: T,
  ) {}
}

/**
 * A sum the driver reads (Spark's LongAccumulator/DoubleAccumulator). Pass it in `{ params }`; tasks
 * call `p.acc.add(x)`. Updates made in a task count once, when the task set accepts the task's first
 * successful copy: retried, speculated and failed copies add nothing. (As in Spark, a map stage that
 * is run again for lost shuffle output adds its updates again; inside actions they count exactly once.)
 */
export class Accumulator<T extends number | bigint> {
  #value: T;
  constructor(
    readonly id: number,
    initial: T,
  ) {
    this.#value = initial;
  }

  get value(): T {
    return this.#value;
  }

  /** On the driver, adds at once (as Spark's add on the driver); inside a task, see the class comment. */
  add(x: T): void {
    this.merge(x);
  }

  /** Applied by the engine with a successful task's updates; tasks call add() on their own view. */
  merge(update: number | bigint): void {
    if (typeof update !== typeof this.#value) {
      throw new InvalidArgumentError(
        `accumulator ${this.id} holds a ${typeof this.#value} but a task added a ${typeof update}: add values of one type.`,
      );
    }
    this.#value = ((this.#value as number) + (update as number)) as T;
  }
}

/** What a task description carries and what a successful task reports, for the task scheduler. */
export interface TaskHandles {
  /** Values of the broadcasts the functions use that `executor` has not received yet (then marked sent). */
  broadcastsFor(executor: ExecutorId, functions: readonly ShippedFunction[]): { id: number; value: unknown }[];
  /** Forgets what a lost executor had received. */
  executorLost(executor: ExecutorId): void;
  /** Applies the accumulator updates of a task's accepted success. */
  accumulate(updates: readonly [number, number | bigint][]): void;
}

/** The context's broadcasts and accumulators. */
export class HandleRegistry implements TaskHandles {
  readonly #broadcasts = new Map<number, Broadcast<unknown>>();
  readonly #accumulators = new Map<number, Accumulator<number | bigint>>();
  readonly #sent = new Map<ExecutorId, Set<number>>();
  #next = 0;

  broadcast<T>(value: T): Broadcast<T> {
    const id = this.#next++;
    assertSendable(value, `broadcast ${id}`, 'value');
    const b = new Broadcast(id, value);
    this.#broadcasts.set(id, b);
    return b;
  }

  accumulator(initial: number): Accumulator<number>;
  accumulator(initial: bigint): Accumulator<bigint>;
  accumulator(initial: number | bigint): Accumulator<number | bigint> {
    if (typeof initial !== 'number' && typeof initial !== 'bigint')
      throw new InvalidArgumentError(
        `ctx.accumulator(initial) needs a number or a bigint to add to, got ${typeof initial}.`,
      );
    const a = new Accumulator<number | bigint>(this.#next++, initial);
    this.#accumulators.set(a.id, a);
    return a;
  }

  broadcastsFor(executor: ExecutorId, functions: readonly ShippedFunction[]): { id: number; value: unknown }[] {
    let sent = this.#sent.get(executor);
    const out: { id: number; value: unknown }[] = [];
    for (const f of functions) {
      for (const id of broadcastIds(f.params)) {
        if (sent?.has(id)) continue;
        const b = this.#broadcasts.get(id);
        if (!b) continue;
        out.push({ id, value: b.value });
        (sent ??= new Set()).add(id);
        this.#sent.set(executor, sent);
      }
    }
    return out;
  }

  executorLost(executor: ExecutorId): void {
    this.#sent.delete(executor);
  }

  accumulate(updates: readonly [number, number | bigint][]): void {
    for (const [id, update] of updates) this.#accumulators.get(id)?.merge(update);
  }
}

/** Params with every Broadcast and Accumulator replaced by the marker that travels to the worker. */
export function markHandles(params: unknown): unknown {
  return replaceDeep(params, (v): unknown => {
    if (v instanceof Broadcast) return { __emberflowHandle: 'broadcast', id: v.id } satisfies HandleMarker;
    if (v instanceof Accumulator)
      return {
        __emberflowHandle: 'accumulator',
        id: v.id,
        valueType: typeof v.value === 'bigint' ? 'bigint' : 'number',
      } satisfies HandleMarker;
    return v;
  });
}
