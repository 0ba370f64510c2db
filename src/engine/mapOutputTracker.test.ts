import { describe, expect, it } from 'vitest';
import { MapOutputTracker } from './mapOutputTracker';

describe('MapOutputTracker: checksums, as Spark’s ShuffleStatus keeps them', () => {
  it('keeps the first checksum of each map partition and refuses an output that differs from it', () => {
    const t = new MapOutputTracker();
    t.registerShuffle(0, 2);
    expect(t.addMapOutput(0, 0, { executorId: 1, sizes: [1] }, 7)).toBe('registered');
    t.unregisterOutput(0, 0); // lost with its worker: the recomputation is checked against the first
    expect(t.addMapOutput(0, 0, { executorId: 2, sizes: [1] }, 8)).toBe('checksumChanged');
    expect(t.missing(0)).toEqual([0, 1]);
    expect(t.addMapOutput(0, 0, { executorId: 2, sizes: [1] }, 7)).toBe('registered');
    expect(t.status(0, 0)?.executorId).toBe(2);
  });

  it('a rolled-back shuffle forgets its checksums: the next computation is the reference', () => {
    const t = new MapOutputTracker();
    t.registerShuffle(0, 1);
    t.addMapOutput(0, 0, { executorId: 1, sizes: [1] }, 7);
    expect(t.unregisterAll(0)).toEqual([0]);
    expect(t.addMapOutput(0, 0, { executorId: 1, sizes: [1] }, 8)).toBe('registered');
    t.unregisterShuffle(0);
    expect(t.size).toBe(0);
  });
});
