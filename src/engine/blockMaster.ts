import type { BlockInfo, ExecutorId } from '../protocol';

/**
 * Metadata of every stored block the engine knows about: ids, owners, sizes, checksums. Never payloads.
 *
 * A block stored in IndexedDB is one record per id: writing it again replaces it (and its owner). A
 * persist('memory') partition lives inside a worker, so each worker that computed it holds a copy of
 * its own: every copy is tracked, and losing one owner keeps the others (Spark's BlockManagerMaster
 * keeps every location of a block the same way).
 */
export class BlockMaster {
  /** Every copy of each id; ids stored in IndexedDB have exactly one. */
  readonly #copies = new Map<string, BlockInfo[]>();
  /** Blocks whose last copy was removed (cleared, or dead with its worker) and not written again since. */
  readonly #removed = new Set<string>();

  add(blocks: readonly BlockInfo[]): void {
    for (const b of blocks) {
      const others = b.inMemory ? (this.#copies.get(b.id) ?? []).filter((c) => c.inMemory && c.owner !== b.owner) : [];
      this.#copies.set(b.id, [...others, b]);
      this.#removed.delete(b.id);
    }
  }

  wasRemoved(id: string): boolean {
    return this.#removed.has(id);
  }

  /**
   * Forgets blocks: every copy of each id, or with `owner` only the copies that worker holds. Returns the
   * copies removed.
   */
  remove(ids: readonly string[], owner?: ExecutorId): BlockInfo[] {
    const removed: BlockInfo[] = [];
    for (const id of ids) {
      const copies = this.#copies.get(id) ?? [];
      const kept = owner === undefined ? [] : copies.filter((c) => c.owner !== owner);
      removed.push(...copies.filter((c) => !kept.includes(c)));
      if (kept.length > 0) {
        this.#copies.set(id, kept);
      } else {
        this.#copies.delete(id);
        this.#removed.add(id);
      }
    }
    return removed;
  }

  /** Whether any copy of the block is known. */
  has(id: string): boolean {
    return this.#copies.has(id);
  }

  /**
   * Forgets blocks for good, every copy: nothing will read them again (the cleaner released them), so
   * they are not remembered as removed either. Returns the copies that were known.
   */
  forget(ids: Iterable<string>): BlockInfo[] {
    const known: BlockInfo[] = [];
    for (const id of ids) {
      known.push(...(this.#copies.get(id) ?? []));
      this.#copies.delete(id);
      this.#removed.delete(id);
    }
    return known;
  }

  /** Ids remembered as removed, for tests that check that cleaned blocks leave nothing behind. */
  get removedCount(): number {
    return this.#removed.size;
  }

  /** One copy of the block (the most recently reported). */
  get(id: string): BlockInfo | undefined {
    return this.#copies.get(id)?.at(-1);
  }

  /** The workers holding a copy of the block (none for blocks no worker owns). */
  locations(id: string): ExecutorId[] {
    return (this.#copies.get(id) ?? []).flatMap((c) => (c.owner === null ? [] : [c.owner]));
  }

  /** Every copy of every block. */
  all(): BlockInfo[] {
    return [...this.#copies.values()].flat();
  }

  ownedBy(executorId: ExecutorId): BlockInfo[] {
    return this.all().filter((b) => b.owner === executorId);
  }
}
