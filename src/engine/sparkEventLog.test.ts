import { describe, expect, it } from 'vitest';
import type { EngineEvent, StageInfo, TaskFailureReason } from '../protocol';
import { sparkEventLog, sparkEventLogFileName, type SparkEventLogRun } from './sparkEventLog';
import { EventBus } from './eventBus';
import { MemoryEngineStore } from '../testing/memoryEngineStore';

type Payload = EngineEvent extends infer E ? (E extends EngineEvent ? Omit<E, 'time'> : never) : never;
type Json = Record<string, any>;

const ORIGIN = 1_700_000_000_000;
const mapStage: StageInfo = {
  stageId: 0,
  kind: 'shuffleMap',
  operations: ['textFile', 'tokenize', 'combine + shuffle write'],
  parentStageIds: [],
  numPartitions: 3,
  shuffleId: 0,
};
const resultStage: StageInfo = {
  stageId: 1,
  kind: 'result',
  operations: ['reduceByKey', 'collect'],
  parentStageIds: [0],
  numPartitions: 2,
  shuffleId: null,
};
const metrics = { recordsRead: 10, bytesRead: 100, recordsWritten: 4, bytesWritten: 40, durationMs: 7 };

/** A tiny run with one of each task end reason, built event by event with increasing times. */
function events(): EngineEvent[] {
  const out: EngineEvent[] = [];
  const push = (e: Payload) => out.push({ ...e, time: out.length * 10 } as EngineEvent);
  let taskId = 0;
  const task = (
    stageId: number,
    stageAttempt: number,
    partition: number,
    attempt: number,
    executorId: number,
    reason: TaskFailureReason | null,
  ) => {
    const id = taskId++;
    const where = { taskId: id, stageId, stageAttempt, partition, attempt, executorId };
    push({ type: 'task.started', ...where, speculative: false });
    const outcome = reason === null ? 'success' : reason.kind === 'killed' ? 'killed' : 'failed';
    push({ type: 'task.ended', ...where, outcome, reason, metrics, explanation: null });
  };
  push({ type: 'executor.added', executorId: 1, reason: 'started' });
  push({ type: 'executor.added', executorId: 2, reason: 'started' });
  push({ type: 'job.submitted', jobId: 0, description: 'sample', stages: [mapStage, resultStage], finalStageId: 1 });
  push({ type: 'stage.submitted', jobId: 0, stageId: 0, attempt: 0, partitions: [0, 1, 2], explanation: null });
  task(0, 0, 0, 0, 1, null); // task 0
  task(0, 0, 1, 0, 2, { kind: 'injected', message: 'Injected failure (probability 0.2, seed 7).' }); // task 1
  task(0, 0, 1, 1, 1, null); // task 2
  task(0, 0, 2, 0, 2, { kind: 'killed', message: 'killed by the user' }); // task 3
  task(0, 0, 2, 1, 2, {
    kind: 'executorLost',
    executorId: 2,
    cause: 'heartbeatTimeout',
    message: 'Worker 2 lost: no heartbeat for 2000 ms.',
  }); // task 4
  push({
    type: 'executor.removed',
    executorId: 2,
    reason: 'Worker 2 lost: no heartbeat for 2000 ms.',
    loss: { kind: 'heartbeatTimeout', timeoutMs: 2000 },
  });
  task(0, 0, 2, 2, 1, null); // task 5
  task(0, 0, 0, 1, 1, null); // task 6: partition 0 again in the same attempt (its output was lost)
  push({ type: 'stage.completed', stageId: 0, attempt: 0 });
  push({ type: 'stage.submitted', jobId: 0, stageId: 1, attempt: 0, partitions: [0, 1], explanation: null });
  task(1, 0, 0, 0, 1, null); // task 7
  task(1, 0, 1, 0, 1, {
    kind: 'fetchFailed',
    shuffleId: 0,
    mapPartition: 1,
    reducePartition: 1,
    owner: 1,
    message: 'shuffle block shuffle/app-x/0/1/1 is missing',
  }); // task 8
  push({ type: 'stage.failed', stageId: 1, attempt: 0, reason: 'FetchFailed: shuffle 0, map 1' });
  push({ type: 'stage.submitted', jobId: 0, stageId: 0, attempt: 1, partitions: [1], explanation: 'lost' });
  task(0, 1, 1, 0, 1, null); // task 9
  push({ type: 'stage.completed', stageId: 0, attempt: 1 });
  push({ type: 'stage.submitted', jobId: 0, stageId: 1, attempt: 1, partitions: [1], explanation: 'retry' });
  task(1, 1, 1, 0, 1, null); // task 10
  push({ type: 'stage.completed', stageId: 1, attempt: 1 });
  push({ type: 'job.succeeded', jobId: 0 });
  push({ type: 'job.submitted', jobId: 1, description: 'again', stages: [mapStage, resultStage], finalStageId: 1 });
  push({ type: 'stage.skipped', jobId: 1, stageId: 0, explanation: 'skipped' });
  push({ type: 'job.failed', jobId: 1, reason: 'Job 1 cancelled.' });
  return out;
}

const run = (overrides: Partial<SparkEventLogRun> = {}): SparkEventLogRun => ({
  appId: 'app-abc-0003',
  appName: 'Emberflow',
  timeOrigin: ORIGIN,
  events: events(),
  executorsAtStart: [],
  ended: true,
  ...overrides,
});
const parse = (text: string): Json[] =>
  text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Json);
const ofType = (lines: Json[], event: string) => lines.filter((l) => l.Event === event);
const taskEnd = (lines: Json[], taskId: number, reason?: string) =>
  ofType(lines, 'SparkListenerTaskEnd').filter(
    (l) => l['Task Info']['Task ID'] === taskId && (!reason || l['Task End Reason'].Reason === reason),
  );

describe('sparkEventLog: an Emberflow run in Spark JsonProtocol', () => {
  const lines = parse(sparkEventLog(run()));

  it('opens with the log start and the application start, ends with the application end', () => {
    expect(lines[0]).toEqual({ Event: 'SparkListenerLogStart', 'Spark Version': '4.3.0' });
    expect(lines[1]).toEqual({
      Event: 'SparkListenerApplicationStart',
      'App Name': 'Emberflow',
      'App ID': 'app-abc-0003',
      Timestamp: ORIGIN,
      User: 'emberflow',
    });
    const lastTime = events().at(-1)!.time;
    expect(lines.at(-1)).toEqual({ Event: 'SparkListenerApplicationEnd', Timestamp: ORIGIN + lastTime, ExitCode: 0 });
    expect(ofType(parse(sparkEventLog(run({ ended: false }))), 'SparkListenerApplicationEnd')).toEqual([]);
  });

  it('writes Attempt on every task, with ids, partitions and attempts unchanged', () => {
    const starts = ofType(lines, 'SparkListenerTaskStart');
    expect(starts).toHaveLength(11);
    for (const s of starts) expect(s['Task Info']).toHaveProperty('Attempt');
    const src = events().filter((e) => e.type === 'task.started');
    expect(starts.map((s) => [s['Stage ID'], s['Stage Attempt ID'], s['Task Info']['Task ID']])).toEqual(
      src.map((e) => [e.stageId, e.stageAttempt, e.taskId]),
    );
    expect(starts.map((s) => [s['Task Info']['Partition ID'], s['Task Info'].Attempt])).toEqual(
      src.map((e) => [e.partition, e.attempt]),
    );
    // Index is the task's place in its stage attempt: attempt 1 of stage 0 ran partition 1 only.
    expect(taskEnd(lines, 9)[0]!['Task Info'].Index).toBe(0);
    expect(taskEnd(lines, 5)[0]!['Task Info'].Index).toBe(2);
  });

  it('maps every reason: Success, ExceptionFailure, TaskKilled, ExecutorLostFailure, FetchFailed, Resubmitted', () => {
    expect(taskEnd(lines, 0, 'Success')).toHaveLength(1);
    expect(taskEnd(lines, 1)[0]).toMatchObject({
      'Task Type': 'ShuffleMapTask',
      'Task End Reason': {
        Reason: 'ExceptionFailure',
        'Class Name': 'emberflow.InjectedFailure',
        Description: 'Injected failure (probability 0.2, seed 7).',
        'Stack Trace': [],
        'Full Stack Trace': 'emberflow.InjectedFailure: Injected failure (probability 0.2, seed 7).',
      },
      'Task Info': { Failed: true, Killed: false, 'Finish Time': ORIGIN + 10 * 7 },
    });
    expect(taskEnd(lines, 3)[0]).toMatchObject({
      'Task End Reason': { Reason: 'TaskKilled', 'Kill Reason': 'killed by the user' },
      'Task Info': { Failed: false, Killed: true },
    });
    expect(taskEnd(lines, 4)[0]!['Task End Reason']).toEqual({
      Reason: 'ExecutorLostFailure',
      'Executor ID': '2',
      'Exit Caused By App': true,
      'Loss Reason': 'Worker 2 lost: no heartbeat for 2000 ms.',
    });
    expect(taskEnd(lines, 8)[0]).toMatchObject({
      'Task Type': 'ResultTask',
      'Task End Reason': {
        Reason: 'FetchFailed',
        'Block Manager Address': { 'Executor ID': '1', Host: 'localhost', Port: 7337 },
        'Shuffle ID': 0,
        'Map ID': 2, // task 2 wrote map partition 1 of shuffle 0
        'Map Index': 1,
        'Reduce ID': 1,
        Message: 'shuffle block shuffle/app-x/0/1/1 is missing',
      },
    });
    // Task 0 succeeded, then partition 0 ran again in the same stage attempt: Spark's Resubmitted,
    // reported with task 0's own Task Info just before the new launch starts.
    const resubmitted = taskEnd(lines, 0, 'Resubmitted');
    expect(resubmitted).toHaveLength(1);
    expect(resubmitted[0]!['Task Info']).toMatchObject({ Attempt: 0, 'Partition ID': 0, Failed: false });
    const at = lines.indexOf(resubmitted[0]!);
    expect(lines[at + 1]).toMatchObject({ Event: 'SparkListenerTaskStart', 'Task Info': { 'Task ID': 6 } });
  });

  it('records stage attempts with their failure reason, and the job result', () => {
    const completed = ofType(lines, 'SparkListenerStageCompleted').map((l) => [
      l['Stage Info']['Stage ID'],
      l['Stage Info']['Stage Attempt ID'],
      l['Stage Info']['Number of Tasks'],
      l['Stage Info']['Failure Reason'] ?? null,
    ]);
    expect(completed).toEqual([
      [0, 0, 3, null],
      [1, 0, 2, 'FetchFailed: shuffle 0, map 1'],
      [0, 1, 1, null],
      [1, 1, 1, null],
    ]);
    const jobEnds = ofType(lines, 'SparkListenerJobEnd').map((l) => l['Job Result']);
    expect(jobEnds).toEqual([
      { Result: 'JobSucceeded' },
      { Result: 'JobFailed', Exception: { Message: 'Job 1 cancelled.', 'Stack Trace': [] } },
    ]);
    // The second job lists stage 0 under its latest attempt, as Spark's latestInfo does.
    const second = ofType(lines, 'SparkListenerJobStart')[1]!;
    expect(second['Stage Infos'].map((s: Json) => [s['Stage ID'], s['Stage Attempt ID']])).toEqual([
      [0, 1],
      [1, 1],
    ]);
  });

  it('gives the DAG visualisation RDDs with scopes and parent ids across the shuffle', () => {
    const [map, result] = ofType(lines, 'SparkListenerJobStart')[0]!['Stage Infos'] as Json[];
    const ids = (s: Json) => s['RDD Info'].map((r: Json) => r['RDD ID']);
    expect(ids(map!)).toEqual([0, 1, 2]);
    expect(map!['RDD Info'].map((r: Json) => r['Parent IDs'])).toEqual([[], [0], [1]]);
    expect(result!['RDD Info'][0]['Parent IDs']).toEqual([2]);
    expect(JSON.parse(result!['RDD Info'][1].Scope)).toEqual({ id: '4', name: 'collect' });
  });

  it('splits metrics by what the stage reads and writes', () => {
    const mapMetrics = taskEnd(lines, 0, 'Success')[0]!['Task Metrics'];
    expect(mapMetrics['Executor Run Time']).toBe(7);
    expect(mapMetrics['Input Metrics']).toEqual({ 'Bytes Read': 100, 'Records Read': 10 });
    expect(mapMetrics['Shuffle Write Metrics']).toMatchObject({
      'Shuffle Bytes Written': 40,
      'Shuffle Records Written': 4,
    });
    const reduceMetrics = taskEnd(lines, 7)[0]!['Task Metrics'];
    expect(reduceMetrics['Shuffle Read Metrics']).toMatchObject({ 'Local Bytes Read': 100, 'Total Records Read': 10 });
    expect(reduceMetrics['Input Metrics']).toEqual({ 'Bytes Read': 0, 'Records Read': 0 });
  });

  it('leaves out a copy that ended after its run closed (its start is in the run before)', () => {
    const evs = events();
    const late: EngineEvent = {
      type: 'task.ended',
      time: evs.at(-1)!.time + 5,
      taskId: 999,
      stageId: 1,
      stageAttempt: 0,
      partition: 0,
      attempt: 1,
      executorId: 1,
      speculative: true,
      outcome: 'killed',
      reason: { kind: 'killed', message: 'another copy succeeded' },
      metrics,
      explanation: null,
    } as EngineEvent;
    const lines = parse(sparkEventLog(run({ events: [...evs, late] })));
    expect(lines.filter((l) => l.Event === 'SparkListenerTaskEnd' && l['Task Info']['Task ID'] === 999)).toEqual([]);
    expect(ofType(lines, 'SparkListenerTaskEnd').length).toBe(
      ofType(parse(sparkEventLog(run())), 'SparkListenerTaskEnd').length,
    );
  });

  it('names the file without a dot', () => {
    expect(sparkEventLogFileName('app-abc-0003')).toBe('emberflow_app-abc-0003');
    expect(sparkEventLogFileName('app.x/1')).not.toMatch(/[./]/);
  });
});

describe('EventBus.exportSparkEventLog', () => {
  it('writes one log per run that ran a job, each with its own App ID and the workers alive at its start', async () => {
    const bus = new EventBus(() => 0, new MemoryEngineStore(), { runsKept: 10, app: 'app-x' });
    const all = events();
    bus.emit({ type: 'executor.added', executorId: 1, reason: 'started' });
    for (let i = 0; i < 2; i++) {
      bus.runStarted();
      for (const e of all.filter((e) => e.type === 'job.submitted' || e.type === 'job.succeeded').slice(0, 2)) {
        const { time: _, ...payload } = e;
        bus.emit(payload as Payload);
      }
      bus.runEnded();
    }
    bus.emit({ type: 'log', level: 'info', message: 'between runs: no job, no log' });
    const logs = await bus.exportSparkEventLog();
    expect(logs.map((l) => [l.appId, l.fileName])).toEqual([
      ['app-x-0000', 'emberflow_app-x-0000'],
      ['app-x-0001', 'emberflow_app-x-0001'],
    ]);
    const second = parse(logs[1]!.text);
    expect(ofType(second, 'SparkListenerExecutorAdded').map((l) => l['Executor ID'])).toEqual(['1']);
    expect(ofType(second, 'SparkListenerApplicationEnd')).toHaveLength(1);
  });
});
