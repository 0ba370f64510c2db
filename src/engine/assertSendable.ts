import { NotSerializableError, describeValueType } from '../common/notSerializableError';

/**
 * Built-ins that structured clone (the way a task's params and parallelize data reach a worker) copies
 * with their type intact and whose contents need no further check. Looked up by name because some exist
 * only in browsers (Blob, ImageData) or only in newer engines (Float16Array).
 */
const LEAF_TYPES = [
  'Date',
  'RegExp',
  'ArrayBuffer',
  'DataView',
  'Int8Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'Float16Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
  'Boolean',
  'Number',
  'String',
  'BigInt',
  'Error',
  'EvalError',
  'RangeError',
  'ReferenceError',
  'SyntaxError',
  'TypeError',
  'URIError',
  'Blob',
  'File',
  'FileList',
  'ImageData',
  'ImageBitmap',
];

let leafPrototypes: Set<unknown> | null = null;
function isLeafPrototype(proto: unknown): boolean {
  leafPrototypes ??= new Set(
    LEAF_TYPES.map(
      (name) => (globalThis as unknown as Record<string, { prototype?: unknown } | undefined>)[name]?.prototype,
    ).filter((p) => p !== undefined),
  );
  return leafPrototypes.has(proto);
}

/**
 * How a value is reached from its parent: an array index, a property name, or a step already spelled
 * out (Map and Set entries). Kept raw so that the path's text is built only for the error.
 */
type Step = { index: number } | { key: string } | { text: string };

/** An object still to visit, with the way back to the root. */
interface Frame {
  readonly value: object;
  readonly parent: Frame | null;
  readonly step: Step;
}

function spell(step: Step): string {
  if ('index' in step) return `[${step.index}]`;
  if ('text' in step) return step.text;
  return /^[A-Za-z_$][\w$]*$/.test(step.key) ? `.${step.key}` : `[${JSON.stringify(step.key)}]`;
}

function pathOf(frame: Frame | null, step: Step): string {
  const steps = [spell(step)];
  for (let f = frame; f; f = f.parent) steps.push(spell(f.step));
  return steps.reverse().join('');
}

function mapKeyStep(key: unknown): Step {
  const shown =
    typeof key === 'string'
      ? JSON.stringify(key)
      : typeof key === 'object' && key !== null
        ? '<object key>'
        : String(key);
  return { text: `.get(${shown})` };
}

function isDomNode(value: object): boolean {
  const NodeClass = (globalThis as { Node?: abstract new () => object }).Node;
  return NodeClass !== undefined && value instanceof NodeClass;
}

/** What is wrong with a value that cannot cross to a worker, and what to do instead; null if it can. */
function problemWith(value: unknown): { valueType: string; advice: string } | null {
  switch (typeof value) {
    case 'function':
      return {
        valueType: 'a function',
        advice: 'pass data, not functions (define a helper inside the function itself)',
      };
    case 'symbol':
      return { valueType: 'a symbol', advice: 'use a string instead' };
    case 'object': {
      if (value === null) return null;
      const proto = Object.getPrototypeOf(value) as unknown;
      if (
        proto === Object.prototype ||
        proto === null ||
        proto === Array.prototype ||
        proto === Map.prototype ||
        proto === Set.prototype
      )
        return null;
      if (isLeafPrototype(proto)) return null;
      if (isDomNode(value)) {
        const name = (value as { nodeName?: string }).nodeName ?? 'node';
        return {
          valueType: `a DOM node (${name})`,
          advice: 'pass the data you need from it instead, e.g. its textContent',
        };
      }
      // Structured clone would copy such an instance as a plain object, silently dropping its methods and
      // its class: rejected, as the record codec rejects it, rather than changed on the way.
      return {
        valueType: describeValueType(value),
        advice: 'pass plain data instead: strings, numbers, booleans, null, arrays, plain objects, Map, Set or Date',
      };
    }
    default:
      return null;
  }
}

/**
 * Checks, before any task runs, that `value` can be sent to a worker as a task's params or parallelize
 * data: what structured clone copies faithfully (primitives, arrays, plain objects, Map, Set, Date,
 * typed arrays, ... and cycles), minus class instances, whose methods would be lost. Throws
 * NotSerializableError naming `operator` and the path of the first bad value below `root`, e.g.
 * "map (rdd 3): params.lookup.f is a function, which cannot be sent to a worker; pass data, not functions".
 */
export function assertSendable(value: unknown, operator: string, root: string): void {
  const seen = new Set<object>();
  const stack: Frame[] = [];
  // Primitives are checked where they are met and only objects are stacked, so a large array of
  // numbers costs one loop and no allocation per element.
  const visit = (parent: Frame | null, step: Step, child: unknown): void => {
    if (typeof child !== 'object' && typeof child !== 'function' && typeof child !== 'symbol') return;
    if (child === null) return;
    const problem = problemWith(child);
    if (problem)
      throw new NotSerializableError(operator, problem.valueType, {
        path: pathOf(parent, step),
        advice: problem.advice,
      });
    if (seen.has(child as object)) return;
    seen.add(child as object);
    stack.push({ value: child as object, parent, step });
  };
  visit(null, { text: root }, value);
  for (let frame = stack.pop(); frame; frame = stack.pop()) {
    const v = frame.value;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const item: unknown = v[i];
        if (typeof item === 'object' || typeof item === 'function' || typeof item === 'symbol')
          visit(frame, { index: i }, item);
      }
    } else if (v instanceof Map) {
      for (const [k, item] of v) {
        visit(frame, { text: ' (a key of the Map)' }, k);
        visit(frame, mapKeyStep(k), item);
      }
    } else if (v instanceof Set) {
      for (const item of v) visit(frame, { text: ' (an element of the Set)' }, item);
    } else if (!isLeafPrototype(Object.getPrototypeOf(v))) {
      for (const key of Object.keys(v)) {
        const item: unknown = (v as Record<string, unknown>)[key];
        if (typeof item === 'object' || typeof item === 'function' || typeof item === 'symbol')
          visit(frame, { key }, item);
      }
    }
  }
}
