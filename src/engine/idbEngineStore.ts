import type { BlockRecord, StoredEventChunk, StoredInputInfo, StoredMapOutput, StoredRun } from '../protocol';
import { openEngineDb, type EngineDb } from '../storage/schema';
import { BlockStore } from '../storage/blockStore';
import { deleteInput, listInputs, putInputs } from '../storage/inputStore';
import { deleteRun, listRuns, mapOutputsOf, saveMapOutput, saveRun } from '../storage/runJournal';
import { eventChunksOf, pruneEventRuns, saveEventChunk } from '../storage/eventHistory';
import type { EngineStore, StoreState } from './engineStore';

/** The main thread's IndexedDB access: inputs, block deletion, dataset reads, the run journal. */
export class IdbEngineStore implements EngineStore {
  readonly dbName: string;
  readonly #opened: Promise<{ db: EngineDb; blocks: BlockStore; state: StoreState }>;

  constructor(dbName: string) {
    this.dbName = dbName;
    this.#opened = openEngineDb(dbName).then(async (db) => {
      const blocks = new BlockStore(db);
      const runs = await listRuns(db);
      const interruptedRuns = runs.filter((r) => r.status === 'running');
      for (const r of runs) if (r.status !== 'running') await deleteRun(db, r.runId);
      // No scheduler state refers to blocks of an earlier session, except an interrupted run's shuffle
      // blocks, which its resume reads: everything else goes.
      const keep = interruptedRuns.flatMap((r) => r.shuffleIds.map((s) => `shuffle/${s}/`));
      const stale = (await blocks.listBlockIds()).filter((id) => !keep.some((prefix) => id.startsWith(prefix)));
      await blocks.deleteBlocks(stale);
      return { db, blocks, state: { interruptedRuns } };
    });
  }

  async ready(): Promise<StoreState> {
    return (await this.#opened).state;
  }

  async putInputs(files: Blob[]): Promise<StoredInputInfo[]> {
    return putInputs((await this.#opened).db, files);
  }
  async listInputs(): Promise<StoredInputInfo[]> {
    return listInputs((await this.#opened).db);
  }
  async deleteInput(id: string): Promise<void> {
    return deleteInput((await this.#opened).db, id);
  }
  async deleteBlocks(ids: string[]): Promise<void> {
    return (await this.#opened).blocks.deleteBlocks(ids);
  }
  async getBlocks(ids: string[]): Promise<(BlockRecord | undefined)[]> {
    return (await this.#opened).blocks.getBlocks(ids);
  }
  async listBlockIds(): Promise<string[]> {
    return (await this.#opened).blocks.listBlockIds();
  }
  async saveRun(run: StoredRun): Promise<void> {
    return saveRun((await this.#opened).db, run);
  }
  async saveMapOutput(output: Omit<StoredMapOutput, 'key'>): Promise<void> {
    return saveMapOutput((await this.#opened).db, output);
  }
  async mapOutputsOf(runId: string): Promise<StoredMapOutput[]> {
    return mapOutputsOf((await this.#opened).db, runId);
  }
  async deleteRun(runId: string): Promise<void> {
    return deleteRun((await this.#opened).db, runId);
  }
  async saveEventChunk(chunk: StoredEventChunk): Promise<void> {
    return saveEventChunk((await this.#opened).db, chunk);
  }
  async eventChunksOf(session: string): Promise<StoredEventChunk[]> {
    return eventChunksOf((await this.#opened).db, session);
  }
  async pruneEventRuns(runsKept: number): Promise<void> {
    return pruneEventRuns((await this.#opened).db, runsKept);
  }
  close(): void {
    void this.#opened.then(({ db }) => db.close());
  }
}
