import { combineChecksums, fnv1a } from '../common/checksum';
import { RecordWriter, WordCountsWriter, encodeWordCounts } from '../common/codec';
import { UnsupportedKeyError, unsupportedKeyMessage } from '../common/keys';
import { hashAsciiBytes, hashPartition, rangePartition } from '../common/ordering';
import type { TokenCounter } from '../common/tokenizer';
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
      id: shuffleBlockId(sink.app, sink.shuffleId, ctx.task.partition, reduce),
      app: sink.app,
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

/** A task's sink: records pushed one by one, then finished into its outcome. */
export interface RecordSink {
  push: (record: unknown) => void;
  finish(): Promise<SinkOutcome>;
}

/**
 * A key the shuffle cannot hash, compare or group becomes a failure of the shuffle's operator (not of
 * the operator that produced the record), saying what and where the bad part is.
 */
function keyFailure(sink: ShuffleSink, key: unknown, error: unknown): unknown {
  if (!(error instanceof UnsupportedKeyError)) return error;
  return new TaskFailure({ kind: 'exception', operator: sink.operator, message: unsupportedKeyMessage(key) });
}

/**
 * Generic shuffle write: [key, value] records bucketed by reducer. With a map-side combine, one Map
 * per task merges values in place and keys are partitioned once each when the blocks are encoded;
 * each block is encoded in a single pass into a growable buffer. `operator` produced the records.
 */
export function shuffleWriter(sink: ShuffleSink, operator: string, ctx: TaskContext): RecordSink {
  const n = sink.numReducers;
  const partition = partitionerFor(sink);
  // Grouping map-side saves nothing (Spark disables it too) and would make the reducer unable to
  // tell combined arrays from values, so 'group' combine writes plain pairs.
  const combine = sink.combine && sink.combine.kind !== 'group' ? sink.combine : null;
  const notPair = (r: unknown): TaskFailure =>
    new TaskFailure({
      kind: 'exception',
      operator,
      message: `A shuffle needs [key, value] pairs, but ${operator} produced ${Array.isArray(r) ? `an array of length ${r.length}` : r === null ? 'null' : typeof r}.`,
    });
  const writers: (RecordWriter | null)[] = new Array<RecordWriter | null>(n).fill(null);
  // Combined records are the combine's output: a value it cannot encode is named after it.
  const writtenBy = combine ? `the map-side combine of ${sink.operator}` : operator;
  const writer = (reduce: number): RecordWriter => (writers[reduce] ??= new RecordWriter(writtenBy));
  const finish = () =>
    storeShuffleOutput(
      sink,
      writers.map((w) => (w && w.count > 0 ? w.finish() : null)),
      writers.map((w) => w?.count ?? 0),
      'records',
      ctx,
    );

  if (combine) {
    const agg = new KeyedAggregator(combine, (ref) => ctx.fn(ref));
    const add = agg.add;
    return {
      push: (r) => {
        if (!Array.isArray(r) || r.length !== 2) throw notPair(r);
        try {
          add(r[0], r[1]);
        } catch (error) {
          throw keyFailure(sink, r[0], error);
        }
      },
      finish: () => {
        agg.forEach((key, value) => writer(partition(key)).addPair(key, value));
        return finish();
      },
    };
  }
  // No combine: records are kept as they come and encoded at the end, as the combine path is (an
  // unserializable record fails the task only once every record was computed).
  const buckets: unknown[][] = Array.from({ length: n }, () => []);
  return {
    push: (r) => {
      if (!Array.isArray(r) || r.length !== 2) throw notPair(r);
      let reduce: number;
      try {
        reduce = partition(r[0]);
      } catch (error) {
        throw keyFailure(sink, r[0], error);
      }
      buckets[reduce].push(r);
    },
    finish: () => {
      buckets.forEach((bucket, reduce) => {
        if (bucket.length === 0) return;
        const w = writer(reduce);
        for (let i = 0; i < bucket.length; i++) w.add(bucket[i]);
      });
      return finish();
    },
  };
}

/**
 * The fused word count's map output straight from the counter's table: no string per table word, and
 * the reducer of an ASCII word hashed from its bytes exactly as hashKey hashes the string.
 */
export function writeTokenCounts(sink: ShuffleSink, counter: TokenCounter, ctx: TaskContext): Promise<SinkOutcome> {
  if (sink.partitioner.kind !== 'hash') return writeWordCounts(sink, counter.toMap(), ctx);
  const n = sink.numReducers;
  // Made on first use: a shuffle can have many more reducers than a split has words.
  const writers: (WordCountsWriter | undefined)[] = new Array(n).fill(undefined);
  const writer = (r: number) => (writers[r] ??= new WordCountsWriter());
  counter.forEachToken(
    (bytes, start, len, count) => writer(hashAsciiBytes(bytes, start, len) % n).addAscii(bytes, start, len, count),
    (token, count) => writer(hashPartition(token, n)).add(token, count),
  );
  return storeShuffleOutput(
    sink,
    writers.map((w) => w?.finish() ?? null),
    writers.map((w) => w?.count ?? 0),
    'word-counts',
    ctx,
  );
}

/** Word-count map output: counts per word → 'word-counts' blocks, one per non-empty reducer. */
async function writeWordCounts(sink: ShuffleSink, counts: Map<string, number>, ctx: TaskContext): Promise<SinkOutcome> {
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
