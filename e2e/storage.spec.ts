import { test, expect } from './fixtures';
import type { Page } from '@playwright/test';
import type { BlockId, BlockRecord } from '../src/engine';

// src/storage against Chromium's real IndexedDB (the unit tests cannot reach it).

async function deleteDb(page: Page, dbName: string): Promise<void> {
  await page.evaluate(
    (name) =>
      new Promise<void>((resolve, reject) => {
        const req = indexedDB.deleteDatabase(name);
        req.onsuccess = () => resolve();
        req.onerror = () => reject(req.error);
        req.onblocked = () => reject(new Error(`deleting ${name} is blocked: a connection was left open`));
      }),
    dbName,
  );
}

test.describe('storage (IndexedDB)', () => {
  let dbName = '';
  test.beforeEach(({ harness: _ }, testInfo) => {
    dbName = `emberflow-e2e-storage-${testInfo.testId}-${Date.now()}`;
  });
  test.afterEach(async ({ harness }) => {
    await deleteDb(harness, dbName);
  });

  test('block store writes a batch, reads it back in order, deletes by (app, owner) and by prefix', async ({
    harness,
  }) => {
    const result = await harness.evaluate(async (name) => {
      const { openEngineDb, BlockStore } = window.emberflowInternals.storage;
      const db = await openEngineDb(name);
      try {
        const store = new BlockStore(db);
        const block = (id: BlockId, owner: number | null, fill: number, bytes: number): BlockRecord => {
          const payload = new Uint8Array(bytes).fill(fill).buffer;
          return {
            id,
            app: id.split('/')[1] as `app-${string}`,
            owner,
            encoding: 'records',
            payload,
            bytes,
            records: 1,
            checksum: fill,
          };
        };
        await store.putBlocks([
          block('shuffle/app-a/0/0/0', 1, 1, 512 * 1024),
          block('shuffle/app-a/0/0/1', 1, 2, 16),
          block('shuffle/app-a/0/1/0', 2, 3, 16),
          // Another engine's worker 1: executor numbers restart in every app.
          block('shuffle/app-b/0/0/0', 1, 6, 16),
          block('rdd/app-a/4/0', 2, 4, 16),
          block('checkpoint/app-a/4/0', null, 5, 16),
        ]);
        const read = await store.getBlocks(['shuffle/app-a/0/1/0', 'shuffle/app-a/9/9/9', 'shuffle/app-a/0/0/0']);
        const shape = read.map((r) =>
          r === undefined
            ? null
            : {
                id: r.id,
                owner: r.owner,
                len: r.payload.byteLength,
                first: new Uint8Array(r.payload)[0],
                last: new Uint8Array(r.payload).at(-1),
              },
        );
        const byOwner = (await store.deleteByOwner('app-a', 1)).sort();
        const afterOwner = (await store.listBlockIds()).sort();
        const byPrefix = (await store.deleteByPrefix(window.emberflow.rddPrefix('app-a', 4))).sort();
        const afterPrefix = (await store.listBlockIds()).sort();
        return { shape, byOwner, afterOwner, byPrefix, afterPrefix };
      } finally {
        db.close();
      }
    }, dbName);

    expect(result.shape).toEqual([
      { id: 'shuffle/app-a/0/1/0', owner: 2, len: 16, first: 3, last: 3 },
      null,
      { id: 'shuffle/app-a/0/0/0', owner: 1, len: 512 * 1024, first: 1, last: 1 },
    ]);
    expect(result.byOwner).toEqual(['shuffle/app-a/0/0/0', 'shuffle/app-a/0/0/1']);
    // Blocks with owner null (checkpoints) are outside the owner index: they survive any executor.
    // app-b's worker 1 is not app-a's worker 1.
    expect(result.afterOwner).toEqual([
      'checkpoint/app-a/4/0',
      'rdd/app-a/4/0',
      'shuffle/app-a/0/1/0',
      'shuffle/app-b/0/0/0',
    ]);
    expect(result.byPrefix).toEqual(['rdd/app-a/4/0']);
    expect(result.afterPrefix).toEqual(['checkpoint/app-a/4/0', 'shuffle/app-a/0/1/0', 'shuffle/app-b/0/0/0']);
  });

  test('opening a version-2 database drops its app-less blocks and the runs made of them, and keeps the inputs', async ({
    harness,
  }) => {
    const result = await harness.evaluate(async (name) => {
      const request = (r: IDBRequest) =>
        new Promise(
          (resolve, reject) => ((r.onsuccess = () => resolve(r.result)), (r.onerror = () => reject(r.error))),
        );
      // Version 2 as it was: blocks keyed by 'shuffle/<shuffle>/<map>/<reduce>', indexed by executor only.
      const open = indexedDB.open(name, 2);
      open.onupgradeneeded = () => {
        const db = open.result;
        db.createObjectStore('inputs', { keyPath: 'id' });
        db.createObjectStore('blocks', { keyPath: 'id' }).createIndex('owner', 'owner');
        db.createObjectStore('runs', { keyPath: 'runId' });
        db.createObjectStore('mapOutputs', { keyPath: 'key' }).createIndex('runId', 'runId');
      };
      const old = (await request(open)) as IDBDatabase;
      const tx = old.transaction(['inputs', 'blocks', 'runs', 'mapOutputs'], 'readwrite');
      tx.objectStore('inputs').put({
        id: 'in-1',
        name: 'a.txt',
        size: 3,
        type: 'text/plain',
        lastModified: 0,
        blob: new Blob(['a b']),
      });
      tx.objectStore('blocks').put({
        id: 'shuffle/0/0/0',
        owner: 1,
        encoding: 'records',
        payload: new ArrayBuffer(4),
        bytes: 4,
        records: 1,
        checksum: 0,
      });
      tx.objectStore('runs').put({
        runId: 'r1',
        status: 'running',
        startedAt: 0,
        options: {},
        shuffleIds: [0],
        rangeBounds: null,
      });
      tx.objectStore('mapOutputs').put({ key: 'r1/0/0', runId: 'r1', shuffleId: 0, map: 0, sizes: [4] });
      await new Promise((resolve) => (tx.oncomplete = resolve));
      old.close();

      const db = await window.emberflowInternals.storage.openEngineDb(name);
      try {
        return {
          version: db.version,
          inputs: (await db.getAll('inputs')).map((i) => i.name),
          blocks: await db.getAllKeys('blocks'),
          runs: await db.getAllKeys('runs'),
          mapOutputs: await db.getAllKeys('mapOutputs'),
          indexes: [...db.transaction('blocks').store.indexNames],
        };
      } finally {
        db.close();
      }
    }, dbName);
    expect(result).toEqual({
      version: 4,
      inputs: ['a.txt'],
      blocks: [],
      runs: [],
      mapOutputs: [],
      indexes: ['appOwner'],
    });
  });

  test('a batch with one bad record stores nothing (one transaction per task output)', async ({ harness }) => {
    const result = await harness.evaluate(async (name) => {
      const { openEngineDb, BlockStore } = window.emberflowInternals.storage;
      const db = await openEngineDb(name);
      try {
        const store = new BlockStore(db);
        const good: BlockRecord = {
          id: 'shuffle/app-a/1/0/0',
          app: 'app-a',
          owner: 1,
          encoding: 'records',
          payload: new ArrayBuffer(8),
          bytes: 8,
          records: 1,
          checksum: 0,
        };
        // No key: IndexedDB rejects this put with a DataError.
        const bad = { ...good, id: undefined as unknown as BlockId };
        let error = '';
        try {
          await store.putBlocks([good, bad]);
        } catch (e) {
          error = (e as Error).name;
        }
        return { error, ids: await store.listBlockIds() };
      } finally {
        db.close();
      }
    }, dbName);

    expect(result.error).toBe('DataError');
    expect(result.ids).toEqual([]);
  });

  test('inputs keep their bytes and metadata across a page reload', async ({ harness }) => {
    const text = 'first line\nzweite Zeile — ünïcødé 🔥\nlast line without newline';
    const stored = await harness.evaluate(
      async ({ name, text }) => {
        const { openEngineDb, putInputs } = window.emberflowInternals.storage;
        const db = await openEngineDb(name);
        try {
          const file = new File([text], 'words.txt', { type: 'text/plain', lastModified: 1_700_000_000_000 });
          return await putInputs(db, [file, new Blob(['x'])]);
        } finally {
          db.close();
        }
      },
      { name: dbName, text },
    );
    expect(stored.map((s) => s.name)).toEqual(['words.txt', 'input-2']);

    await harness.reload();
    await harness.waitForFunction(() => document.title === 'harness ready');

    const reread = await harness.evaluate(
      async ({ name, id }) => {
        const { openEngineDb, listInputs, getInput, deleteInput } = window.emberflowInternals.storage;
        const db = await openEngineDb(name);
        try {
          const list = await listInputs(db);
          const input = await getInput(db, id);
          const text = input ? await input.blob.text() : null;
          await deleteInput(db, id);
          const left = (await listInputs(db)).map((i) => i.name);
          return { list, text, size: input?.size, left };
        } finally {
          db.close();
        }
      },
      { name: dbName, id: stored[0]!.id },
    );

    expect(reread.list).toHaveLength(2);
    expect(reread.list).toEqual(expect.arrayContaining(stored));
    expect(reread.list[0]).not.toHaveProperty('blob');
    expect(reread.text).toBe(text);
    expect(reread.size).toBe(new TextEncoder().encode(text).byteLength);
    expect(reread.left).toEqual(['input-2']);
  });
});
