import { fnv1a } from '../common/checksum';
import { encodeRecords } from '../common/codec';
import { checkpointBlockId, datasetBlockId } from '../protocol/ids';
import type { PartitionPlan, ResultAction } from '../protocol/plan';
import type { BlockRecord } from '../protocol/storage';
import type { TaskContext } from './taskContext';
import { userFailure } from './taskFailure';
import type { SinkOutcome } from './writeShuffle';

/** Deterministic PRNG so a resampled partition draws the same keys. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function recordsOutput(records: unknown[], operator: string, ctx: TaskContext): SinkOutcome {
  const payload = encodeRecords(records, operator);
  ctx.recordsWritten += records.length;
  ctx.bytesWritten += payload.byteLength;
  return {
    output: { kind: 'records', payload: payload.buffer as ArrayBuffer, count: records.length },
    checksum: fnv1a(payload),
  };
}

async function storeRecords(id: BlockRecord['id'], records: unknown[], operator: string, ctx: TaskContext): Promise<SinkOutcome> {
  const payload = encodeRecords(records, operator);
  const checksum = fnv1a(payload);
  await ctx.storeBlocks([
    {
      id,
      owner: null,
      encoding: 'records',
      payload: payload.buffer as ArrayBuffer,
      bytes: payload.byteLength,
      records: records.length,
      checksum,
    },
  ]);
  ctx.recordsWritten += records.length;
  ctx.bytesWritten += payload.byteLength;
  return { output: { kind: 'stored', count: records.length }, checksum };
}

/** Runs a result stage's action over the partition's records. */
export async function runResultAction(
  action: ResultAction,
  records: Iterable<unknown>,
  plan: PartitionPlan,
  operator: string,
  ctx: TaskContext,
): Promise<SinkOutcome> {
  switch (action.kind) {
    case 'collect':
      return recordsOutput(Array.from(records), operator, ctx);
    case 'take': {
      const taken: unknown[] = [];
      if (action.n > 0) {
        for (const r of records) {
          taken.push(r);
          if (taken.length >= action.n) break;
        }
      }
      return recordsOutput(taken, operator, ctx);
    }
    case 'count': {
      let count = 0;
      for (const _ of records) count++;
      // No payload to hash: the count is the partition's fingerprint here.
      return { output: { kind: 'count', count }, checksum: count >>> 0 };
    }
    case 'reduce': {
      const f = ctx.fn(action.fn);
      let acc: unknown;
      let any = false;
      for (const r of records) {
        if (!any) {
          acc = r;
          any = true;
          continue;
        }
        try {
          acc = f.fn(acc, r, f.params);
        } catch (error) {
          throw userFailure(f.operator, error);
        }
      }
      if (!any) return { output: { kind: 'reduced', payload: null }, checksum: 0 };
      const payload = encodeRecords([acc], f.operator);
      ctx.recordsWritten += 1;
      ctx.bytesWritten += payload.byteLength;
      return { output: { kind: 'reduced', payload: payload.buffer as ArrayBuffer }, checksum: fnv1a(payload) };
    }
    case 'sampleKeys': {
      const random = mulberry32(action.seed ^ ctx.task.partition);
      const sample: unknown[] = [];
      let seen = 0;
      for (const r of records) {
        const key = Array.isArray(r) ? r[0] : r;
        seen++;
        if (sample.length < action.n) sample.push(key);
        else {
          const j = Math.floor(random() * seen);
          if (j < action.n) sample[j] = key;
        }
      }
      return recordsOutput(sample, operator, ctx);
    }
    case 'save':
      return storeRecords(datasetBlockId(action.datasetId, ctx.task.partition), Array.from(records), operator, ctx);
    case 'checkpoint':
      return storeRecords(checkpointBlockId(plan.rddId, ctx.task.partition), Array.from(records), operator, ctx);
  }
}
