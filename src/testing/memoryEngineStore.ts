import type { AppId, BlockRecord, StoredEventChunk, StoredInputInfo, StoredMapOutput, StoredRun } from '../protocol';
import { abandonedBlocks, interruptedRuns } from '../storage/abandoned';
import type { EngineStore, StoreState } from '../engine/engineStore';

/** The main thread's view of storage, kept in Maps, for scheduler tests in node. */
export class MemoryEngineStore implements EngineStore {
  readonly dbName = 'memory';
  readonly app: AppId;
  /** Apps whose engines count as live (what Web Locks tell in the browser); this one while open. */
  readonly live = new Set<AppId>();
  readonly blocks = new Map<string, BlockRecord>();
  readonly inputs = new Map<string, { info: StoredInputInfo; blob: Blob }>();
  #next = 0;

  readonly runs = new Map<string, StoredRun>();
  readonly mapOutputs = new Map<string, StoredMapOutput>();

  constructor(app: AppId = 'app-test') {
    this.app = app;
    this.live.add(app);
  }

  /** Like a reopened IndexedDB: runs still 'running' under an app that is not live are interrupted. */
  async ready(): Promise<StoreState> {
    return { interruptedRuns: interruptedRuns([...this.runs.values()], this.live) };
  }
  async deleteAbandonedBlocks(): Promise<string[]> {
    const stale = abandonedBlocks([...this.blocks.keys()], [...this.runs.values()], this.live);
    await this.deleteBlocks(stale);
    return stale;
  }
  async claimRun(runId: string): Promise<StoredRun | null> {
    const run = this.runs.get(runId);
    if (!run || run.status !== 'running' || this.live.has(run.app)) return null;
    run.app = this.app;
    return structuredClone(run);
  }
  async listBlockIds(): Promise<string[]> {
    return [...this.blocks.keys()];
  }
  async saveRun(run: StoredRun): Promise<void> {
    this.runs.set(run.runId, structuredClone(run));
  }
  async saveMapOutput(output: Omit<StoredMapOutput, 'key'>): Promise<void> {
    const key = `${output.runId}/${output.shuffleId}/${output.map}`;
    this.mapOutputs.set(key, { ...output, key });
  }
  async mapOutputsOf(runId: string): Promise<StoredMapOutput[]> {
    return [...this.mapOutputs.values()].filter((o) => o.runId === runId);
  }
  async deleteRun(runId: string): Promise<void> {
    this.runs.delete(runId);
    for (const [k, o] of this.mapOutputs) if (o.runId === runId) this.mapOutputs.delete(k);
  }

  async putInputs(files: Blob[]): Promise<StoredInputInfo[]> {
    return files.map((blob) => {
      const f = blob as Partial<File>;
      const info: StoredInputInfo = {
        id: `input-${this.#next++}`,
        name: f.name ?? 'blob',
        size: blob.size,
        type: blob.type,
        lastModified: f.lastModified ?? 0,
      };
      this.inputs.set(info.id, { info, blob });
      return info;
    });
  }
  async listInputs(): Promise<StoredInputInfo[]> {
    return [...this.inputs.values()].map((i) => i.info);
  }
  async deleteAllInputs(): Promise<void> {
    this.inputs.clear();
  }
  async deleteInput(id: string): Promise<void> {
    this.inputs.delete(id);
  }
  async deleteBlocks(ids: string[]): Promise<void> {
    ids.forEach((id) => this.blocks.delete(id));
  }
  async getBlocks(ids: string[]): Promise<(BlockRecord | undefined)[]> {
    return ids.map((id) => this.blocks.get(id));
  }
  readonly events = new Map<string, StoredEventChunk>();
  async saveEventChunk(chunk: StoredEventChunk): Promise<void> {
    this.events.set(chunk.key, { ...chunk });
  }
  async eventChunksOf(session: string): Promise<StoredEventChunk[]> {
    return [...this.events.values()].filter((c) => c.session === session).sort((a, b) => (a.key < b.key ? -1 : 1));
  }
  async pruneEventRuns(runsKept: number): Promise<void> {
    const runOf = (key: string) => key.slice(0, key.lastIndexOf('/'));
    const runs = [...new Set([...this.events.keys()].sort().map(runOf))];
    const dropped = new Set(runs.slice(0, Math.max(0, runs.length - runsKept)));
    for (const key of [...this.events.keys()]) if (dropped.has(runOf(key))) this.events.delete(key);
  }
  close(): void {
    this.live.delete(this.app);
  }
}
