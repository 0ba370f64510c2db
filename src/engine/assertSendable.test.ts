import { describe, expect, it } from 'vitest';
import { assertSendable } from './assertSendable';
import { NotSerializableError } from '../common/notSerializableError';

class Point {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}
  norm(): number {
    return Math.hypot(this.x, this.y);
  }
}

function errorOf(value: unknown, root = 'params'): NotSerializableError | null {
  try {
    assertSendable(value, 'map (rdd 3)', root);
    return null;
  } catch (e) {
    if (e instanceof NotSerializableError) return e;
    throw e;
  }
}

describe('assertSendable', () => {
  it('names the operator and the path of a function, with what to do', () => {
    const e = errorOf({ lookup: { f: () => 1 } });
    expect(e?.message).toBe(
      'map (rdd 3): params.lookup.f is a function, which cannot be sent to a worker; pass data, not functions (define a helper inside the function itself).',
    );
    expect(e?.path).toBe('params.lookup.f');
    expect(e?.code).toBe('NOT_SERIALIZABLE');
  });

  it('spells array indexes, odd keys, Map entries and Set elements in the path', () => {
    expect(errorOf([1, 2, { cb: () => 0 }], 'data')?.path).toBe('data[2].cb');
    expect(errorOf({ 'a b': [Symbol('s')] })?.path).toBe('params["a b"][0]');
    expect(errorOf({ m: new Map([['k', { g: () => 0 }]]) })?.path).toBe('params.m.get("k").g');
    expect(errorOf({ m: new Map([[() => 0, 1]]) })?.path).toBe('params.m (a key of the Map)');
    expect(errorOf({ s: new Set([1, () => 0]) })?.path).toBe('params.s (an element of the Set)');
    expect(errorOf(() => 0)?.path).toBe('params');
  });

  it('rejects symbols and class instances, whose methods structured clone would drop', () => {
    expect(errorOf({ tag: Symbol('t') })?.message).toBe(
      'map (rdd 3): params.tag is a symbol, which cannot be sent to a worker; use a string instead.',
    );
    const e = errorOf({ origin: new Point(1, 2) });
    expect(e?.message).toMatch(
      /^map \(rdd 3\): params\.origin is a Point instance, which cannot be sent to a worker; pass plain data instead/,
    );
    // What would happen otherwise: the clone arrives without its class.
    expect(Object.getPrototypeOf(structuredClone(new Point(1, 2)))).toBe(Object.prototype);
    class Tagged extends Array {}
    expect(errorOf({ list: new Tagged() })?.path).toBe('params.list');
    expect(errorOf({ w: new WeakMap() })?.message).toContain('params.w is a WeakMap instance');
  });

  it('accepts everything structured clone copies faithfully, cycles included', () => {
    const cyclic: Record<string, unknown> = { name: 'root' };
    cyclic.self = cyclic;
    const shared = { n: 1 };
    const fine: unknown[] = [
      undefined,
      null,
      0,
      -0,
      NaN,
      12n,
      'text',
      true,
      [1, [2, [3]], undefined, 4],
      { a: { b: { c: 'deep' } } },
      Object.assign(Object.create(null) as object, { bare: 1 }),
      new Map<unknown, unknown>([[{ k: 1 }, new Set([1, 'x'])]]),
      new Set(['the', 'a']),
      new Date(0),
      /re/g,
      new Uint8Array([1, 2]),
      new Float64Array(2),
      new ArrayBuffer(4),
      new DataView(new ArrayBuffer(2)),
      new RangeError('r'),
      Object(1n),
      new String('s'),
      cyclic,
      [shared, shared],
    ];
    for (const [i, value] of fine.entries()) {
      expect(errorOf({ value }), `value ${i}`).toBeNull();
      // The contract mirrored: structured clone takes each of these.
      expect(() => structuredClone(value)).not.toThrow();
    }
    // And it refuses what is rejected here for being unclonable.
    for (const value of [() => 0, Symbol('s'), new WeakMap(), Promise.resolve()])
      expect(() => structuredClone(value)).toThrow();
  });

  it('walks nesting deeper than the call stack and finds the one bad record among many', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 12_000; i++) deep = [deep];
    expect(errorOf(deep, 'data')).toBeNull();
    const many: unknown[] = Array.from({ length: 5_000 }, (_, i) => (i % 2 ? i : { i, tags: ['a', 'b'] }));
    expect(errorOf(many, 'data')).toBeNull();
    many.push({ i: -1, tags: ['a', () => 0] });
    expect(errorOf(many, 'data')?.path).toBe('data[5000].tags[1]');
  });
});
