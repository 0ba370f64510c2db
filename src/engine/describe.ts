import type { CacheUse, ExecutorId, TaskFailureReason } from '../protocol';

/** One plain sentence for a failure reason, as the event log and abort messages show it. */
export function describeReason(reason: TaskFailureReason): string {
  switch (reason.kind) {
    case 'exception':
      return `${reason.operator} threw: ${reason.message}`;
    case 'notSerializable':
      return reason.message;
    case 'fetchFailed':
      return `FetchFailed(shuffle ${reason.shuffleId}, map ${reason.mapPartition}, reduce ${reason.reducePartition}${
        reason.owner == null ? '' : `, worker ${reason.owner}`
      }): ${reason.message}`;
    case 'executorLost':
      return `ExecutorLost(worker ${reason.executorId}): ${reason.message}`;
    case 'killed':
    case 'injected':
    case 'inputUnreadable':
    case 'storage':
      return reason.message;
  }
}

export function listPartitions(partitions: readonly number[]): string {
  const sorted = [...partitions].sort((a, b) => a - b);
  if (sorted.length <= 12) return sorted.join(', ');
  return `${sorted.slice(0, 10).join(', ')} and ${sorted.length - 10} more`;
}

export const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * What a task did with its cached input, as the rest of a sentence that begins "Task 3 of stage 1.0",
 * e.g. "read partition 3 of rdd 5 from its cached copy in worker 2's memory."
 */
export function describeCacheUse(cache: CacheUse, executorId: ExecutorId): string {
  const what = `partition ${cache.partition} of rdd ${cache.rddId}`;
  switch (cache.read) {
    case 'cached':
      return `read ${what} from its cached copy ${cache.level === 'memory' ? `in worker ${executorId}'s memory` : 'in IndexedDB'}.`;
    case 'computed':
      return `computed ${what} on worker ${executorId} and cached it ${cache.level === 'memory' ? 'in that worker\'s memory' : 'in IndexedDB'}.`;
    case 'recomputed': {
      const holders = cache.busyHolders;
      return holders.length > 0
        ? `recomputed ${what} on worker ${executorId}: ${holders.length === 1 ? 'worker' : 'workers'} ${holders.join(', ')}, which ${holders.length === 1 ? 'holds' : 'hold'} a cached copy, stayed busy for longer than the locality wait.`
        : `recomputed ${what} on worker ${executorId}: no cached copy of it remained (lost with its worker, or cleared).`;
    }
  }
}
