import { fnv1a } from '../common/checksum';
import { decodeRecords, encodeRecords } from '../common/codec';
import { replacedSequences } from '../common/utf8';
import { forEachLine } from '../common/lineSplits';
import { tokenizeLine } from '../common/tokenizer';
import { checkpointBlockId, rddBlockId } from '../protocol/ids';
import type { NarrowOp, PartitionPlan } from '../protocol/plan';
import { readShuffle } from './readShuffle';
import { readTextSplit } from './readTextSplit';
import { PROGRESS_EVERY, operatorLabel, type TaskContext } from './taskContext';
import { TaskFailure, userFailure } from './taskFailure';
import { blockMismatch } from '../storage/verifyBlock';
import { CoGroupTable } from './coGroup';
import { sampler } from './sampler';

/** Receives one record; the narrow operators and the sinks are all of this shape. */
export type Push = (record: unknown) => void;

/**
 * Shared by one pipeline's sources and its sink. A sink that wants no more records (take) sets
 * `stopped` and throws STOP; source loops also check it before each record, so take(0) pulls nothing.
 */
export interface Flow {
  stopped: boolean;
}

/** Thrown by a sink that has all it wants; runTask catches it. Never wrapped as a user failure. */
export const STOP: unique symbol = Symbol('emberflow.stop');

/**
 * Runs a plan push-style: async sources (input splits, blocks) are read first, then each record is
 * pushed through the narrow operators, compiled once per task into a chain of `(record) => void`
 * functions, straight into the sink. No generator or iterator per record and stage.
 */
export async function pushPlan(plan: PartitionPlan, ctx: TaskContext, push: Push, flow: Flow): Promise<void> {
  switch (plan.kind) {
    case 'textSplit': {
      const split = await readTextSplit(plan, ctx);
      let n = ctx.recordsRead;
      const decoded = forEachLine(split.bytes, split.start, split.end, split.offset + split.start === 0, (line) => {
        if (flow.stopped) return false;
        ctx.recordsRead = ++n;
        if (n % PROGRESS_EVERY === 0) ctx.reportProgress();
        push(line);
        return true;
      });
      ctx.addInvalidUtf8(plan, replacedSequences(decoded.text, split.bytes, decoded.start, split.end));
      return;
    }
    case 'textSplits':
      for (const part of plan.splits) {
        if (flow.stopped) return;
        await pushPlan(part, ctx, push, flow);
      }
      return;
    case 'parallel': {
      const records = plan.records;
      for (let i = 0; i < records.length; i++) {
        if (flow.stopped) return;
        if (++ctx.recordsRead % PROGRESS_EVERY === 0) ctx.reportProgress();
        push(records[i]);
      }
      return;
    }
    case 'shuffleRead':
      return pushAll(await readShuffle(plan, ctx), ctx, push, flow);
    case 'narrow': {
      if (plan.op.kind === 'mapPartitions') return pushMapPartitions(plan.op.fn, plan.parent, ctx, push, flow);
      if (plan.op.kind === 'glom') {
        const records = await evaluatePlan(plan.parent, ctx);
        if (!flow.stopped) push(records);
        return;
      }
      return pushPlan(plan.parent, ctx, compileOp(plan.op, plan.rddId, ctx, push), flow);
    }
    case 'cogroup': {
      const table = new CoGroupTable(plan.inputs.length, `cogroup at rdd ${plan.rddId}`);
      for (let i = 0; i < plan.inputs.length; i++) {
        await pushPlan(plan.inputs[i]!, ctx, (r) => table.add(i, r), { stopped: false });
      }
      return pushAll(table.entries(), ctx, push, flow);
    }
    case 'cartesian': {
      const right = await evaluatePlan(plan.right, ctx);
      return pushPlan(
        plan.left,
        ctx,
        (l) => {
          for (let i = 0; i < right.length; i++) push([l, right[i]]);
        },
        flow,
      );
    }
    case 'coalesced':
      for (const part of plan.parents) {
        if (flow.stopped) return;
        await pushPlan(part, ctx, push, flow);
      }
      return;
    case 'cached':
      return pushAll(await readOrCache(plan, ctx), ctx, push, flow);
    case 'checkpointRead': {
      const id = checkpointBlockId(ctx.env.app, plan.rddId, plan.partition);
      const records = await readBlockRecords(id, ctx);
      if (!records) {
        throw new TaskFailure({
          kind: 'checkpointLost',
          rddId: plan.rddId,
          partition: plan.partition,
          blockId: id,
          message: `The checkpoint of rdd ${plan.rddId} partition ${plan.partition} (${id}) was lost; it cannot be recomputed because checkpointing truncated its lineage. Run the job that checkpoints it again.`,
        });
      }
      return pushAll(records, ctx, push, flow);
    }
  }
}

/** All records of a plan as an array (cache fills, mapPartitions input). */
export async function evaluatePlan(plan: PartitionPlan, ctx: TaskContext): Promise<unknown[]> {
  const records: unknown[] = [];
  await pushPlan(plan, ctx, (r) => records.push(r), { stopped: false });
  return records;
}

/** Pushes materialized records, with a heartbeat every few thousand (they were counted when read). */
function pushAll(records: readonly unknown[], ctx: TaskContext, push: Push, flow: Flow): void {
  for (let i = 0; i < records.length; i++) {
    if (flow.stopped) return;
    if ((i + 1) % PROGRESS_EVERY === 0) ctx.reportProgress();
    push(records[i]);
  }
}

async function readBlockRecords(id: string, ctx: TaskContext): Promise<unknown[] | undefined> {
  let block;
  try {
    [block] = await ctx.env.blocks.getBlocks([id]);
  } catch {
    return undefined;
  }
  // Another engine's block or a damaged one is a lost block: recompute it.
  if (!block || blockMismatch(block, ctx.env.app)) return undefined;
  try {
    const records = decodeRecords(new Uint8Array(block.payload));
    ctx.bytesRead += block.payload.byteLength;
    ctx.recordsRead += records.length;
    return records;
  } catch {
    // An unreadable cached block is a lost block: recompute it.
    return undefined;
  }
}

async function readOrCache(plan: Extract<PartitionPlan, { kind: 'cached' }>, ctx: TaskContext): Promise<unknown[]> {
  const id = rddBlockId(ctx.env.app, plan.rddId, plan.partition);
  if (plan.level === 'memory') {
    const hit = ctx.env.memory.get(id);
    if (hit) return hit;
  } else {
    const hit = await readBlockRecords(id, ctx);
    if (hit) return hit;
  }
  const records = await evaluatePlan(plan.parent, ctx);
  const payload = encodeRecords(records, operatorLabel(plan.parent, ctx.fns));
  if (plan.level === 'memory') {
    ctx.env.memory.set(id, records);
    // Held only by this worker, but reported like any block: the block master places tasks by it and
    // forgets it when this worker dies. Size and checksum are those of its encoding.
    ctx.blocks.push({
      id,
      app: ctx.env.app,
      owner: ctx.env.executorId,
      encoding: 'records',
      bytes: payload.byteLength,
      records: records.length,
      checksum: fnv1a(payload),
      inMemory: true,
    });
  } else {
    await ctx.storeBlocks([
      {
        id,
        app: ctx.env.app,
        owner: ctx.env.executorId,
        encoding: 'records',
        payload: payload.buffer as ArrayBuffer,
        bytes: payload.byteLength,
        records: records.length,
        checksum: fnv1a(payload),
      },
    ]);
  }
  return records;
}

/**
 * mapPartitions hands the user an iterable of the whole partition: its input is gathered into an
 * array first (rare operator; the other operators stream record by record).
 */
async function pushMapPartitions(
  ref: number,
  parent: PartitionPlan,
  ctx: TaskContext,
  push: Push,
  flow: Flow,
): Promise<void> {
  const { fn, params, operator } = ctx.fn(ref);
  if (flow.stopped) {
    // Nothing wanted (take(0)): read the sources as before, but neither iterate nor call the function.
    await pushPlan(parent, ctx, push, flow);
    return;
  }
  const input = await evaluatePlan(parent, ctx);
  let result: Iterable<unknown>;
  try {
    result = asIterable(fn(input, params), operator);
  } catch (error) {
    throw userFailure(operator, error);
  }
  pushIterable(result, operator, push, ctx);
}

/** A user function, called so that whatever it throws becomes a failure naming its operator. */
function guarded(ref: number, ctx: TaskContext): (record: unknown) => unknown {
  const { fn, params, operator } = ctx.fn(ref);
  return (record) => {
    try {
      return fn(record, params);
    } catch (error) {
      throw userFailure(operator, error);
    }
  };
}

/** One narrow operator as a push function feeding `next`. User errors name the operator. */
function compileOp(
  op: Exclude<NarrowOp, { kind: 'mapPartitions' | 'glom' }>,
  rddId: number,
  ctx: TaskContext,
  next: Push,
): Push {
  switch (op.kind) {
    case 'map': {
      const call = guarded(op.fn, ctx);
      return (r) => next(call(r));
    }
    case 'filter': {
      const call = guarded(op.fn, ctx);
      return (r) => {
        if (call(r)) next(r);
      };
    }
    case 'flatMap': {
      const call = guarded(op.fn, ctx);
      const { operator } = ctx.fn(op.fn);
      return (r) => {
        const out = call(r);
        if (Array.isArray(out)) {
          for (let i = 0; i < out.length; i++) next(out[i]);
          return;
        }
        let it: Iterable<unknown>;
        try {
          it = asIterable(out, operator);
        } catch (error) {
          throw userFailure(operator, error);
        }
        pushIterable(it, operator, next, null);
      };
    }
    case 'keyBy': {
      const call = guarded(op.fn, ctx);
      return (r) => next([call(r), r]);
    }
    case 'tokenize': {
      const operator = `tokenize at rdd ${rddId}`;
      const tokenizer = op.tokenizer;
      return (line) => {
        if (typeof line !== 'string') {
          throw new TaskFailure({
            kind: 'exception',
            operator,
            message: `tokenize expects lines of text, but got ${line === null ? 'null' : typeof line}.`,
          });
        }
        const tokens = tokenizeLine(line, tokenizer);
        for (let i = 0; i < tokens.length; i++) next(tokens[i]);
      };
    }
    case 'pairWithOne':
      return (token) => next([token, 1]);
    case 'values':
    case 'keys': {
      const operator = `${op.kind} at rdd ${rddId}`;
      const at = op.kind === 'keys' ? 0 : 1;
      return (r) => {
        if (!Array.isArray(r)) throw notPair(operator, r);
        next(r[at]);
      };
    }
    case 'mapValues': {
      const call = guarded(op.fn, ctx);
      const { operator } = ctx.fn(op.fn);
      return (r) => {
        if (!Array.isArray(r)) throw notPair(operator, r);
        next([r[0], call(r[1])]);
      };
    }
    case 'flatMapValues': {
      const call = guarded(op.fn, ctx);
      const { operator } = ctx.fn(op.fn);
      return (r) => {
        if (!Array.isArray(r)) throw notPair(operator, r);
        const key: unknown = r[0];
        let it: Iterable<unknown>;
        try {
          it = asIterable(call(r[1]), operator);
        } catch (error) {
          throw error instanceof TaskFailure ? error : userFailure(operator, error);
        }
        pushIterable(it, operator, (v) => next([key, v]), null);
      };
    }
    case 'sample':
      return sampler(op.withReplacement, op.fraction, op.seed, next);
    case 'zipWithIndex': {
      let index = op.start;
      return (r) => next([r, index++]);
    }
  }
}

function notPair(operator: string, r: unknown): TaskFailure {
  const got = r === null ? 'null' : typeof r;
  return new TaskFailure({
    kind: 'exception',
    operator,
    message: `${operator} expects [key, value] pairs, got ${got}.`,
  });
}

function asIterable(value: unknown, operator: string): Iterable<unknown> {
  if (value !== null && typeof value === 'object' && Symbol.iterator in value) return value as Iterable<unknown>;
  throw new Error(
    `${operator} must return an iterable (for example an array), but returned ${value === null ? 'null' : typeof value}.`,
  );
}

/**
 * Pushes what a user function returned; a throw from inside a user generator is that operator's.
 * A sink that stops (take) closes the user's iterator, as a `break` out of for-of would.
 */
function pushIterable(out: Iterable<unknown>, operator: string, next: Push, ctx: TaskContext | null): void {
  const it = out[Symbol.iterator]();
  let n = 0;
  for (;;) {
    let step: IteratorResult<unknown>;
    try {
      step = it.next();
    } catch (error) {
      throw userFailure(operator, error);
    }
    if (step.done) return;
    if (ctx && ++n % PROGRESS_EVERY === 0) ctx.reportProgress();
    try {
      next(step.value);
    } catch (error) {
      if (error === STOP) it.return?.();
      throw error;
    }
  }
}
