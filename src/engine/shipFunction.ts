import { parseExpressionAt } from 'acorn';
import { analyze } from 'periscopic';
import type { Node } from 'estree';
import type { ShippedFunction } from '../protocol';
import { CapturedVariableError, InvalidFunctionError } from './errors';
import { assertSendable } from './assertSendable';
import { markHandles } from './handles';

/**
 * Names a shipped function may use without capturing anything: the worker's globals that exist in every
 * JavaScript realm, plus `__name`, which esbuild's keepNames injects into function source (the worker
 * defines it as the identity).
 */
const ALLOWED_GLOBALS = new Set([
  'undefined',
  'NaN',
  'Infinity',
  'globalThis',
  'arguments',
  '__name',
  'Object',
  'Array',
  'String',
  'Number',
  'Boolean',
  'Symbol',
  'BigInt',
  'Math',
  'JSON',
  'Date',
  'RegExp',
  'Map',
  'Set',
  'WeakMap',
  'WeakSet',
  'Promise',
  'Error',
  'TypeError',
  'RangeError',
  'SyntaxError',
  'parseInt',
  'parseFloat',
  'isNaN',
  'isFinite',
  'encodeURIComponent',
  'decodeURIComponent',
  'encodeURI',
  'decodeURI',
  'Intl',
  'TextEncoder',
  'TextDecoder',
  'Uint8Array',
  'Int32Array',
  'Uint32Array',
  'Float64Array',
  'ArrayBuffer',
  'DataView',
  'Reflect',
  'console',
  'structuredClone',
  'atob',
  'btoa',
  'crypto',
  'performance',
  'Proxy',
  'WeakRef',
  'AggregateError',
  'EvalError',
  'ReferenceError',
  'URIError',
  'Int8Array',
  'Int16Array',
  'Uint16Array',
  'Uint8ClampedArray',
  'Float32Array',
  'BigInt64Array',
  'BigUint64Array',
  'Atomics',
  'queueMicrotask',
  'Iterator',
]);

/** Turns function source into an expression: method shorthand `f(x) {}` is not one on its own. */
function asExpression(source: string): string {
  if (/^(async\s+)?(function\b|\(|[\w$]+\s*=>)/.test(source)) return source;
  return `({ ${source} })[${JSON.stringify('__m')}]`.replace(/^\(\{ ([\w$]+)/, '({ __m');
}

/**
 * Prepares a user function for a worker: checks, when the transformation is declared, that it uses no
 * variable of its enclosing scope and that its params can be sent to a worker, and returns its source.
 */
export function shipFunction(fn: unknown, operator: string, params: unknown = undefined): ShippedFunction {
  if (typeof fn !== 'function') throw new InvalidFunctionError(operator, `expected a function, got ${typeof fn}.`);
  const raw = Function.prototype.toString.call(fn);
  if (/\{\s*\[native code\]\s*\}$/.test(raw)) {
    throw new InvalidFunctionError(
      operator,
      `${fn.name || 'it'} is a built-in or bound function; wrap it in an arrow function, e.g. (x) => ${fn.name || 'f'}(x).`,
    );
  }
  const source = asExpression(raw);
  let ast: Node;
  try {
    ast = parseExpressionAt(source, 0, { ecmaVersion: 'latest' }) as unknown as Node;
  } catch (e) {
    throw new InvalidFunctionError(operator, `its source could not be parsed (${(e as Error).message}).`);
  }
  const { globals } = analyze(ast);
  const captured = [...globals.keys()].filter((name) => !ALLOWED_GLOBALS.has(name));
  if (captured.length > 0) throw new CapturedVariableError(operator, captured);
  // Broadcasts and accumulators travel as markers the worker swaps for its own handles.
  const sent = markHandles(params);
  // Like Spark's "Task not serializable": found now, not after four failed attempts of every task.
  assertSendable(sent, operator, 'params');
  return { operator, source, params: sent };
}
