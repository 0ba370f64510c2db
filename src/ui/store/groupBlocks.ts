import type { BlockInfo } from '../engineTypes';
import { parseBlockId } from '../../engine';

export interface BlockGroup {
  key: string;
  label: string;
  count: number;
  bytes: number;
}

export interface BlockSummary {
  byKind: BlockGroup[];
  byOwner: ReadonlyMap<number | null, { count: number; bytes: number }>;
  totalBytes: number;
  count: number;
}

export const EMPTY_BLOCK_SUMMARY: BlockSummary = { byKind: [], byOwner: new Map(), totalBytes: 0, count: 0 };

/**
 * Every stored block by id, with running totals by producer (shuffle n, cached RDD n, ...) and by
 * owning worker. A job with 1,000 map tasks and 500 reduce partitions stores 500,000 shuffle blocks:
 * copying that map, or regrouping it, once per frame made the page quadratic. The index is mutated in
 * place (it is shared by successive view states); components read the immutable `summary()` instead,
 * which costs O(producers + workers) to build.
 */
export class BlockIndex {
  /** Every copy of each id: one for a stored block, one per holding worker for an in-memory partition. */
  readonly #blocks = new Map<string, BlockInfo[]>();
  readonly #byKind = new Map<string, BlockGroup>();
  readonly #byOwner = new Map<number | null, { count: number; bytes: number }>();
  #totalBytes = 0;
  #copies = 0;

  constructor(blocks: Iterable<BlockInfo> = []) {
    for (const b of blocks) this.add(b);
  }

  /** Number of block copies. */
  get size(): number {
    return this.#copies;
  }

  /** The most recently added copy of a block. */
  get(id: string): BlockInfo | undefined {
    return this.#blocks.get(id)?.at(-1);
  }

  keys(): IterableIterator<string> {
    return this.#blocks.keys();
  }

  *values(): IterableIterator<BlockInfo> {
    for (const copies of this.#blocks.values()) yield* copies;
  }

  /** A stored block replaces the one of that id; an in-memory copy replaces only its owner's copy. */
  add(b: BlockInfo): void {
    if (b.inMemory) this.remove(b.id, b.owner);
    else this.remove(b.id);
    const copies = this.#blocks.get(b.id) ?? [];
    copies.push(b);
    this.#blocks.set(b.id, copies);
    this.#tally(b, 1);
  }

  /** Removes every copy of a block, or with `owner` only that worker's. False if none was stored. */
  remove(id: string, owner?: number): boolean {
    const copies = this.#blocks.get(id);
    if (!copies) return false;
    const gone = owner === undefined ? copies : copies.filter((c) => c.owner === owner);
    const kept = copies.filter((c) => !gone.includes(c));
    for (const c of gone) this.#tally(c, -1);
    if (kept.length > 0) this.#blocks.set(id, kept);
    else this.#blocks.delete(id);
    return gone.length > 0;
  }

  summary(): BlockSummary {
    if (this.#copies === 0) return EMPTY_BLOCK_SUMMARY;
    const byKind = [...this.#byKind.values()]
      .map((g) => ({ ...g }))
      .sort((a, b) => a.key.localeCompare(b.key, 'en', { numeric: true }));
    const byOwner = new Map([...this.#byOwner].map(([owner, g]) => [owner, { ...g }]));
    return { byKind, byOwner, totalBytes: this.#totalBytes, count: this.#copies };
  }

  #tally(b: BlockInfo, sign: 1 | -1): void {
    this.#copies += sign;
    const [kind, id] = producerOf(b.id);
    const key = `${kind}/${id}`;
    let group = this.#byKind.get(key);
    if (!group) {
      group = { key, label: kindLabel(kind ?? '', id ?? ''), count: 0, bytes: 0 };
      this.#byKind.set(key, group);
    }
    group.count += sign;
    group.bytes += sign * b.bytes;
    if (group.count === 0) this.#byKind.delete(key);
    let owner = this.#byOwner.get(b.owner);
    if (!owner) {
      owner = { count: 0, bytes: 0 };
      this.#byOwner.set(b.owner, owner);
    }
    owner.count += sign;
    owner.bytes += sign * b.bytes;
    if (owner.count === 0) this.#byOwner.delete(b.owner);
    this.#totalBytes += sign * b.bytes;
  }
}

/** What produced a block: its kind and the number (or dataset name) within it; the app is left out. */
function producerOf(blockId: string): [string, string] {
  const p = parseBlockId(blockId);
  if (!p) return [blockId.split('/', 1)[0] ?? '', '?'];
  if (p.kind === 'shuffle') return [p.kind, String(p.shuffle)];
  if (p.kind === 'dataset') return [p.kind, p.dataset];
  return [p.kind, String(p.rdd)];
}

/** Group block metadata by what produced it (shuffle n, cached RDD n, ...) and by owning worker. */
export function groupBlocks(blocks: Iterable<BlockInfo>): BlockSummary {
  return new BlockIndex(blocks).summary();
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
