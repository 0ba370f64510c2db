import { describe, expect, it } from 'vitest';
import { checkpointBlockId, rddBlockId, shuffleBlockId, type BlockId, type BlockInfo } from '../protocol';
import { BlockMaster } from './blockMaster';

const block = (id: BlockId, owner: number | null, inMemory = false): BlockInfo =>
  ({
    id,
    app: 'app-t',
    owner,
    encoding: 'records',
    bytes: 1,
    records: 1,
    checksum: 0,
    ...(inMemory ? { inMemory } : {}),
  }) as BlockInfo;
const ids = (blocks: readonly BlockInfo[]) => blocks.map((b) => `${b.id}@${b.owner}`).sort();

describe('BlockMaster: blocks of a removed worker', () => {
  const shuffle = shuffleBlockId('app-t', 0, 0, 0);
  const stored = rddBlockId('app-t', 1, 0);
  const memory = rddBlockId('app-t', 2, 0);
  const checkpoint = checkpointBlockId('app-t', 3, 0);

  function master() {
    const m = new BlockMaster();
    m.add([
      block(shuffle, 1),
      block(stored, 1),
      block(memory, 1, true),
      block(memory, 2, true),
      block(checkpoint, null),
    ]);
    return m;
  }

  it('its own copies die with it; owner-less blocks and other workers’ copies survive', () => {
    const m = master();
    expect(ids(m.removeWorker(1, false))).toEqual(ids([block(shuffle, 1), block(stored, 1), block(memory, 1)]));
    expect(ids(m.all())).toEqual(ids([block(memory, 2), block(checkpoint, null)]));
    expect([m.wasRemoved(shuffle), m.wasRemoved(stored), m.wasRemoved(memory)]).toEqual([true, true, false]);
  });

  it('the shuffle service keeps its shuffle blocks', () => {
    const m = master();
    expect(ids(m.removeWorker(1, true))).toEqual(ids([block(stored, 1), block(memory, 1)]));
    expect(m.locations(shuffle)).toEqual([1]);
  });

  it('blocks a task reports after its worker was removed die by the same rule, unless another worker wrote the id since', () => {
    const m = new BlockMaster();
    m.add([block(stored, 2)]); // worker 2 rewrote the stored id after worker 1's task wrote it
    const reported = [block(shuffle, 1), block(stored, 1), block(memory, 1, true), block(checkpoint, null)];
    const { added, dead } = m.addFromTask(reported, 1, true, false);
    expect(ids(dead)).toEqual(ids([block(shuffle, 1), block(memory, 1)]));
    expect(ids(added)).toEqual(ids([block(stored, 1), block(checkpoint, null)]));
    // A live worker's blocks are all registered.
    expect(new BlockMaster().addFromTask(reported, 1, false, false).dead).toEqual([]);
  });
});
