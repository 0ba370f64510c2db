import type { TaskFailureReason } from '../protocol';

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
