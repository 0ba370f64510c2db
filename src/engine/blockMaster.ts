import type { BlockInfo, ExecutorId } from '../protocol';

/** Metadata of every stored block the engine knows about: ids, owners, sizes, checksums. Never payloads. */
export class BlockMaster {
  readonly #blocks = new Map<string, BlockInfo>();

  add(blocks: readonly BlockInfo[]): void {
    for (const b of blocks) this.#blocks.set(b.id, b);
  }

  remove(ids: readonly string[]): BlockInfo[] {
    const removed: BlockInfo[] = [];
    for (const id of ids) {
      const b = this.#blocks.get(id);
      if (b) removed.push(b);
      this.#blocks.delete(id);
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
