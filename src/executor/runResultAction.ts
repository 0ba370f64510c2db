import { fnv1a } from '../common/checksum';
import { encodeRecords } from '../common/codec';
import { UnsupportedKeyError, isSupportedKey, unsupportedKeyMessage } from '../common/keys';
import { compareKeys } from '../common/ordering';
import { checkpointBlockId, datasetBlockId } from '../protocol/ids';
import type { PartitionPlan, ResultAction } from '../protocol/plan';
import type { BlockRecord } from '../protocol/storage';
import type { TaskContext } from './taskContext';
import { TaskFailure, userFailure } from './taskFailure';
import { STOP, type Flow } from './evaluatePlan';
import type { RecordSink, SinkOutcome } from './writeShuffle';

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

async function storeRecords(
  id: BlockRecord['id'],
  records: unknown[],
  operator: string,
  ctx: TaskContext,
): Promise<SinkOutcome> {
  const payload = encodeRecords(records, operator);
  const checksum = fnv1a(payload);
  await ctx.storeBlocks([
    {
      id,
      app: ctx.env.app,
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

/** A result stage's action as a push sink: records arrive one by one, then finish() gives the outcome. */
export function resultSink(
  action: ResultAction,
  plan: PartitionPlan,
  operator: string,
  ctx: TaskContext,
  flow: Flow,
): RecordSink {
  switch (action.kind) {
    case 'collect': {
      const records: unknown[] = [];
      return { push: (r) => records.push(r), finish: async () => recordsOutput(records, operator, ctx) };
    }
    case 'take': {
      const taken: unknown[] = [];
      const n = action.n;
      if (n <= 0) flow.stopped = true;
      return {
        push: (r) => {
          taken.push(r);
          if (taken.length >= n) {
            // Like a break out of the loop: nothing upstream computes another record.
            flow.stopped = true;
            throw STOP;
          }
        },
        finish: async () => recordsOutput(taken, operator, ctx),
      };
    }
    case 'count': {
      let count = 0;
      return {
        push: () => {
          count++;
        },
        // No payload to hash: the count is the partition's fingerprint here.
        finish: async () => ({ output: { kind: 'count', count }, checksum: count >>> 0 }),
      };
    }
    case 'reduce': {
      const { fn, params, operator: reduceOperator } = ctx.fn(action.fn);
      let acc: unknown;
      let any = false;
      return {
        push: (r) => {
          if (!any) {
            acc = r;
            any = true;
            return;
          }
          try {
            acc = fn(acc, r, params);
          } catch (error) {
            throw userFailure(reduceOperator, error);
          }
        },
        finish: async () => {
          if (!any) return { output: { kind: 'reduced', payload: null }, checksum: 0 };
          const payload = encodeRecords([acc], reduceOperator);
          ctx.recordsWritten += 1;
          ctx.bytesWritten += payload.byteLength;
          return { output: { kind: 'reduced', payload: payload.buffer as ArrayBuffer }, checksum: fnv1a(payload) };
        },
      };
    }
    case 'fold': {
      const { fn, params, operator: foldOperator } = ctx.fn(action.fn);
      // Every partition starts from its own copy of the zero value, as Spark clones it per task.
      let acc: unknown = structuredClone(action.zero);
      return {
        push: (r) => {
          try {
            acc = fn(acc, r, params);
          } catch (error) {
            throw userFailure(foldOperator, error);
          }
        },
        finish: async () => {
          const payload = encodeRecords([acc], foldOperator);
          ctx.recordsWritten += 1;
          ctx.bytesWritten += payload.byteLength;
          return { output: { kind: 'reduced', payload: payload.buffer as ArrayBuffer }, checksum: fnv1a(payload) };
        },
      };
    }
    case 'foreach':
    case 'foreachPartition': {
      const { fn, params, operator: userOperator } = ctx.fn(action.fn);
      const call = (arg: unknown) => {
        try {
          fn(arg, params);
        } catch (error) {
          throw userFailure(userOperator, error);
        }
      };
      let count = 0;
      const records: unknown[] = [];
      return {
        push:
          action.kind === 'foreach'
            ? (r) => {
                count++;
                call(r);
              }
            : (r) => void records.push(r),
        finish: async () => {
          if (action.kind === 'foreachPartition') {
            count = records.length;
            call(records);
          }
          return { output: { kind: 'count', count }, checksum: count >>> 0 };
        },
      };
    }
    case 'takeOrdered': {
      const dir = action.ascending ? 1 : -1;
      const compare = (a: unknown, b: unknown): number => {
        try {
          return dir * compareKeys(a, b);
        } catch (error) {
          if (!(error instanceof UnsupportedKeyError)) throw error;
          const bad = isSupportedKey(a) ? b : a;
          throw new TaskFailure({ kind: 'exception', operator, message: unsupportedKeyMessage(bad) });
        }
      };
      // Kept sorted and at most n long: a partition sends only its n best records.
      const best: unknown[] = [];
      const n = action.n;
      return {
        push: (r) => {
          if (n <= 0) return;
          if (best.length === n && compare(r, best[n - 1]) >= 0) return;
          let lo = 0;
          let hi = best.length;
          while (lo < hi) {
            const mid = (lo + hi) >>> 1;
            if (compare(best[mid], r) <= 0) lo = mid + 1;
            else hi = mid;
          }
          best.splice(lo, 0, r);
          if (best.length > n) best.pop();
        },
        finish: async () => recordsOutput(best, operator, ctx),
      };
    }
    case 'sampleKeys': {
      const random = mulberry32(action.seed ^ ctx.task.partition);
      const sample: unknown[] = [];
      const n = action.n;
      let seen = 0;
      // A sampled key that the sort could not compare fails here, named after the sort, rather than
      // as a record the codec cannot encode.
      const checked = (key: unknown): unknown => {
        if (isSupportedKey(key)) return key;
        throw new TaskFailure({ kind: 'exception', operator: action.operator, message: unsupportedKeyMessage(key) });
      };
      return {
        push: (r) => {
          const key = Array.isArray(r) ? r[0] : r;
          seen++;
          if (sample.length < n) sample.push(checked(key));
          else {
            const j = Math.floor(random() * seen);
            if (j < n) sample[j] = checked(key);
          }
        },
        finish: async () => recordsOutput(sample, operator, ctx),
      };
    }
    case 'save':
    case 'checkpoint': {
      const records: unknown[] = [];
      const app = ctx.env.app;
      const id =
        action.kind === 'save'
          ? datasetBlockId(app, action.datasetId, ctx.task.partition)
          : checkpointBlockId(app, plan.rddId, ctx.task.partition);
      return { push: (r) => records.push(r), finish: () => storeRecords(id, records, operator, ctx) };
    }
  }
}
