import type { ShippedFunction } from '../protocol/plan';
import { TaskFailure, errorMessage } from './taskFailure';

export type UserFunction = (...args: unknown[]) => unknown;

export interface CompiledFunction {
  fn: UserFunction;
  operator: string;
  params: unknown;
}

// Tasks of one stage ship the same sources, so compiling once per worker per source is once per stage.
const cache = new Map<string, UserFunction>();
const MAX_CACHED = 1000;
// Bundlers with keepNames wrap functions in __name(fn, "name"); give shipped source a harmless one.
const nameShim = <T>(fn: T): T => fn;

function compile(shipped: ShippedFunction): UserFunction {
  const key = shipped.operator + '\u0000' + shipped.source;
  let fn = cache.get(key);
  if (fn) return fn;
  let compiled: unknown;
  try {
    compiled = new Function('__name', `"use strict"; return (${shipped.source});`)(nameShim);
  } catch (error) {
    throw new TaskFailure({
      kind: 'exception',
      operator: shipped.operator,
      message: `The function of ${shipped.operator} could not be compiled in the worker: ${errorMessage(error)}`,
    });
  }
  if (typeof compiled !== 'function') {
    throw new TaskFailure({
      kind: 'exception',
      operator: shipped.operator,
      message: `The source shipped for ${shipped.operator} is not a function.`,
    });
  }
  fn = compiled as UserFunction;
  if (cache.size >= MAX_CACHED) cache.clear();
  cache.set(key, fn);
  return fn;
}

export function compileFunctions(functions: readonly ShippedFunction[]): CompiledFunction[] {
  return functions.map((f) => ({ fn: compile(f), operator: f.operator, params: f.params }));
}
