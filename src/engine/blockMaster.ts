import type { BlockInfo, ExecutorId } from '../protocol';

/** Metadata of every stored block the engine knows about: ids, owners, sizes, checksums. Never payloads. */
export class BlockMaster {
  readonly #blocks = new Map<string, BlockInfo>();
  /** Blocks removed (cleared, or dead with their worker) and not written again since. */
  readonly #removed = new Set<string>();

  add(blocks: readonly BlockInfo[]): void {
    for (const b of blocks) {
      this.#blocks.set(b.id, b);
      this.#removed.delete(b.id);
    }
  }

  wasRemoved(id: string): boolean {
    return this.#removed.has(id);
  }

  remove(ids: readonly string[]): BlockInfo[] {
    const removed: BlockInfo[] = [];
    for (const id of ids) {
      const b = this.#blocks.get(id);
      if (b) removed.push(b);
      this.#blocks.delete(id);
      this.#removed.add(id);
    }
    return removed;
  }

  /**
   * Forgets blocks for good: nothing will read them again (the cleaner released them), so they are
   * not remembered as removed either. Returns those that were known.
   */
  forget(ids: Iterable<string>): BlockInfo[] {
    const known: BlockInfo[] = [];
    for (const id of ids) {
      const b = this.#blocks.get(id);
      if (b) known.push(b);
      this.#blocks.delete(id);
      this.#removed.delete(id);
    }
    return known;
  }

  /** Ids remembered as removed, for tests that check that cleaned blocks leave nothing behind. */
  get removedCount(): number {
    return this.#removed.size;
  }

  get(id: string): BlockInfo | undefined {
    return this.#blocks.get(id);
  }

  all(): BlockInfo[] {
    return [...this.#blocks.values()];
  }

  ownedBy(executorId: ExecutorId): BlockInfo[] {
    return this.all().filter((b) => b.owner === executorId);
  }

  withPrefix(prefix: string): BlockInfo[] {
    return this.all().filter((b) => b.id.startsWith(prefix));
  }
}
