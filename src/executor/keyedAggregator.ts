import type { Aggregation } from '../protocol/plan';
import type { CompiledFunction } from './compileFunctions';
import { canonicalKey, checkPrimitiveKey } from '../common/keys';
import { userFailure } from './taskFailure';

/**
 * Merges values per key, in place, with the key equality of keys.ts. Primitive keys use a Map directly
 * (its SameValueZero is that equality for them: NaN is one key, -0 is 0, 1n is not 1, strings by code
 * units); arrays and objects are keyed by their canonical string. Insertion order is kept (primitive
 * keys first, then composite ones), so output is deterministic. An unsupported key throws
 * UnsupportedKeyError; a primitive one is checked only when first seen, off the hot path.
 */
export class KeyedAggregator {
  private readonly primitive = new Map<unknown, unknown>();
  private readonly composite = new Map<string, [unknown, unknown]>();
  private readonly merge: (acc: unknown, value: unknown) => unknown;
  private readonly init: (value: unknown) => unknown;
  /** Adds one value under its key. Specialized per aggregation when constructed. */
  readonly add: (key: unknown, value: unknown) => void;

  /** `fnOf` gives the task's compiled function for a reference (reduce and combine aggregations). */
  constructor(aggregation: Aggregation, fnOf: (ref: number) => CompiledFunction) {
    const prim = this.primitive;
    switch (aggregation.kind) {
      case 'sum':
        this.init = (v) => v;
        this.merge = (a, v) => (a as number) + (v as number);
        break;
      case 'first':
        this.init = (v) => v;
        this.merge = (a) => a;
        break;
      case 'group':
        this.init = (v) => [v];
        this.merge = (a, v) => {
          (a as unknown[]).push(v);
          return a;
        };
        break;
      case 'combine': {
        const merge = fnOf(aggregation.merge);
        const call = (f: CompiledFunction, ...args: unknown[]): unknown => {
          try {
            return f.fn(...args, f.params);
          } catch (error) {
            throw userFailure(f.operator, error);
          }
        };
        const first = aggregation.first;
        if ('zero' in first) {
          const zero = first.zero;
          // Each key's own copy: a merge that mutates its accumulator never touches another key's.
          this.init = (v) => call(merge, structuredClone(zero), v);
        } else {
          const create = fnOf(first.create);
          this.init = (v) => call(create, v);
        }
        this.merge = (a, v) => call(merge, a, v);
        break;
      }
      case 'reduce': {
        const { fn, params, operator } = fnOf(aggregation.fn);
        this.init = (v) => v;
        this.merge = (a, v) => {
          try {
            return fn(a, v, params);
          } catch (error) {
            throw userFailure(operator, error);
          }
        };
        // The hot path of reduceByKey(fn): one lookup for a key seen before, the user function inline.
        this.add = (key, value) => {
          if (key !== null && typeof key === 'object') return this.addComposite(key, value);
          const old = prim.get(key);
          if (old === undefined && !prim.has(key)) {
            checkPrimitiveKey(key);
            prim.set(key, value);
            return;
          }
          let merged: unknown;
          try {
            merged = fn(old, value, params);
          } catch (error) {
            throw userFailure(operator, error);
          }
          prim.set(key, merged);
        };
        return;
      }
    }
    const { init, merge } = this;
    this.add = (key, value) => {
      if (key !== null && typeof key === 'object') return this.addComposite(key, value);
      const old = prim.get(key);
      if (old === undefined && !prim.has(key)) {
        checkPrimitiveKey(key);
        prim.set(key, init(value));
      } else prim.set(key, merge(old, value));
    };
  }

  private addComposite(key: object, value: unknown): void {
    const k = canonicalKey(key);
    const entry = this.composite.get(k);
    if (entry) entry[1] = this.merge(entry[1], value);
    else this.composite.set(k, [key, this.init(value)]);
  }

  /** Fast path for word counts: string keys, numeric sums. */
  addCount(word: string, count: number): void {
    const prim = this.primitive as Map<string, number>;
    const old = prim.get(word);
    prim.set(word, old === undefined ? count : old + count);
  }

  get size(): number {
    return this.primitive.size + this.composite.size;
  }

  /** Visits every key with its merged value, in entries() order, without building pairs. */
  forEach(visit: (key: unknown, value: unknown) => void): void {
    this.primitive.forEach((v, k) => visit(k, v));
    this.composite.forEach((e) => visit(e[0], e[1]));
  }

  entries(): [unknown, unknown][] {
    const out: [unknown, unknown][] = new Array(this.size);
    let i = 0;
    this.primitive.forEach((v, k) => (out[i++] = [k, v]));
    this.composite.forEach((e) => (out[i++] = [e[0], e[1]]));
    return out;
  }
}
