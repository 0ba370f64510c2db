import { describe, expect, it } from 'vitest';
import type { BlockInfo, EngineEvent, StageInfo } from '../engineTypes';
import { createViewStore } from './createViewStore';
import { reduceEvents } from './reduceEvents';
import { initialViewState } from './viewState';

const stages: StageInfo[] = [
  {
    stageId: 0,
    kind: 'shuffleMap',
    operations: ['textFile', 'tokenize', 'combine'],
    parentStageIds: [],
    numPartitions: 2,
    shuffleId: 0,
  },
  {
    stageId: 1,
    kind: 'result',
    operations: ['shuffleRead', 'collect'],
    parentStageIds: [0],
    numPartitions: 2,
    shuffleId: null,
  },
];

let t = 0;
type Untimed = EngineEvent extends infer E ? (E extends unknown ? Omit<E, 'time'> : never) : never;
const at = (e: Untimed): EngineEvent => ({ ...e, time: (t += 10) }) as EngineEvent;

function started(
  taskId: number,
  stageId: number,
  stageAttempt: number,
  partition: number,
  executorId: number,
  attempt = 0,
): EngineEvent {
  return at({
    type: 'task.started',
    taskId,
    stageId,
    stageAttempt,
    partition,
    attempt,
    executorId,
    speculative: false,
  });
}

function succeeded(
  taskId: number,
  stageId: number,
  stageAttempt: number,
  partition: number,
  executorId: number,
  attempt = 0,
): EngineEvent {
  return at({
    type: 'task.ended',
    taskId,
    stageId,
    stageAttempt,
    partition,
    attempt,
    executorId,
    outcome: 'success',
    reason: null,
    metrics: null,
    explanation: null,
  });
}

/** Map stage runs on workers 1 and 2; worker 2's block disappears; the reducer meets a fetch failure. */
function fetchFailureRun(): EngineEvent[] {
  t = 0;
  return [
    at({ type: 'executor.added', executorId: 1, reason: 'pool start' }),
    at({ type: 'executor.added', executorId: 2, reason: 'pool start' }),
    at({ type: 'job.submitted', jobId: 0, description: 'wordCount', stages, finalStageId: 1 }),
    at({ type: 'stage.submitted', jobId: 0, stageId: 0, attempt: 0, partitions: [0, 1], explanation: null }),
    started(0, 0, 0, 0, 1),
    started(1, 0, 0, 1, 2),
    succeeded(0, 0, 0, 0, 1),
    succeeded(1, 0, 0, 1, 2),
    at({ type: 'stage.completed', stageId: 0, attempt: 0 }),
    at({ type: 'stage.submitted', jobId: 0, stageId: 1, attempt: 0, partitions: [0, 1], explanation: null }),
    at({
      type: 'blocks.removed',
      blockIds: ['shuffle/app-1/0/1/0', 'shuffle/app-1/0/1/1'],
      explanation: 'Cleared by the user.',
      cause: { kind: 'clearedByUser', what: 'shuffle 0' },
    }),
    started(2, 1, 0, 0, 1),
    started(3, 1, 0, 1, 2),
    succeeded(3, 1, 0, 1, 2),
    at({
      type: 'task.ended',
      taskId: 2,
      stageId: 1,
      stageAttempt: 0,
      partition: 0,
      attempt: 0,
      executorId: 1,
      outcome: 'failed',
      reason: {
        kind: 'fetchFailed',
        shuffleId: 0,
        mapPartition: 1,
        reducePartition: 0,
        owner: 2,
        message: 'block missing',
      },
      metrics: null,
      explanation: 'The shuffle block 0/1/0 written by worker 2 is missing.',
    }),
    at({ type: 'stage.failed', stageId: 1, attempt: 0, reason: 'fetch failed: shuffle 0 map 1' }),
    at({
      type: 'stage.submitted',
      jobId: 0,
      stageId: 0,
      attempt: 1,
      partitions: [1],
      explanation: 'Recomputing map output 1 lost with worker 2.',
    }),
    started(4, 0, 1, 1, 1),
  ];
}

describe('reduceEvents', () => {
  it('records the attempt history of a fetch failure and the parent resubmission', () => {
    const s = reduceEvents(initialViewState(), fetchFailureRun());
    const map = s.stages[0]!;
    const reduce = s.stages[1]!;

    expect(map.state).toEqual({ status: 'running', attempt: 1 });
    expect(map.attempts.map((a) => [a.attempt, a.outcome.status, a.partitions, a.done])).toEqual([
      [0, 'succeeded', [0, 1], 2],
      [1, 'running', [1], 0],
    ]);
    expect(map.attempts[1]!.explanation).toBe('Recomputing map output 1 lost with worker 2.');
    // Only the resubmitted partition starts over; partition 0 keeps its result.
    expect(map.partitions.map((p) => p.status)).toEqual(['succeeded', 'running']);
    expect(map.partitions[1]!.taskIds).toEqual([1, 4]);

    expect(reduce.state).toEqual({ status: 'failed', attempt: 0, reason: 'fetch failed: shuffle 0 map 1' });
    expect(reduce.attempts).toHaveLength(1);
    expect(reduce.partitions.map((p) => p.status)).toEqual(['failed', 'succeeded']);
    const failed = s.tasks[2]!;
    expect(failed.end?.outcome).toBe('failed');
    expect(failed.end?.reasonKind).toBe('fetchFailed');
    expect(failed.end?.reasonText).toContain('worker 2');
  });

  it('continues the history when the reduce stage runs again as attempt 1', () => {
    const events = [
      ...fetchFailureRun(),
      succeeded(4, 0, 1, 1, 1),
      at({ type: 'stage.completed', stageId: 0, attempt: 1 }),
      at({
        type: 'stage.submitted',
        jobId: 0,
        stageId: 1,
        attempt: 1,
        partitions: [0],
        explanation: 'Parent outputs are available again.',
      }),
      started(5, 1, 1, 0, 1, 1),
      succeeded(5, 1, 1, 0, 1, 1),
      at({ type: 'stage.completed', stageId: 1, attempt: 1 }),
      at({ type: 'job.succeeded', jobId: 0 }),
    ];
    const s = reduceEvents(initialViewState(), events);
    const reduce = s.stages[1]!;
    expect(reduce.attempts.map((a) => a.outcome.status)).toEqual(['failed', 'succeeded']);
    expect(reduce.state).toEqual({ status: 'succeeded', attempt: 1 });
    expect(reduce.partitions.map((p) => p.status)).toEqual(['succeeded', 'succeeded']);
    expect(reduce.partitions[0]!.taskIds).toEqual([2, 5]);
    expect(s.jobs[0]!.state.status).toBe('succeeded');
  });

  it('is pure: the previous state is untouched', () => {
    const events = fetchFailureRun();
    const before = reduceEvents(initialViewState(), events.slice(0, 8));
    const snapshot = JSON.stringify(before);
    const summary = before.blockSummary;
    const after = reduceEvents(before, events.slice(8));
    expect(JSON.stringify(before)).toBe(snapshot);
    expect(before.blockSummary).toBe(summary);
    expect(after).not.toBe(before);
    // Several task events for one stage in one batch: earlier states keep their own stage objects.
    const mid = reduceEvents(before, events.slice(8, 14));
    expect(mid.stages[1]).not.toBe(before.stages[1]);
    expect(before.stages[1]!.partitions.map((p) => p.status)).toEqual(['pending', 'pending']);
    // A stage no event of the batch touched keeps its identity, so its DAG node does not re-render.
    expect(reduceEvents(mid, [started(9, 1, 0, 0, 1)]).stages[0]).toBe(mid.stages[0]);
    // Untouched executors keep their identity, so components selecting them do not re-render.
    expect(reduceEvents(after, [at({ type: 'log', level: 'info', message: 'x' })]).executors).toBe(after.executors);
  });

  it('keeps a lost worker lost when a late heartbeat arrives, and tracks blocks', () => {
    t = 0;
    const s = reduceEvents(initialViewState(), [
      at({ type: 'executor.added', executorId: 1, reason: 'pool start' }),
      at({
        type: 'blocks.added',
        blocks: [
          {
            id: 'shuffle/app-1/0/0/0',
            app: 'app-1',
            owner: 1,
            encoding: 'word-counts',
            bytes: 10,
            records: 2,
            checksum: 1,
          },
        ],
      }),
      at({ type: 'executor.removed', executorId: 1, reason: 'Killed by the user.', loss: { kind: 'killedByUser' } }),
      at({ type: 'executor.heartbeat', executorId: 1, running: [] }),
    ]);
    expect(s.executors[1]!.status).toBe('lost');
    expect([...s.blocks.keys()]).toEqual(['shuffle/app-1/0/0/0']);
    expect(s.blockSummary.count).toBe(1);
  });

  it('keeps block totals by producer and owner as blocks come and go', () => {
    t = 0;
    const block = (id: BlockInfo['id'], owner: number | null, bytes: number): BlockInfo => ({
      id,
      app: 'app-1',
      owner,
      encoding: 'word-counts',
      bytes,
      records: 1,
      checksum: 1,
    });
    const s0 = reduceEvents(initialViewState(), [
      at({
        type: 'blocks.added',
        blocks: [
          block('shuffle/app-1/0/0/0', 1, 10),
          block('shuffle/app-1/0/0/1', 2, 20),
          block('shuffle/app-1/10/0/0', 1, 5),
        ],
      }),
      at({ type: 'blocks.added', blocks: [block('rdd/app-1/3/0', null, 7), block('shuffle/app-1/0/0/1', 2, 30)] }),
    ]);
    expect(s0.blockSummary.byKind.map((g) => [g.label, g.count, g.bytes])).toEqual([
      ['Cached RDD 3', 1, 7],
      ['Shuffle 0', 2, 40],
      ['Shuffle 10', 1, 5],
    ]);
    expect(s0.blockSummary.byOwner.get(2)).toEqual({ count: 1, bytes: 30 });
    expect([s0.blockSummary.count, s0.blockSummary.totalBytes]).toEqual([4, 52]);
    const s1 = reduceEvents(s0, [
      at({
        type: 'blocks.removed',
        blockIds: ['shuffle/app-1/0/0/1', 'shuffle/app-1/0/0/0', 'nope'],
        explanation: 'x',
        cause: { kind: 'released' },
      }),
    ]);
    expect(s1.blockSummary.byKind.map((g) => g.label)).toEqual(['Cached RDD 3', 'Shuffle 10']);
    expect(s1.blockSummary.byOwner.has(2)).toBe(false);
    expect([s1.blockSummary.count, s1.blockSummary.totalBytes]).toEqual([2, 12]);
    // The earlier summary is a value of its own.
    expect(s0.blockSummary.count).toBe(4);
    // A batch without block events keeps the summary's identity.
    expect(reduceEvents(s1, [at({ type: 'log', level: 'info', message: 'x' })]).blockSummary).toBe(s1.blockSummary);
  });

  it('marks a speculative pair succeeded when one copy wins and the other is killed', () => {
    t = 0;
    const s = reduceEvents(initialViewState(), [
      at({ type: 'job.submitted', jobId: 0, description: 'x', stages: [stages[0]!], finalStageId: 0 }),
      at({ type: 'stage.submitted', jobId: 0, stageId: 0, attempt: 0, partitions: [0, 1], explanation: null }),
      started(0, 0, 0, 0, 1),
      at({
        type: 'task.started',
        taskId: 1,
        stageId: 0,
        stageAttempt: 0,
        partition: 0,
        attempt: 1,
        executorId: 2,
        speculative: true,
      }),
      succeeded(1, 0, 0, 0, 2, 1),
      at({
        type: 'task.ended',
        taskId: 0,
        stageId: 0,
        stageAttempt: 0,
        partition: 0,
        attempt: 0,
        executorId: 1,
        outcome: 'killed',
        reason: { kind: 'killed', message: 'another attempt succeeded' },
        metrics: null,
        explanation: null,
      }),
    ]);
    expect(s.stages[0]!.partitions[0]!.status).toBe('succeeded');
    expect(s.stages[0]!.attempts[0]!.done).toBe(1);
  });
});

describe('runs with several jobs', () => {
  it('keeps a stage computed earlier in this run succeeded when a later job skips it', () => {
    const frames: (() => void)[] = [];
    const store = createViewStore((cb) => frames.push(cb));
    t = 0;
    const job0 = [
      at({ type: 'job.submitted', jobId: 0, description: 'sample', stages: [stages[0]!], finalStageId: 0 }),
      at({ type: 'stage.submitted', jobId: 0, stageId: 0, attempt: 0, partitions: [0, 1], explanation: null }),
      at({ type: 'stage.completed', stageId: 0, attempt: 0 }),
      at({ type: 'job.succeeded', jobId: 0 }),
    ];
    const job1Skip = (jobId: number) => [
      at({ type: 'job.submitted', jobId, description: 'collect', stages, finalStageId: 1 }),
      at({ type: 'stage.skipped', jobId, stageId: 0, explanation: 'Its shuffle output is still stored.' }),
    ];
    store.markRun(1);
    for (const e of [...job0, ...job1Skip(1)]) store.push(e);
    store.flush();
    expect(store.getState().stages[0]!.state.status).toBe('succeeded');

    // The next run reuses the stored shuffle: now the stage really is skipped.
    store.markRun(2);
    for (const e of job1Skip(2)) store.push(e);
    store.flush();
    expect(store.getState().stages[0]!.state.status).toBe('skipped');
    expect(store.getState().runFirstJobId).toBe(2);
  });
});

describe('a resumed run', () => {
  it('marks the partitions its first attempt leaves out as reused, and a fresh run does not', () => {
    for (const resumed of [true, false]) {
      const store = createViewStore(() => undefined);
      t = 0;
      store.markRun(1, { resumed });
      for (const e of [
        at({ type: 'job.submitted', jobId: 0, description: 'collect', stages, finalStageId: 1 }),
        at({ type: 'stage.submitted', jobId: 0, stageId: 0, attempt: 0, partitions: [1], explanation: null }),
        started(0, 0, 0, 1, 1),
        succeeded(0, 0, 0, 1, 1),
      ])
        store.push(e);
      store.flush();
      const cells = store.getState().stages[0]!.partitions.map((p) => p.status);
      expect(cells).toEqual([resumed ? 'reused' : 'pending', 'succeeded']);
    }
  });
});

describe('createViewStore', () => {
  it("forgets earlier runs' finished task launches when a run starts, and keeps one still running", () => {
    const store = createViewStore(() => undefined);
    t = 0;
    for (const e of [started(0, 0, 0, 0, 1), succeeded(0, 0, 0, 0, 1), started(1, 0, 0, 1, 2)]) store.push(e);
    store.flush();
    expect(Object.keys(store.getState().tasks)).toEqual(['0', '1']);
    store.markRun(1);
    expect(Object.keys(store.getState().tasks)).toEqual(['1']);
  });

  it('batches events and notifies once per scheduled frame', () => {
    const frames: (() => void)[] = [];
    const store = createViewStore((cb) => frames.push(cb));
    let notified = 0;
    store.subscribe(() => notified++);
    for (const e of fetchFailureRun()) store.push(e);
    expect(frames).toHaveLength(1);
    expect(notified).toBe(0);
    frames[0]!();
    expect(notified).toBe(1);
    expect(store.getState().stages[1]!.state.status).toBe('failed');
  });

  it("counts every in-memory copy of a cached partition and forgets only the dead worker's copy", () => {
    t = 0;
    const copy = (owner: number): BlockInfo => ({
      id: 'rdd/app-1/3/0',
      app: 'app-1',
      owner,
      encoding: 'records',
      bytes: 8,
      records: 1,
      checksum: 1,
      inMemory: true,
    });
    const s0 = reduceEvents(initialViewState(), [
      at({ type: 'blocks.added', blocks: [copy(1)] }),
      at({ type: 'blocks.added', blocks: [copy(2), copy(2)] }),
    ]);
    expect([...s0.blocks.values()].map((b) => b.owner)).toEqual([1, 2]);
    expect([s0.blockSummary.count, s0.blockSummary.totalBytes]).toEqual([2, 16]);
    const s1 = reduceEvents(s0, [
      at({
        type: 'blocks.removed',
        blockIds: ['rdd/app-1/3/0'],
        owner: 1,
        explanation: '1 block of worker 1 died with it (killed).',
        cause: { kind: 'diedWithWorker', executorId: 1, loss: { kind: 'killedByUser' } },
      }),
    ]);
    expect([...s1.blocks.values()].map((b) => b.owner)).toEqual([2]);
    expect(s1.blockSummary.byOwner.has(1)).toBe(false);
    const s2 = reduceEvents(s1, [
      at({
        type: 'blocks.removed',
        blockIds: ['rdd/app-1/3/0'],
        explanation: 'unpersisted',
        cause: { kind: 'released' },
      }),
    ]);
    expect(s2.blockSummary.count).toBe(0);
  });

  it('keeps how each task got its cached partition, and logs a recomputation', () => {
    t = 0;
    const explanation =
      'Task 1 of stage 0.0 recomputed partition 1 of rdd 3 on worker 1: no cached copy of it remained (lost with its worker, or cleared).';
    const s = reduceEvents(initialViewState(), [
      at({ type: 'job.submitted', jobId: 0, description: 'x', stages: [stages[0]!], finalStageId: 0 }),
      started(0, 0, 0, 0, 2),
      started(1, 0, 0, 1, 1),
      at({
        type: 'task.ended',
        taskId: 0,
        stageId: 0,
        stageAttempt: 0,
        partition: 0,
        attempt: 0,
        executorId: 2,
        outcome: 'success',
        reason: null,
        metrics: null,
        explanation: null,
        cache: { rddId: 3, partition: 0, level: 'memory', read: 'cached' },
      }),
      at({
        type: 'task.ended',
        taskId: 1,
        stageId: 0,
        stageAttempt: 0,
        partition: 1,
        attempt: 0,
        executorId: 1,
        outcome: 'success',
        reason: null,
        metrics: null,
        explanation,
        cache: { rddId: 3, partition: 1, level: 'memory', read: 'recomputed', busyHolders: [] },
      }),
    ]);
    expect(s.tasks[0]!.end!.cache).toEqual({ rddId: 3, partition: 0, level: 'memory', read: 'cached' });
    expect(s.tasks[1]!.end!.cache?.read).toBe('recomputed');
    expect(s.log.map((l) => l.message).filter((m) => m.startsWith('Task'))).toEqual([explanation]);
  });
});
