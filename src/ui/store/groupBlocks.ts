import type { BlockInfo } from '../engineTypes';

export interface BlockGroup {
  key: string;
  label: string;
  count: number;
  bytes: number;
}

export interface BlockSummary {
  byKind: BlockGroup[];
  byOwner: Map<number | null, { count: number; bytes: number }>;
  totalBytes: number;
  count: number;
}

/** Group block metadata by what produced it (shuffle n, cached RDD n, ...) and by owning worker. */
export function groupBlocks(blocks: Readonly<Record<string, BlockInfo>>): BlockSummary {
  const byKind = new Map<string, BlockGroup>();
  const byOwner = new Map<number | null, { count: number; bytes: number }>();
  let totalBytes = 0;
  let count = 0;
  for (const b of Object.values(blocks)) {
    const [kind, id] = b.id.split('/');
    const key = `${kind}/${id}`;
    const group = byKind.get(key) ?? { key, label: kindLabel(kind ?? '', id ?? ''), count: 0, bytes: 0 };
    group.count += 1;
    group.bytes += b.bytes;
    byKind.set(key, group);
    const owner = byOwner.get(b.owner) ?? { count: 0, bytes: 0 };
    owner.count += 1;
    owner.bytes += b.bytes;
    byOwner.set(b.owner, owner);
    totalBytes += b.bytes;
    count += 1;
  }
  const sorted = [...byKind.values()].sort((a, b) => a.key.localeCompare(b.key, 'en', { numeric: true }));
  return { byKind: sorted, byOwner, totalBytes, count };
}

function kindLabel(kind: string, id: string): string {
  switch (kind) {
    case 'shuffle':
      return `Shuffle ${id}`;
    case 'rdd':
      return `Cached RDD ${id}`;
    case 'checkpoint':
      return `Checkpoint of RDD ${id}`;
    case 'dataset':
      return `Dataset ${id}`;
    default:
      return `${kind} ${id}`;
  }
}
