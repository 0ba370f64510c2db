import type { BlockRecord, StoredInputInfo } from '../protocol';
import { openEngineDb, type EngineDb } from '../storage/schema';
import { BlockStore } from '../storage/blockStore';
import { deleteInput, listInputs, putInputs } from '../storage/inputStore';
import type { EngineStore } from './engineStore';

/** The main thread's IndexedDB access: inputs, block deletion, dataset reads. Never shuffle payloads. */
export class IdbEngineStore implements EngineStore {
  readonly dbName: string;
  readonly #db: Promise<EngineDb>;
  readonly #blocks: Promise<BlockStore>;

  constructor(dbName: string) {
    this.dbName = dbName;
    // No scheduler state refers to blocks of an earlier session: start from inputs only.
    this.#db = openEngineDb(dbName).then(async (db) => {
      await new BlockStore(db).clearAll();
      return db;
    });
    this.#blocks = this.#db.then((db) => new BlockStore(db));
  }

  async ready(): Promise<void> {
    await this.#db;
  }

  async putInputs(files: Blob[]): Promise<StoredInputInfo[]> {
    return putInputs(await this.#db, files);
  }
  async listInputs(): Promise<StoredInputInfo[]> {
    return listInputs(await this.#db);
  }
  async deleteInput(id: string): Promise<void> {
    return deleteInput(await this.#db, id);
  }
  async deleteBlocks(ids: string[]): Promise<void> {
    return (await this.#blocks).deleteBlocks(ids);
  }
  async getBlocks(ids: string[]): Promise<(BlockRecord | undefined)[]> {
    return (await this.#blocks).getBlocks(ids);
  }
  /** Deletes every stored block (shuffle, cache, checkpoint, dataset); inputs stay. */
  async clearBlocks(): Promise<void> {
    return (await this.#blocks).clearAll();
  }
  close(): void {
    void this.#db.then((db) => db.close());
  }
}
