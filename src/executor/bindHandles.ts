import { isHandleMarker, replaceDeep } from '../protocol/handles';
import type { CompiledFunction } from './compileFunctions';
import type { TaskEnv } from './taskEnv';
import { TaskFailure } from './taskFailure';

/** A broadcast variable as a task sees it: read-only (its value is deeply frozen). */
export interface BroadcastView {
  readonly value: unknown;
}

/** An accumulator as a task sees it: it can only add; the driver reads the total. */
export interface AccumulatorView {
  add(x: number | bigint): void;
}

/** Freezes a broadcast value once per worker, so a task that mutates it fails instead of diverging. */
function deepFreeze(value: unknown): unknown {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** Keeps the broadcast values shipped with a task: each arrives once per worker and stays there. */
export function receiveBroadcasts(shipped: readonly { id: number; value: unknown }[], env: TaskEnv): void {
  for (const { id, value } of shipped) if (!env.broadcasts.has(id)) env.broadcasts.set(id, deepFreeze(value));
}

/**
 * Replaces the handle markers in each function's params with the worker-side handles. Accumulator adds
 * go into `updates` (id → sum), which reach the driver only with a successful result.
 */
export function bindHandles(
  fns: CompiledFunction[],
  env: TaskEnv,
  updates: Map<number, number | bigint>,
): CompiledFunction[] {
  return fns.map((f) => {
    const params = replaceDeep(f.params, (v) => {
      if (!isHandleMarker(v)) return v;
      if (v.__emberflowHandle === 'broadcast') {
        if (!env.broadcasts.has(v.id)) {
          throw new TaskFailure({
            kind: 'exception',
            operator: f.operator,
            message: `Broadcast variable ${v.id} never reached worker ${env.executorId}; this is an engine bug, please report it.`,
          });
        }
        const view: BroadcastView = Object.freeze({ value: env.broadcasts.get(v.id) });
        return view;
      }
      const { id, valueType } = v;
      const view: AccumulatorView = Object.freeze({
        add(x: number | bigint) {
          if (typeof x !== valueType)
            throw new TypeError(
              `accumulator ${id} holds a ${valueType}: add() got a ${typeof x}; add values of one type.`,
            );
          const old = updates.get(id);
          updates.set(id, old === undefined ? x : (((old as number) + (x as number)) as number | bigint));
        },
      });
      return view;
    });
    return params === f.params ? f : { ...f, params };
  });
}
