import type { TaskFailureReason } from '../engineTypes';

/** A task failure reason as a short phrase for popovers, history lines and the log. */
export function describeReason(reason: TaskFailureReason): string {
  switch (reason.kind) {
    case 'fetchFailed':
      return `fetch failed: shuffle ${reason.shuffleId} block ${reason.mapPartition}→${reason.reducePartition}` +
        (reason.owner === null ? '' : ` (worker ${reason.owner})`);
    case 'executorLost':
      return `worker ${reason.executorId} lost (${lossCause(reason.cause)})`;
    case 'exception':
      return `exception in ${reason.operator}: ${reason.message}`;
    case 'notSerializable':
      return `cannot ship ${reason.operator}: ${reason.message}`;
    case 'killed':
      return `killed: ${reason.message}`;
    case 'injected':
      return 'injected failure';
    case 'inputUnreadable':
      return `cannot read ${reason.fileName}: ${reason.message}`;
    case 'storage':
      return `storage error in ${reason.store}: ${reason.message}`;
  }
}

function lossCause(cause: 'killed' | 'heartbeatTimeout' | 'crashed'): string {
  switch (cause) {
    case 'killed':
      return 'killed';
    case 'heartbeatTimeout':
      return 'no heartbeat';
    case 'crashed':
      return 'crashed';
  }
}
