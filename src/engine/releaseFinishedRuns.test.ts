import { describe, expect, it } from 'vitest';
import { EmberContext } from './context';
import { InProcessBackend } from '../testing/inProcessBackend';
import { MemoryEngineStore } from '../testing/memoryEngineStore';
import { rddBlockId, shuffleBlockId, type BlockRecord, type EngineEvent } from '../protocol';

function setup() {
  const store = new MemoryEngineStore();
  const backend = new InProcessBackend(store, 2);
  const ctx = new EmberContext({ resubmitDelayMs: 0 }, { backend, store });
  const events: EngineEvent[] = [];
  ctx.events.subscribe((e) => events.push(e));
  return { ctx, store, events };
}

const stored = (id: string, app: string): BlockRecord =>
  ({ id, app, owner: null, payload: new ArrayBuffer(0), bytes: 0, records: 0, checksum: 0 }) as unknown as BlockRecord;

describe('releaseFinishedRuns (the retention rule before a new run)', () => {
  it("releases this engine's shuffle and cached blocks and the blocks of closed tabs, in its own words", async () => {
    const { ctx, store, events } = setup();
    const cached = ctx
      .parallelize(
        [
          ['a', 1],
          ['b', 2],
          ['a', 3],
        ] as [string, number][],
        2,
      )
      .reduceByKey('sum')
      .cache();
    expect(await cached.collect()).toEqual(
      expect.arrayContaining([
        ['a', 4],
        ['b', 2],
      ]),
    );
    const own = ctx
      .blocks()
      .map((b) => b.id)
      .sort();
    expect(own).toEqual(expect.arrayContaining([shuffleBlockId(ctx.app, 0, 0, 0), rddBlockId(ctx.app, cached.id, 0)]));
    // A tab that closed left a shuffle block behind.
    const gone = shuffleBlockId('app-gone', 0, 0, 0);
    store.blocks.set(gone, stored(gone, 'app-gone'));

    const released = await ctx.releaseFinishedRuns();

    expect(released.sort()).toEqual([...own, gone].sort());
    expect(ctx.blocks()).toEqual([]);
    expect([...store.blocks.keys()]).toEqual([]);
    const removed = events.filter((e) => e.type === 'blocks.removed');
    expect(removed.map((e) => e.type === 'blocks.removed' && e.explanation)).toEqual([
      `${own.length} blocks of finished runs released before this run (retention rule).`,
    ]);
    expect(events.filter((e) => e.type === 'log').map((e) => e.type === 'log' && e.message)).toContain(
      '1 block left by closed tabs deleted before this run (retention rule).',
    );
    expect(JSON.stringify(events)).not.toContain('cleared on purpose');
    // The next run still computes from scratch.
    expect(await cached.collect()).toEqual(
      expect.arrayContaining([
        ['a', 4],
        ['b', 2],
      ]),
    );
  });

  it('says nothing when there is nothing to release', async () => {
    const { ctx, events } = setup();
    expect(await ctx.releaseFinishedRuns()).toEqual([]);
    expect(events.filter((e) => e.type === 'blocks.removed' || e.type === 'log')).toEqual([]);
  });
});
