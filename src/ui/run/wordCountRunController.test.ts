import { describe, expect, it } from 'vitest';
import type { EngineEvent, StoredInputInfo, UiEngine } from '../engineTypes';
import type { RunSettings } from '../settings';
import { WordCountRunController } from './wordCountRunController';

type Listener = (event: EngineEvent) => void;

const DEFAULT_SETTINGS: RunSettings = {
  tokenizer: 'words',
  workers: 2,
  inputSplits: 4,
  shufflePartitions: 4,
  taskDelayMs: 0,
  failureProbability: 0,
  seed: 1,
  shuffleService: false,
  speculation: false,
};

const input: StoredInputInfo = { id: 'in-1', name: 'a.txt', size: 11, type: 'text/plain', lastModified: 0 };

/** An engine double that records what the controller asks of it; the word count is supplied per test. */
function fakeEngine(runWordCount: UiEngine['runWordCount']) {
  const listeners = new Set<Listener>();
  const calls: string[] = [];
  const engine = {
    events: {
      subscribe(l: Listener) {
        listeners.add(l);
        return () => listeners.delete(l);
      },
    },
    configure: (s: object) => calls.push(`configure ${JSON.stringify(s)}`),
    chaos: { clearBlocks: async (f: object) => (calls.push(`clear ${JSON.stringify(f)}`), []) },
    runWordCount: (o: Parameters<UiEngine['runWordCount']>[0]) => (calls.push('runWordCount'), runWordCount(o)),
    releaseFinishedRuns: async () => (calls.push('releaseFinishedRuns'), []),
    cancelJob: () => calls.push('cancel'),
  } as unknown as UiEngine;
  const emit = (e: EngineEvent) => listeners.forEach((l) => l(e));
  return { engine, calls, emit, listeners };
}

function controllerFor(engine: UiEngine) {
  let t = 0;
  let marks = 0;
  const session = { engine, withWorkers: async () => engine };
  const controller = new WordCountRunController(session, { markRun: () => marks++ }, () => (t += 10));
  return { controller, marks: () => marks };
}

describe('WordCountRunController', () => {
  it('runs a word count: releases the last run, applies the settings, records the outcome and its summary', async () => {
    const { engine, calls, listeners } = fakeEngine(async () => [
      ['the', 3],
      ['cat', 1],
    ]);
    const { controller, marks } = controllerFor(engine);
    const seen: string[] = [];
    controller.subscribe(() => seen.push(controller.getSnapshot().state.status));
    await controller.start({ ...DEFAULT_SETTINGS, failureProbability: 0.25 }, [input]);
    const snap = controller.getSnapshot();
    expect(snap.state).toEqual({
      status: 'succeeded',
      results: [
        ['the', 3],
        ['cat', 1],
      ],
      durationMs: 10,
      chaos: { failureProbability: 0.25, seed: 1 },
    });
    expect(snap.history).toEqual([
      expect.objectContaining({
        id: 1,
        files: 1,
        bytes: 11,
        outcome: { status: 'succeeded', distinctWords: 2, totalWords: 4, durationMs: 10 },
      }),
    ]);
    expect(seen).toEqual(['running', 'succeeded']);
    expect(calls[0]).toContain('"failureProbability":0.25');
    expect(calls.slice(1)).toEqual(['releaseFinishedRuns', 'runWordCount']);
    expect(marks()).toBe(1);
    expect(listeners.size).toBe(0); // the run's subscription ends with it
  });

  it("keeps a failed run's reason, and ignores a second start while one runs", async () => {
    let fail!: (e: Error) => void;
    const { engine, calls } = fakeEngine(() => new Promise((_, reject) => (fail = reject)));
    const { controller } = controllerFor(engine);
    const first = controller.start(DEFAULT_SETTINGS, [input]);
    await controller.start(DEFAULT_SETTINGS, [input]);
    await Promise.resolve();
    await new Promise((r) => setTimeout(r, 0));
    fail(new Error('Job 0 aborted: stage 1 failed 4 times'));
    await first;
    expect(calls.filter((c) => c === 'runWordCount')).toHaveLength(1);
    expect(controller.getSnapshot().state).toEqual({
      status: 'failed',
      reason: 'Job 0 aborted: stage 1 failed 4 times',
      durationMs: 10,
      chaos: { failureProbability: 0, seed: 1 },
    });
    expect(controller.getSnapshot().history).toHaveLength(1);
  });

  it('reports a run the user cancelled as cancelled, and the next run that fails as failed', async () => {
    let fail!: (e: Error) => void;
    const { engine, calls } = fakeEngine(() => new Promise((_, reject) => (fail = reject)));
    const { controller } = controllerFor(engine);
    const first = controller.start(DEFAULT_SETTINGS, [input]);
    await new Promise((r) => setTimeout(r, 0));
    controller.cancel();
    fail(new Error('Cancelled by the user'));
    await first;
    expect(calls).toContain('cancel');
    expect(controller.getSnapshot().state).toMatchObject({ status: 'cancelled', reason: 'Cancelled by the user' });
    expect(controller.getSnapshot().history[0]!.outcome.status).toBe('cancelled');

    const second = controller.start(DEFAULT_SETTINGS, [input]);
    await new Promise((r) => setTimeout(r, 0));
    fail(new Error('Job 2 aborted'));
    await second;
    expect(controller.getSnapshot().state.status).toBe('failed');
  });

  it('marks a resumed run as resumed for the view', async () => {
    const marks: unknown[] = [];
    const engine = { ...fakeEngine(async () => []).engine, resumeRun: async () => [] } as unknown as UiEngine;
    const session = { engine, withWorkers: async () => engine };
    const controller = new WordCountRunController(session, { markRun: (id, o) => marks.push([id, o]) });
    await controller.start(DEFAULT_SETTINGS, [input]);
    await controller.resume(DEFAULT_SETTINGS, {
      runId: 'r1',
      startedAt: 0,
      options: { inputs: [input], tokenizer: 'words', inputSplits: 2, shufflePartitions: 2 },
    } as never);
    expect(marks).toEqual([
      [1, { resumed: false }],
      [2, { resumed: true }],
    ]);
  });

  it('collects per-input notes of the current run only', async () => {
    let finish!: () => void;
    const { engine, emit } = fakeEngine(() => new Promise((r) => (finish = () => r([]))));
    const { controller } = controllerFor(engine);
    const run = controller.start(DEFAULT_SETTINGS, [input]);
    await new Promise((r) => setTimeout(r, 0));
    emit({ type: 'log', level: 'warn', message: '2 invalid UTF-8 sequences', inputId: 'in-1', time: 0 } as EngineEvent);
    emit({ type: 'log', level: 'info', message: 'no input', time: 0 } as EngineEvent);
    finish();
    await run;
    expect(controller.getSnapshot().inputNotes).toEqual({ 'in-1': ['2 invalid UTF-8 sequences'] });
  });
});
