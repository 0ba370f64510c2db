import type { BlockRecord, StoredInputInfo } from '../protocol';
import type { EngineStore } from '../engine/engineStore';

/** The main thread's view of storage, kept in Maps, for scheduler tests in node. */
export class MemoryEngineStore implements EngineStore {
  readonly dbName = 'memory';
  readonly blocks = new Map<string, BlockRecord>();
  readonly inputs = new Map<string, { info: StoredInputInfo; blob: Blob }>();
  #next = 0;

  async ready(): Promise<void> {}

  async putInputs(files: Blob[]): Promise<StoredInputInfo[]> {
    return files.map((blob) => {
      const f = blob as Partial<File>;
      const info: StoredInputInfo = { id: `input-${this.#next++}`, name: f.name ?? 'blob', size: blob.size, type: blob.type, lastModified: f.lastModified ?? 0 };
      this.inputs.set(info.id, { info, blob });
      return info;
    });
  }
  async listInputs(): Promise<StoredInputInfo[]> {
    return [...this.inputs.values()].map((i) => i.info);
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
  close(): void {}
}
