import { describe, expect, it } from 'vitest';
import { shipFunction } from './shipFunction';
import { CapturedVariableError } from './errors';

const compile = (source: string) => new Function('__name', `return (${source});`)((f: unknown) => f);

describe('shipFunction', () => {
  it('ships a pure arrow function whose compiled copy behaves the same', () => {
    const shipped = shipFunction((line: string) => line.split(/\s+/).filter((w) => w !== ''), 'flatMap (rdd 1)');
    expect(compile(shipped.source)('a  b c')).toEqual(['a', 'b', 'c']);
  });

  it('names a captured variable and says how to pass it', () => {
    const factor = 3;
    let error: unknown;
    try {
      shipFunction((x: number) => x * factor, 'map (rdd 2)');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CapturedVariableError);
    expect((error as Error).message).toContain("uses 'factor'");
    expect((error as Error).message).toContain('params');
  });

  it('allows locals, parameters, destructuring and standard globals', () => {
    const shipped = shipFunction(([w, n]: [string, number], p: { k: number }) => {
      const doubled = n * 2;
      return Math.max(doubled, p.k, JSON.stringify(w).length);
    }, 'map');
    expect(compile(shipped.source)(['ab', 5], { k: 1 })).toBe(10);
  });

  it('accepts function expressions and method shorthand', () => {
    const obj = {
      twice(x: number) {
        return x * 2;
      },
    };
    expect(compile(shipFunction(obj.twice, 'map').source)(4)).toBe(8);
    expect(
      compile(
        shipFunction(function (x: number) {
          return x + 1;
        }, 'map').source,
      )(1),
    ).toBe(2);
  });

  it('rejects built-in functions with advice', () => {
    expect(() => shipFunction(Math.abs, 'map')).toThrow(/wrap it in an arrow function/);
  });
});
