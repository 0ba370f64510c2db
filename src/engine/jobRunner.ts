import type { AppId } from '../protocol';
import type { ActionSpec, RDD } from './rdd';

/** What an RDD needs from its context: ids, and a way to run actions. */
export interface JobRunner {
  /** The engine instance's application id, in every block id it writes. */
  readonly app: AppId;
  nextRddId(): number;
  /** The id the next RDD will get, for labelling the operator a function belongs to. */
  peekRddId(): number;
  nextShuffleId(): number;
  /** Runs `action` over the given partitions of `rdd` (all of them by default). */
  runJob(rdd: RDD<unknown>, action: ActionSpec, partitions?: readonly number[]): Promise<unknown>;
  dropCachedRdd(rddId: number): Promise<void>;
}
