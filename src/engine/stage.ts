import type { RDD, ShuffleDependency } from './rdd';
import type { TaskSetManager } from './taskSetManager';

interface StageBase {
  readonly id: number;
  readonly rdd: RDD<unknown>;
  readonly numPartitions: number;
  readonly parents: Stage[];
  readonly firstJobId: number;
  /** Attempt number of the latest submission; -1 before the first. */
  latestAttempt: number;
  /** Partitions the latest attempt still waits for. */
  readonly pending: Set<number>;
  /** Failed attempt numbers since the last success: maxConsecutiveStageAttempts counts these. */
  readonly failedAttempts: Set<number>;
  taskSet: TaskSetManager | null;
  /** Why the next attempt is submitted, for its stage.submitted explanation. */
  resubmitReason: string | null;
  /**
   * A recomputed partition's checksum differed from its first computation: late successes of older
   * attempts are ignored, and consumers were rolled back (Spark's INDETERMINATE).
   */
  indeterminate: boolean;
}

export interface ShuffleMapStage extends StageBase {
  readonly kind: 'shuffleMap';
  readonly dep: ShuffleDependency;
}

export interface ResultStage extends StageBase {
  readonly kind: 'result';
}

export type Stage = ShuffleMapStage | ResultStage;
