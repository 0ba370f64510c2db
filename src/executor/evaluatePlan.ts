import { fnv1a } from '../common/checksum';
import { decodeRecords, encodeRecords } from '../common/codec';
import { replacedSequences } from '../common/invalidUtf8';
import { splitLines } from '../common/lineSplits';
import { tokenizeLine } from '../common/tokenizer';
import { checkpointBlockId, rddBlockId } from '../protocol/ids';
import type { NarrowOp, PartitionPlan } from '../protocol/plan';
import { readShuffle } from './readShuffle';
import { readTextSplit } from './readTextSplit';
import { operatorLabel, type TaskContext } from './taskContext';
import { TaskFailure, userFailure } from './taskFailure';

/**
 * Turns a plan into an iterable of records. Async sources (input splits, blocks) are read first,
 * then narrow operators are chained as generators, so the whole chain runs as one pass per record.
 */
export async function evaluatePlan(plan: PartitionPlan, ctx: TaskContext): Promise<Iterable<unknown>> {
  switch (plan.kind) {
    case 'textSplit': {
      const split = await readTextSplit(plan, ctx);
      const lines = splitLines(split.bytes, split.start, split.end, split.offset + split.start === 0);
      ctx.invalidUtf8 += replacedSequences(lines, split.bytes, split.start, split.end);
      return ctx.track(lines);
    }
    case 'parallel':
      return ctx.track(plan.records);
    case 'shuffleRead':
      return readShuffle(plan, ctx);
    case 'narrow':
      return applyNarrow(plan.op, plan.rddId, await evaluatePlan(plan.parent, ctx), ctx);
    case 'cached':
      return readOrCache(plan, ctx);
    case 'checkpointRead': {
      const id = checkpointBlockId(plan.rddId, plan.partition);
      const records = await readBlockRecords(id, ctx);
      if (!records) {
        throw new TaskFailure({
          kind: 'storage',
          store: 'blocks',
          bytes: 0,
          message: `The checkpoint of rdd ${plan.rddId} partition ${plan.partition} (${id}) was lost; it cannot be recomputed because checkpointing truncated its lineage. Run the job that checkpoints it again.`,
        });
      }
      return records;
    }
  }
}

async function readBlockRecords(id: string, ctx: TaskContext): Promise<unknown[] | undefined> {
  let block;
  try {
    [block] = await ctx.env.blocks.getBlocks([id]);
  } catch {
    return undefined;
  }
  if (!block) return undefined;
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
  const id = rddBlockId(plan.rddId, plan.partition);
  if (plan.level === 'memory') {
    const hit = ctx.env.memory.get(id);
    if (hit) return hit;
  } else {
    const hit = await readBlockRecords(id, ctx);
    if (hit) return hit;
  }
  const records = Array.from(await evaluatePlan(plan.parent, ctx));
  const payload = encodeRecords(records, operatorLabel(plan.parent, ctx.fns));
  if (plan.level === 'memory') {
    ctx.env.memory.set(id, records);
    // Held only by this worker, but reported like any block: the block master places tasks by it and
    // forgets it when this worker dies. Size and checksum are those of its encoding.
    ctx.blocks.push({ id, owner: ctx.env.executorId, encoding: 'records', bytes: payload.byteLength, records: records.length, checksum: fnv1a(payload) });
  } else {
    await ctx.storeBlocks([
      {
        id,
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

function applyNarrow(op: NarrowOp, rddId: number, input: Iterable<unknown>, ctx: TaskContext): Iterable<unknown> {
  switch (op.kind) {
    case 'map': {
      const { fn, params, operator } = ctx.fn(op.fn);
      return (function* () {
        for (const r of input) {
          let out: unknown;
          try {
            out = fn(r, params);
          } catch (error) {
            throw userFailure(operator, error);
          }
          yield out;
        }
      })();
    }
    case 'filter': {
      const { fn, params, operator } = ctx.fn(op.fn);
      return (function* () {
        for (const r of input) {
          let keep: unknown;
          try {
            keep = fn(r, params);
          } catch (error) {
            throw userFailure(operator, error);
          }
          if (keep) yield r;
        }
      })();
    }
    case 'flatMap': {
      const { fn, params, operator } = ctx.fn(op.fn);
      return (function* () {
        for (const r of input) {
          let out: Iterable<unknown>;
          try {
            out = asIterable(fn(r, params), operator);
          } catch (error) {
            throw userFailure(operator, error);
          }
          yield* guard(out, operator);
        }
      })();
    }
    case 'mapPartitions': {
      const { fn, params, operator } = ctx.fn(op.fn);
      return (function* () {
        let out: Iterable<unknown>;
        try {
          out = asIterable(fn(input, params), operator);
        } catch (error) {
          throw userFailure(operator, error);
        }
        yield* guard(out, operator);
      })();
    }
    case 'keyBy': {
      const { fn, params, operator } = ctx.fn(op.fn);
      return (function* () {
        for (const r of input) {
          let key: unknown;
          try {
            key = fn(r, params);
          } catch (error) {
            throw userFailure(operator, error);
          }
          yield [key, r];
        }
      })();
    }
    case 'tokenize': {
      const operator = `tokenize at rdd ${rddId}`;
      return (function* () {
        for (const line of input) {
          if (typeof line !== 'string') {
            throw new TaskFailure({
              kind: 'exception',
              operator,
              message: `tokenize expects lines of text, but got ${line === null ? 'null' : typeof line}.`,
            });
          }
          yield* tokenizeLine(line, op.tokenizer);
        }
      })();
    }
    case 'pairWithOne':
      return (function* () {
        for (const token of input) yield [token, 1];
      })();
    case 'values': {
      const operator = `values at rdd ${rddId}`;
      return (function* () {
        for (const r of input) {
          if (!Array.isArray(r)) {
            throw new TaskFailure({ kind: 'exception', operator, message: 'values expects [key, value] pairs.' });
          }
          yield r[1];
        }
      })();
    }
  }
}

function asIterable(value: unknown, operator: string): Iterable<unknown> {
  if (value !== null && typeof value === 'object' && Symbol.iterator in value) return value as Iterable<unknown>;
  throw new Error(`${operator} must return an iterable (for example an array), but returned ${value === null ? 'null' : typeof value}.`);
}

/** Iterates what a user function returned; a throw from inside a user generator is that operator's. */
function* guard(out: Iterable<unknown>, operator: string): Generator<unknown> {
  const it = out[Symbol.iterator]();
  for (;;) {
    let step: IteratorResult<unknown>;
    try {
      step = it.next();
    } catch (error) {
      throw userFailure(operator, error);
    }
    if (step.done) return;
    yield step.value;
  }
}
