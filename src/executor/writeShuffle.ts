import { combineChecksums, fnv1a } from '../common/checksum';
import { encodeRecords, encodeWordCounts } from '../common/codec';
import { hashPartition, rangePartition } from '../common/ordering';
import { shuffleBlockId } from '../protocol/ids';
import type { TaskSink } from '../protocol/plan';
import type { BlockEncoding, BlockRecord } from '../protocol/storage';
import type { TaskOutput } from '../protocol/task';
import { KeyedAggregator } from './keyedAggregator';
import type { TaskContext } from './taskContext';
import { TaskFailure } from './taskFailure';

export type ShuffleSink = Extract<TaskSink, { kind: 'shuffleWrite' }>;

export interface SinkOutcome {
  output: TaskOutput;
  checksum: number;
}

export function partitionerFor(sink: ShuffleSink): (key: unknown) => number {
  const n = sink.numReducers;
  const p = sink.partitioner;
  if (p.kind === 'range') return (key) => Math.min(n - 1, rangePartition(key, p.bounds, p.ascending));
  return (key) => hashPartition(key, n);
}

/** Encoded per-reducer payloads (null = empty) → blocks written in one call + map output. */
export async function storeShuffleOutput(
  sink: ShuffleSink,
  payloads: (Uint8Array | null)[],
  recordCounts: number[],
  encoding: BlockEncoding,
  ctx: TaskContext,
): Promise<SinkOutcome> {
  const sizes: number[] = [];
  const checksums: number[] = [];
  const blocks: BlockRecord[] = [];
  payloads.forEach((payload, reduce) => {
    if (!payload) {
      sizes.push(0);
      checksums.push(0);
      return;
    }
    const checksum = fnv1a(payload);
    sizes.push(payload.byteLength);
    checksums.push(checksum);
    blocks.push({
      id: shuffleBlockId(sink.shuffleId, ctx.task.partition, reduce),
      owner: ctx.env.executorId,
      encoding,
      payload: payload.buffer as ArrayBuffer,
      bytes: payload.byteLength,
      records: recordCounts[reduce],
      checksum,
    });
    ctx.bytesWritten += payload.byteLength;
    ctx.recordsWritten += recordCounts[reduce];
  });
  await ctx.storeBlocks(blocks);
  return { output: { kind: 'mapOutput', sizes }, checksum: combineChecksums(checksums) };
}

/** Generic shuffle write: [key, value] records bucketed by reducer, optionally combined map-side. */
export async function writeShuffle(
  sink: ShuffleSink,
  records: Iterable<unknown>,
  operator: string,
  ctx: TaskContext,
): Promise<SinkOutcome> {
  const n = sink.numReducers;
  const partition = partitionerFor(sink);
  // Grouping map-side saves nothing (Spark disables it too) and would make the reducer unable to
  // tell combined arrays from values, so 'group' combine writes plain pairs.
  const combine = sink.combine && sink.combine.kind !== 'group' ? sink.combine : null;
  const reduceFn = combine?.kind === 'reduce' ? ctx.fn(combine.fn) : null;
  const aggregators: (KeyedAggregator | null)[] = new Array(n).fill(null);
  const buckets: unknown[][] = Array.from({ length: n }, () => []);
  for (const r of records) {
    if (!Array.isArray(r) || r.length !== 2) {
      throw new TaskFailure({
        kind: 'exception',
        operator,
        message: `A shuffle needs [key, value] pairs, but ${operator} produced ${Array.isArray(r) ? `an array of length ${r.length}` : r === null ? 'null' : typeof r}.`,
      });
    }
    const reduce = partition(r[0]);
    if (combine) {
      let agg = aggregators[reduce];
      if (!agg) agg = aggregators[reduce] = new KeyedAggregator(combine, reduceFn);
      agg.add(r[0], r[1]);
    } else {
      buckets[reduce].push(r);
    }
  }
  const payloads: (Uint8Array | null)[] = [];
  const counts: number[] = [];
  for (let reduce = 0; reduce < n; reduce++) {
    const entries = combine ? (aggregators[reduce]?.entries() ?? []) : buckets[reduce];
    counts.push(entries.length);
    payloads.push(entries.length === 0 ? null : encodeRecords(entries, operator));
  }
  return storeShuffleOutput(sink, payloads, counts, 'records', ctx);
}

/** Word-count map output: counts per word → 'word-counts' blocks, one per non-empty reducer. */
export async function writeWordCounts(
  sink: ShuffleSink,
  counts: Map<string, number>,
  ctx: TaskContext,
): Promise<SinkOutcome> {
  const n = sink.numReducers;
  const partition = partitionerFor(sink);
  const buckets: [string, number][][] = Array.from({ length: n }, () => []);
  counts.forEach((count, word) => buckets[partition(word)].push([word, count]));
  const payloads = buckets.map((b) => (b.length === 0 ? null : encodeWordCounts(b, b.length)));
  return storeShuffleOutput(
    sink,
    payloads,
    buckets.map((b) => b.length),
    'word-counts',
    ctx,
  );
}
