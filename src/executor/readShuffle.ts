import { decodeRecords, forEachPair, forEachWordCount } from '../common/codec';
import { compareKeys } from '../common/ordering';
import { shuffleBlockId } from '../protocol/ids';
import type { PartitionPlan } from '../protocol/plan';
import type { BlockRecord } from '../protocol/storage';
import { KeyedAggregator } from './keyedAggregator';
import { blockMismatch } from '../storage/verifyBlock';
import type { TaskContext } from './taskContext';
import { TaskFailure, errorMessage } from './taskFailure';

type ShuffleReadPlan = Extract<PartitionPlan, { kind: 'shuffleRead' }>;

function fetchFailed(plan: ShuffleReadPlan, index: number, why: string): TaskFailure {
  const { map, owner } = plan.maps[index];
  const id = shuffleBlockId(plan.app, plan.shuffleId, map, plan.reducePartition);
  return new TaskFailure({
    kind: 'fetchFailed',
    shuffleId: plan.shuffleId,
    mapPartition: map,
    reducePartition: plan.reducePartition,
    owner,
    message: `Shuffle block ${id}${owner === null ? '' : ` written by worker ${owner}`} ${why}.`,
  });
}

/**
 * Fetches this reducer's blocks from every listed map in one read, merges them with the aggregation
 * and optionally sorts by key. Every listed map wrote a non-empty block, so any missing or
 * undecodable block is a fetch failure that sends the scheduler back to the map stage.
 */
export async function readShuffle(plan: ShuffleReadPlan, ctx: TaskContext): Promise<unknown[]> {
  const ids = plan.maps.map(({ map }) => shuffleBlockId(plan.app, plan.shuffleId, map, plan.reducePartition));
  let blocks: (BlockRecord | undefined)[];
  try {
    blocks = await ctx.env.blocks.getBlocks(ids);
  } catch (error) {
    if (plan.maps.length === 0) throw error;
    throw fetchFailed(plan, 0, `could not be read (${errorMessage(error)})`);
  }
  const missing = blocks.findIndex((b) => b === undefined);
  if (missing >= 0) throw fetchFailed(plan, missing, 'is missing');
  // Checked before any is merged: a block of another engine, or a damaged one, is lost, never data.
  for (let i = 0; i < blocks.length; i++) {
    const mismatch = blockMismatch(blocks[i]!, plan.app);
    if (mismatch) throw fetchFailed(plan, i, mismatch);
  }

  const agg = plan.aggregation;
  const aggregator = agg ? new KeyedAggregator(agg, (ref) => ctx.fn(ref)) : null;
  const plain: unknown[] = [];
  for (let i = 0; i < blocks.length; i++) {
    const block = blocks[i]!;
    const bytes = new Uint8Array(block.payload);
    ctx.bytesRead += bytes.length;
    try {
      if (block.encoding === 'word-counts') {
        if (aggregator && agg!.kind === 'sum') {
          ctx.recordsRead += forEachWordCount(bytes, (w, c) => aggregator.addCount(w, c));
        } else {
          forEachWordCount(bytes, (w, c) => {
            ctx.recordsRead++;
            if (aggregator) aggregator.add(w, c);
            else plain.push([w, c]);
          });
        }
      } else {
        if (aggregator) {
          // Merged as decoded: no [key, value] array per record.
          ctx.recordsRead += forEachPair(bytes, aggregator.add);
        } else {
          const records = decodeRecords(bytes);
          ctx.recordsRead += records.length;
          for (const r of records) plain.push(r);
        }
      }
    } catch (error) {
      if (error instanceof TaskFailure) throw error;
      throw fetchFailed(plan, i, `could not be decoded (${errorMessage(error)})`);
    }
    ctx.reportProgress();
  }
  const out = aggregator ? aggregator.entries() : plain;
  if (plan.sort) {
    const dir = plan.sort.ascending ? 1 : -1;
    out.sort((a, b) => dir * compareKeys((a as [unknown])[0], (b as [unknown])[0]));
  }
  return out;
}
