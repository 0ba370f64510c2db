import { describe, expect, it } from 'vitest';
import { EventBus } from './eventBus';
import { EmberContext } from './context';
import { InProcessBackend } from '../testing/inProcessBackend';
import { MemoryEngineStore } from '../testing/memoryEngineStore';
import { assertDataStructuresEmptyAfterTest } from '../testing/assertDataStructuresEmpty';

const note = (message: string) => ({ type: 'log' as const, level: 'info' as const, message });
const messages = (jsonl: string) =>
  jsonl
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { message: string }).message);

describe('event history out of the heap', () => {
  it('holds only the current run in memory; past runs are exported from the archive, in order', async () => {
    const store = new MemoryEngineStore();
    const bus = new EventBus(() => 0, store, { runsKept: 10 });
    for (let run = 0; run < 3; run++) {
      bus.runStarted();
      bus.emit(note(`run ${run} a`));
      bus.emit(note(`run ${run} b`));
      expect(bus.history().map((e) => e.type === 'log' && e.message)).toEqual([`run ${run} a`, `run ${run} b`]);
      bus.runEnded();
      expect(bus.history()).toEqual([]);
    }
    bus.emit(note('between runs'));
    expect(messages(await bus.exportJsonLines())).toEqual([
      'run 0 a',
      'run 0 b',
      'run 1 a',
      'run 1 b',
      'run 2 a',
      'run 2 b',
      'between runs',
    ]);
  });

  it('keeps the newest runsKept runs in the archive and deletes older ones', async () => {
    const store = new MemoryEngineStore();
    const bus = new EventBus(() => 0, store, { runsKept: 2 });
    for (let run = 0; run < 5; run++) {
      bus.runStarted();
      bus.emit(note(`run ${run}`));
      bus.runEnded();
    }
    expect(messages(await bus.exportJsonLines())).toEqual(['run 3', 'run 4']);
    expect(new Set([...store.events.values()].map((c) => c.run))).toEqual(new Set([3, 4]));
  });

  it('writes a long run out in chunks, so memory holds at most one chunk of events', async () => {
    const store = new MemoryEngineStore();
    const bus = new EventBus(() => 0, store, { runsKept: 2, chunkEvents: 100 });
    bus.runStarted();
    for (let i = 0; i < 1000; i++) {
      bus.emit(note(`event ${i}`));
      expect(bus.history().length).toBeLessThan(100);
    }
    const exported = messages(await bus.exportJsonLines());
    expect(exported).toHaveLength(1000);
    expect(exported.at(-1)).toBe('event 999');
    bus.runEnded();
    // One run of 10 chunks is one run for retention.
    expect(messages(await bus.exportJsonLines())).toHaveLength(1000);
  });

  it("a context's runs are its top-level actions: the sample job and the sort of a word count are one run", async () => {
    const store = new MemoryEngineStore();
    const ctx = new EmberContext({ resubmitDelayMs: 0 }, { backend: new InProcessBackend(store, 2), store });
    assertDataStructuresEmptyAfterTest(ctx);
    const inputs = await ctx.inputs.add([new File(['b a b\nc b a\n'], 'f.txt')]);
    await ctx.wordCount({ inputs, tokenizer: 'words', inputSplits: 2, shufflePartitions: 2 }).collect();
    await ctx.parallelize([1, 2], 1).count();
    expect(ctx.events.history()).toEqual([]);
    await ctx.events.exportJsonLines(); // waits for the archive's writes
    const runs = [...store.events.values()].sort((a, b) => (a.key < b.key ? -1 : 1));
    expect(runs.map((c) => c.lines.split('\n').filter((l) => l.includes('"job.submitted"')).length)).toEqual([2, 1]);
  });
});
