/**
 * Broadcast variables and accumulators reach a task inside a function's `params` as these plain markers
 * (the driver's handle objects cannot be structured-cloned); the executor swaps each marker for the
 * worker-side handle: a read-only `{ value }`, or an `add(x)` that records the task's updates.
 */
export type HandleMarker =
  | { readonly __emberflowHandle: 'broadcast'; readonly id: number }
  /** `valueType`: what the accumulator holds, so a task adding the other type fails at its add(). */
  | { readonly __emberflowHandle: 'accumulator'; readonly id: number; readonly valueType: 'number' | 'bigint' };

export function isHandleMarker(value: unknown): value is HandleMarker {
  return (
    typeof value === 'object' &&
    value !== null &&
    ((value as HandleMarker).__emberflowHandle === 'broadcast' ||
      (value as HandleMarker).__emberflowHandle === 'accumulator') &&
    typeof (value as HandleMarker).id === 'number'
  );
}

/**
 * A copy of `value` with `replace(v)` substituted wherever it returns something other than `value`
 * itself, looking inside arrays and plain objects only (params are plain data); unchanged parts are
 * shared, and a value with nothing replaced is returned as it is.
 */
export function replaceDeep(value: unknown, replace: (v: unknown) => unknown): unknown {
  const swapped = replace(value);
  if (swapped !== value) return swapped;
  if (Array.isArray(value)) {
    let out: unknown[] | null = null;
    value.forEach((item, i) => {
      const next = replaceDeep(item, replace);
      if (next !== item) (out ??= [...value])[i] = next;
    });
    return out ?? value;
  }
  if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    let out: Record<string, unknown> | null = null;
    for (const [k, item] of Object.entries(value)) {
      const next = replaceDeep(item, replace);
      if (next !== item) {
        out ??= { ...(value as Record<string, unknown>) };
        Object.defineProperty(out, k, { value: next, enumerable: true, writable: true, configurable: true });
      }
    }
    return out ?? value;
  }
  return value;
}

/** The ids of the broadcast markers inside `value`. */
export function broadcastIds(value: unknown): number[] {
  const ids: number[] = [];
  replaceDeep(value, (v) => {
    if (isHandleMarker(v) && v.__emberflowHandle === 'broadcast') ids.push(v.id);
    return v;
  });
  return ids;
}
