import type { Aggregation } from '../protocol/plan';
import type { CompiledFunction } from './compileFunctions';
import { userFailure } from './taskFailure';

/**
 * Merges values per key. Primitive keys use a Map directly (SameValueZero: 1 and "1" differ);
 * arrays and objects are keyed by their JSON text. Insertion order is kept, so output is deterministic.
 */
export class KeyedAggregator {
  private readonly primitive = new Map<unknown, unknown>();
  private readonly composite = new Map<string, [unknown, unknown]>();
  private readonly merge: (acc: unknown, value: unknown) => unknown;
  private readonly init: (value: unknown) => unknown;

  constructor(aggregation: Aggregation, reduceFn: CompiledFunction | null) {
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
      case 'reduce': {
        const f = reduceFn!;
        this.init = (v) => v;
        this.merge = (a, v) => {
          try {
            return f.fn(a, v, f.params);
          } catch (error) {
            throw userFailure(f.operator, error);
          }
        };
        break;
      }
    }
  }

  add(key: unknown, value: unknown): void {
    if (key !== null && typeof key === 'object') {
      const k = JSON.stringify(key);
      const entry = this.composite.get(k);
      if (entry) entry[1] = this.merge(entry[1], value);
      else this.composite.set(k, [key, this.init(value)]);
      return;
    }
    const prim = this.primitive;
    if (prim.has(key)) prim.set(key, this.merge(prim.get(key), value));
    else prim.set(key, this.init(value));
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

  entries(): [unknown, unknown][] {
    const out: [unknown, unknown][] = [];
    this.primitive.forEach((v, k) => out.push([k, v]));
    this.composite.forEach((e) => out.push([e[0], e[1]]));
    return out;
  }
}
