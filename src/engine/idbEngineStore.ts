import type { AppId, BlockRecord, StoredEventChunk, StoredInputInfo, StoredMapOutput, StoredRun } from '../protocol';
import { openEngineDb, type EngineDb } from '../storage/schema';
import { BlockStore } from '../storage/blockStore';
import { deleteAllInputs, deleteInput, listInputs, putInputs } from '../storage/inputStore';
import { claimRun, deleteRun, listRuns, mapOutputsOf, saveMapOutput, saveRun } from '../storage/runJournal';
import { holdAppLock, liveApps, type AppLock } from '../storage/appLock';
import { abandonedBlocks, interruptedRuns } from '../storage/abandoned';
import { eventChunksOf, pruneEventRuns, saveEventChunk } from '../storage/eventHistory';
import type { EngineStore, StoreState } from './engineStore';

/** The main thread's IndexedDB access for one app: inputs, block deletion, dataset reads, the run journal. */
export class IdbEngineStore implements EngineStore {
  readonly dbName: string;
  readonly app: AppId;
  readonly #lock: AppLock;
  readonly #opened: Promise<{ db: EngineDb; blocks: BlockStore; state: StoreState }>;

  constructor(dbName: string, app: AppId) {
    this.dbName = dbName;
    this.app = app;
    // Held before anything is written, so that no other tab ever sees this app's blocks or runs
    // without its lock.
    this.#lock = holdAppLock(dbName, app);
    // A tab that is really going away (not into the back-forward cache) says so at once: the browser
    // would release the lock anyway, but only once the document is gone, which a reloaded page's new
    // engine could otherwise beat, and then not see the interrupted run it should offer.
    globalThis.addEventListener?.('pagehide', (e) => {
      if (!(e as PageTransitionEvent).persisted) this.#lock.release();
    });
    this.#opened = this.#lock.held.then(async () => {
      const db = await openEngineDb(dbName);
      const blocks = new BlockStore(db);
      const runs = await listRuns(db);
      const interrupted = interruptedRuns(runs, await liveApps(dbName));
      // Finished runs are forgotten; runs still running in a live tab are that tab's business.
      for (const r of runs) if (r.status !== 'running') await deleteRun(db, r.runId);
      await this.#deleteAbandoned(db, blocks);
      return { db, blocks, state: { interruptedRuns: interrupted } };
    });
  }

  async #deleteAbandoned(db: EngineDb, blocks: BlockStore): Promise<string[]> {
    // Ids first, then runs and liveness: an engine whose blocks are listed already held its lock when
    // it wrote them, and a run resumed since is journaled as running, so neither can be taken for dead.
    const ids = await blocks.listBlockIds();
    const runs = await listRuns(db);
    const stale = abandonedBlocks(ids, runs, await liveApps(this.dbName));
    await blocks.deleteBlocks(stale);
    return stale;
  }

  async ready(): Promise<StoreState> {
    return (await this.#opened).state;
  }
  async deleteAbandonedBlocks(): Promise<string[]> {
    const { db, blocks } = await this.#opened;
    return this.#deleteAbandoned(db, blocks);
  }
  async claimRun(runId: string): Promise<StoredRun | null> {
    return claimRun((await this.#opened).db, runId, this.app, await liveApps(this.dbName));
  }
  async putInputs(files: Blob[]): Promise<StoredInputInfo[]> {
    return putInputs((await this.#opened).db, files);
  }
  async listInputs(): Promise<StoredInputInfo[]> {
    return listInputs((await this.#opened).db);
  }
  async deleteAllInputs(): Promise<void> {
    return deleteAllInputs((await this.#opened).db);
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
    void this.#opened
      .then(
        ({ db }) => db.close(),
        () => undefined,
      )
      .finally(() => this.#lock.release());
  }
}
