import { isRddBlockId, isShuffleBlockId, parseBlockId, type AppId, type BlockInfo, type ExecutorId } from '../protocol';
import type { BlockFilter } from './api';
import { seededRandom } from './random';

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

  /**
   * Every copy of the blocks a filter selects (the chaos controls' and unpersist's choice). `app` is the
   * engine's own: a cached RDD's blocks are its own; shuffles are picked by number whatever the app, as a
   * resumed run's shuffles keep the app that first wrote them and the engine's shuffle ids are unique
   * among the blocks it knows.
   */
  select(filter: BlockFilter, app: AppId): BlockInfo[] {
    const all = this.all();
    if ('executor' in filter) return all.filter((b) => b.owner === filter.executor);
    if ('shuffle' in filter)
      return all.filter((b) => {
        const p = parseBlockId(b.id);
        return p?.kind === 'shuffle' && p.shuffle === filter.shuffle;
      });
    if ('rdd' in filter)
      return all.filter((b) => {
        const p = parseBlockId(b.id);
        return p?.kind === 'rdd' && p.app === app && p.rdd === filter.rdd;
      });
    if ('kind' in filter)
      return all.filter((b) => (filter.kind === 'shuffle' ? isShuffleBlockId(b.id) : isRddBlockId(b.id)));
    const random = seededRandom(filter.seed);
    return all.filter((b) => (isShuffleBlockId(b.id) || isRddBlockId(b.id)) && random() < filter.fraction);
  }

  ownedBy(executorId: ExecutorId): BlockInfo[] {
    return this.all().filter((b) => b.owner === executorId);
  }

  /**
   * A worker was removed: the copies it held die with it and are forgotten. What survives: blocks no
   * worker owns (checkpoints, saved datasets), its shuffle blocks when the shuffle service keeps them
   * (`keepShuffleBlocks`), and other workers' copies of the same ids. Returns the copies that died; the
   * caller deletes the stored ones (not in memory) from IndexedDB, which all workers share.
   */
  removeWorker(executorId: ExecutorId, keepShuffleBlocks: boolean): BlockInfo[] {
    const dead = this.ownedBy(executorId).filter((b) => this.#diesWith(b, executorId, keepShuffleBlocks));
    this.remove(
      dead.map((b) => b.id),
      executorId,
    );
    return dead;
  }

  /**
   * Registers the blocks a task reported. When its worker was removed before the result arrived
   * (`workerRemoved`), the blocks that would have died with it die now, by the same rule as removeWorker
   * (a stored id another worker has written since is that worker's and survives). Returns what was
   * registered and what died (not registered; the caller deletes the stored ones).
   */
  addFromTask(
    blocks: readonly BlockInfo[],
    executorId: ExecutorId,
    workerRemoved: boolean,
    keepShuffleBlocks: boolean,
  ): { added: BlockInfo[]; dead: BlockInfo[] } {
    const dies = (b: BlockInfo) => workerRemoved && this.#diesWith(b, executorId, keepShuffleBlocks);
    const dead = blocks.filter(dies);
    const added = blocks.filter((b) => !dies(b));
    this.add(added);
    return { added, dead };
  }

  /** The one rule for what dies with a removed worker: its own copies, unless the shuffle service keeps them. */
  #diesWith(b: BlockInfo, executorId: ExecutorId, keepShuffleBlocks: boolean): boolean {
    if (b.owner !== executorId || (keepShuffleBlocks && isShuffleBlockId(b.id))) return false;
    // One record per stored id: if another worker has written it since, that record is not this worker's.
    return b.inMemory || (this.get(b.id)?.owner ?? executorId) === executorId;
  }
}
