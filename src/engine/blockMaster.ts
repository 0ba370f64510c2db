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
