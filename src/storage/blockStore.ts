import type { AppId } from '../protocol/ids';
import type { BlockRecord } from '../protocol/storage';
import type { EngineDb } from './schema';
import { putAll } from './putAll';

/** What the executor needs from block storage; BlockStore implements it, tests use a Map. */
export interface BlockAccess {
  putBlocks(records: BlockRecord[]): Promise<void>;
  /** Same order as `ids`; undefined where a block is missing. */
  getBlocks(ids: readonly string[]): Promise<(BlockRecord | undefined)[]>;
}

/** Shuffle, cache, checkpoint and dataset blocks in the `blocks` store. */
export class BlockStore implements BlockAccess {
  constructor(private readonly db: EngineDb) {}

  /** Writes all records in one transaction: a task's output is stored entirely or not at all. */
  async putBlocks(records: BlockRecord[]): Promise<void> {
    await putAll(
      this.db,
      'blocks',
      records,
      records.reduce((n, r) => n + r.payload.byteLength, 0),
    );
  }

  async getBlocks(ids: readonly string[]): Promise<(BlockRecord | undefined)[]> {
    if (ids.length === 0) return [];
    const tx = this.db.transaction('blocks', 'readonly');
    const [values] = await Promise.all([Promise.all(ids.map((id) => tx.store.get(id))), tx.done]);
    return values;
  }

  async deleteBlocks(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    const tx = this.db.transaction('blocks', 'readwrite');
    await Promise.all([...ids.map((id) => tx.store.delete(id)), tx.done]);
  }

  /** Deletes every block whose id starts with `prefix` (e.g. shufflePrefix(app, 3)); returns the deleted ids. */
  async deleteByPrefix(prefix: string): Promise<string[]> {
    const range = IDBKeyRange.bound(prefix, prefix + '\uffff');
    const tx = this.db.transaction('blocks', 'readwrite');
    const ids = (await tx.store.getAllKeys(range)) as string[];
    await Promise.all([tx.store.delete(range), tx.done]);
    return ids;
  }

  /**
   * Deletes the blocks one app's executor wrote (what dies with its "local disk"); returns the deleted
   * ids. Executor numbers restart at 1 in every app, so the app is part of the owner.
   */
  async deleteByOwner(app: AppId, owner: number): Promise<string[]> {
    const tx = this.db.transaction('blocks', 'readwrite');
    const ids = (await tx.store.index('appOwner').getAllKeys([app, owner])) as string[];
    await Promise.all([...ids.map((id) => tx.store.delete(id)), tx.done]);
    return ids;
  }

  async listBlockIds(): Promise<string[]> {
    return (await this.db.getAllKeys('blocks')) as string[];
  }
}
