import { describe, expect, it } from 'vitest';
import type { EngineEvent, StageInfo } from '../engineTypes';
import { deriveIncidents, describeLost, incidentOfEvent } from './incidents';
import { reduceEvents } from './reduceEvents';
import { initialViewState } from './viewState';

const stages: StageInfo[] = [
  { stageId: 0, kind: 'shuffleMap', operations: ['textFile'], parentStageIds: [], numPartitions: 4, shuffleId: 0 },
  { stageId: 1, kind: 'result', operations: ['collect'], parentStageIds: [0], numPartitions: 2, shuffleId: null },
];

let t = 0;
type Untimed = EngineEvent extends infer E ? (E extends unknown ? Omit<E, 'time'> : never) : never;
const at = (e: Untimed): EngineEvent => ({ ...e, time: (t += 100) }) as EngineEvent;
const metrics = (durationMs: number) => ({
  recordsRead: 0,
  bytesRead: 0,
  recordsWritten: 0,
  bytesWritten: 0,
  durationMs,
});

const start = (taskId: number, stageId: number, partition: number, executorId: number, attempt = 0, stageAttempt = 0) =>
  at({ type: 'task.started', taskId, stageId, stageAttempt, partition, attempt, executorId, speculative: false });
const ok = (taskId: number, stageId: number, partition: number, executorId: number, attempt = 0, stageAttempt = 0) =>
  at({
    type: 'task.ended',
    taskId,
    stageId,
    stageAttempt,
    partition,
    attempt,
    executorId,
    outcome: 'success',
    reason: null,
    metrics: metrics(50),
    explanation: null,
  });
const shuffleBlocks = (map: number) => [`shuffle/app-1/0/${map}/0`, `shuffle/app-1/0/${map}/1`];

const begin = (): EngineEvent[] => [
  at({ type: 'job.submitted', jobId: 0, description: 'collect', stages, finalStageId: 1 }),
  at({ type: 'stage.submitted', jobId: 0, stageId: 0, attempt: 0, partitions: [0, 1, 2, 3], explanation: null }),
];

/** Worker 1 is killed during the map stage: it had finished map 1 and was running map 3. */
function killDuringMap(): EngineEvent[] {
  t = 0;
  return [
    ...begin(),
    start(0, 0, 0, 2),
    start(1, 0, 1, 1),
    ok(1, 0, 1, 1),
    start(2, 0, 3, 1),
    at({
      type: 'executor.removed',
      executorId: 1,
      reason: 'Worker 1 lost: killed by the user.',
      loss: { kind: 'killedByUser' },
    }),
    at({
      type: 'blocks.removed',
      blockIds: shuffleBlocks(1),
      owner: 1,
      explanation: '2 blocks of worker 1 died with it (killed by the user).',
      cause: { kind: 'diedWithWorker', executorId: 1, loss: { kind: 'killedByUser' } },
    }),
    at({
      type: 'task.ended',
      taskId: 2,
      stageId: 0,
      stageAttempt: 0,
      partition: 3,
      attempt: 0,
      executorId: 1,
      outcome: 'failed',
      reason: { kind: 'executorLost', executorId: 1, cause: 'killed', message: 'killed by the user' },
      metrics: null,
      explanation:
        'Task 3 of stage 0.0 failed on worker 1 (ExecutorLost(worker 1): killed by the user); retrying as attempt 1; this failure does not count against the task.',
    }),
    ok(0, 0, 0, 2),
    start(3, 0, 1, 2, 1),
    start(4, 0, 3, 3, 1),
    start(5, 0, 2, 2),
    ok(3, 0, 1, 2, 1),
    ok(4, 0, 3, 3, 1),
    ok(5, 0, 2, 2),
    at({ type: 'stage.completed', stageId: 0, attempt: 0 }),
  ];
}

describe('deriveIncidents', () => {
  it('a kill during the map stage: one incident, its lost output and running task, both recomputed', () => {
    const events = killDuringMap();
    const [incident, ...rest] = deriveIncidents(events);
    expect(rest).toEqual([]);
    expect(incident).toMatchObject({
      kind: 'userKill',
      trigger: 'Worker 1 killed by the user',
      detection: { how: 'at once: the worker was terminated' },
      lost: { blocks: 2, mapOutputs: 1, cachedPartitions: 0, runningTasks: 1 },
      recomputed: { tasks: 2, ms: 100 },
      outstanding: 0,
    });
    // Recovered when the last of the two recomputations (task 4, map 3) ended.
    expect(incident!.recoveredAt).toBe(events[14]!.time);
    expect(describeLost(incident!.lost)).toBe('2 blocks (1 map output), the work of 1 running task');
    // Map 2's first launch after the kill is no recomputation: it was never lost.
    expect(incidentOfEvent([incident!]).has(12)).toBe(false);
  });

  it('the view marks the lost cell at once, and names the cause once it is recomputed', () => {
    const events = killDuringMap();
    const lostAt = events.findIndex((e) => e.type === 'blocks.removed') + 1;
    const during = reduceEvents(initialViewState(), events.slice(0, lostAt));
    expect(during.stages[0]!.partitions[1]).toMatchObject({
      status: 'lost',
      lost: 'its output was lost when worker 1 was killed',
    });
    const after = reduceEvents(initialViewState(), events);
    expect(after.stages[0]!.partitions[1]).toMatchObject({
      status: 'succeeded',
      lost: null,
      recomputed: { times: 1, cause: 'its output was lost when worker 1 was killed' },
    });
    expect(after.stages[0]!.attempts[0]!.reran).toEqual({
      partitions: [1, 3],
      why: 'retry after attempt 0 failed: ExecutorLost(worker 1): killed by the user',
    });
    expect(after.tasks[3]!.cause).toBe('recomputed: its output was lost when worker 1 was killed');
    // Task 3 of stage 0 was never lost: it was retried, not recomputed.
    expect(after.stages[0]!.partitions[3]!.recomputed).toBeNull();
  });

  it('a clear during the reduce stage is detected by the fetch failure and blames the user, not a worker', () => {
    t = 0;
    const events: EngineEvent[] = [
      ...begin(),
      ...[0, 1, 2, 3].flatMap((m) => [start(m, 0, m, 1 + (m % 2)), ok(m, 0, m, 1 + (m % 2))]),
      at({ type: 'stage.completed', stageId: 0, attempt: 0 }),
      at({ type: 'stage.submitted', jobId: 0, stageId: 1, attempt: 0, partitions: [0, 1], explanation: null }),
      start(10, 1, 0, 1),
      ok(10, 1, 0, 1),
      at({
        type: 'blocks.removed',
        blockIds: [0, 1, 2, 3].flatMap(shuffleBlocks),
        explanation:
          '8 blocks cleared by the user (all shuffle blocks); whoever needs them next recomputes them from lineage.',
        cause: { kind: 'clearedByUser', what: 'all shuffle blocks' },
      }),
      start(11, 1, 1, 2),
      at({
        type: 'task.ended',
        taskId: 11,
        stageId: 1,
        stageAttempt: 0,
        partition: 1,
        attempt: 0,
        executorId: 2,
        outcome: 'failed',
        reason: {
          kind: 'fetchFailed',
          shuffleId: 0,
          mapPartition: 0,
          reducePartition: 1,
          owner: 1,
          message: 'is missing.',
        },
        metrics: null,
        explanation: null,
      }),
      at({ type: 'stage.failed', stageId: 1, attempt: 0, reason: 'FetchFailed' }),
      at({ type: 'stage.submitted', jobId: 0, stageId: 0, attempt: 1, partitions: [0, 1, 2, 3], explanation: 'x' }),
      ...[0, 1, 2, 3].flatMap((m) => [start(20 + m, 0, m, 1, 0, 1), ok(20 + m, 0, m, 1, 0, 1)]),
      at({ type: 'stage.submitted', jobId: 0, stageId: 1, attempt: 1, partitions: [1], explanation: 'y' }),
      start(30, 1, 1, 2, 0, 1),
      ok(30, 1, 1, 2, 0, 1),
    ];
    const [incident, ...rest] = deriveIncidents(events);
    expect(rest).toEqual([]);
    expect(incident).toMatchObject({
      kind: 'userClear',
      trigger: 'Shuffle blocks cleared by the user',
      detection: {
        how: 'task 1 of stage 1.0 could not read its input (FetchFailed(shuffle 0, map 0, reduce 1, worker 1))',
      },
      lost: { blocks: 8, mapOutputs: 4, cachedPartitions: 0, runningTasks: 0 },
      recomputed: { tasks: 5, ms: 250 },
      recoveredAt: events.at(-1)!.time,
      outstanding: 0,
    });
    const view = reduceEvents(initialViewState(), events);
    expect(view.stages[0]!.partitions.map((p) => p.recomputed?.cause)).toEqual(
      Array(4).fill('its output was cleared by the user (all shuffle blocks)'),
    );
    const line = view.log.find((l) => l.message.startsWith('8 blocks cleared'))!;
    expect(line).toMatchObject({ kind: 'user', executorId: null, stageId: 0, partitions: [0, 1, 2, 3] });
  });

  it('each injected failure is its own incident, recovered by the retry', () => {
    t = 0;
    const events: EngineEvent[] = [
      ...begin(),
      start(0, 0, 0, 1),
      at({
        type: 'task.ended',
        taskId: 0,
        stageId: 0,
        stageAttempt: 0,
        partition: 0,
        attempt: 0,
        executorId: 1,
        outcome: 'failed',
        reason: { kind: 'injected', message: 'Injected failure (chaos): this attempt was made to fail on purpose.' },
        metrics: metrics(30),
        explanation: null,
      }),
      start(1, 0, 0, 2, 1),
      ok(1, 0, 0, 2, 1),
    ];
    const incidents = deriveIncidents(events);
    expect(incidents.map((i) => [i.trigger, i.recomputed.tasks, i.outstanding, i.recoveredAt])).toEqual([
      ['Injected failure in task 0 of stage 0.0', 1, 0, events.at(-1)!.time],
    ]);
  });

  it('automatic cleanup is no incident', () => {
    t = 0;
    const events = [
      ...begin(),
      at({
        type: 'blocks.removed',
        blockIds: shuffleBlocks(0),
        explanation: '2 blocks of finished runs released before this run (retention rule).',
        cause: { kind: 'retention' },
      }),
    ];
    expect(deriveIncidents(events)).toEqual([]);
    expect(reduceEvents(initialViewState(), events).log.at(-1)).toMatchObject({ kind: 'cleanup', level: 'info' });
  });
});
