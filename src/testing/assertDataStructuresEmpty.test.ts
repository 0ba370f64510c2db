import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EmberContext } from '../engine/context';
import { assertDataStructuresEmpty } from './assertDataStructuresEmpty';
import { MemoryEngineStore } from './memoryEngineStore';
import { ScriptedBackend, flush } from './scriptedBackend';

beforeEach(() => void vi.useFakeTimers());
afterEach(() => void vi.useRealTimers());

describe('assertDataStructuresEmpty', () => {
  it('fails while a job runs, naming what it holds, and passes once the job ended', async () => {
    const backend = new ScriptedBackend(2);
    const ctx = new EmberContext({ resubmitDelayMs: 0 }, { backend, store: new MemoryEngineStore() });
    const job = ctx
      .parallelize([1, 2, 3, 4], 2)
      .map((x) => [x % 2, x] as [number, number])
      .reduceByKey('sum', { numPartitions: 2 })
      .count();
    await flush();
    expect(() => assertDataStructuresEmpty(ctx)).toThrow(
      /^The scheduler still holds per-job state after every job ended: .*\bjobs 1\b.*add it to KEPT_AFTER_JOBS with the reason\.$/,
    );
    for (let stage = 0; stage < 2; stage++) {
      for (const l of backend.tasksOf(stage)) backend.succeed(l, stage === 1 ? { kind: 'count', count: 1 } : undefined);
      await flush();
    }
    await expect(job).resolves.toBe(2);
    // The shuffle stays registered (its RDDs are alive): kept on purpose, so not reported.
    expect(ctx.schedulerState()).toMatchObject({ trackedShuffles: 1, jobs: 0 });
    assertDataStructuresEmpty(ctx);
  });
});
