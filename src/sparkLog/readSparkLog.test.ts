import { describe, expect, it } from 'vitest';
import { readSparkLog } from './readSparkLog';
import { lz4BlockStream, zstdRawFrame } from './testStreams';
import type { EngineEvent } from '../protocol/events';

// A small application in Spark's JsonProtocol: job 0 with stages 0 (map) and 1 (result, 4 partitions).
// Task 1 of stage 0 fails once; stage 1 attempt 0 fails on a fetch; stage 0 attempt 1 and stage 1
// attempt 1 (partitions 2 and 3) follow.
const rdd = (id: number, name: string, partitions: number) => ({
  'RDD ID': id,
  Name: name,
  'Number of Partitions': partitions,
});
const stage = (id: number, attempt: number, tasks: number, extra: object = {}) => ({
  'Stage ID': id,
  'Stage Attempt ID': attempt,
  'Stage Name': id === 0 ? 'reduceByKey at job.py:10' : 'collect at job.py:11',
  'Number of Tasks': tasks,
  'RDD Info': id === 0 ? [rdd(1, 'PythonRDD', 2), rdd(0, 'ParallelCollectionRDD', 2)] : [rdd(2, 'ShuffledRDD', 4)],
  'Parent IDs': id === 0 ? [] : [0],
  ...extra,
});
let taskId = 0;
const task = (s: number, sa: number, p: number, a: number, t: number) => ({
  'Stage ID': s,
  'Stage Attempt ID': sa,
  'Task Info': {
    'Task ID': taskId++,
    Index: p,
    Attempt: a,
    'Partition ID': p,
    'Launch Time': t,
    'Executor ID': '1',
    Speculative: false,
    'Finish Time': t + 5,
  },
});
const ok = { Reason: 'Success' };
const ended = (t: object, reason: object) => ({
  Event: 'SparkListenerTaskEnd',
  ...t,
  'Task End Reason': reason,
  'Task Metrics': { 'Executor Run Time': 5 },
});
const fetchFailed = (reduce: number) => ({
  Reason: 'FetchFailed',
  'Block Manager Address': { 'Executor ID': '1', Host: 'h', Port: 1 },
  'Shuffle ID': 0,
  'Map ID': 7,
  'Map Index': 1,
  'Reduce ID': reduce,
  Message: 'org.apache.spark.shuffle.FetchFailedException\n\tat x',
});
const DESCRIPTION =
  'Traceback (most recent call last):\n  File "job.py", line 3\nValueError: bad record\n SQLSTATE: 38000';

function sparkLog(): string {
  taskId = 0;
  const t0 = [0, 1].map((p) => task(0, 0, p, 0, 1010 + p));
  const t0retry = task(0, 0, 1, 1, 1020);
  const t1 = [0, 1, 2, 3].map((p) => task(1, 0, p, 0, 1030 + p));
  const m1 = [0, 1].map((p) => task(0, 1, p, 0, 1040 + p));
  const r1 = [2, 3].map((p) => task(1, 1, p, 0, 1050 + p));
  const events = [
    { Event: 'SparkListenerLogStart', 'Spark Version': '4.3.0' },
    { Event: 'SparkListenerApplicationStart', 'App Name': 'demo', 'App ID': 'app-1', Timestamp: 1000 },
    {
      Event: 'SparkListenerExecutorAdded',
      Timestamp: 1001,
      'Executor ID': '1',
      'Executor Info': { Host: 'h', 'Total Cores': 2 },
    },
    {
      Event: 'SparkListenerJobStart',
      'Job ID': 0,
      'Submission Time': 1005,
      'Stage Infos': [stage(0, 0, 2), stage(1, 0, 4)],
      'Stage IDs': [0, 1],
      Properties: {},
    },
    { Event: 'SparkListenerStageSubmitted', 'Stage Info': stage(0, 0, 2, { 'Submission Time': 1006 }) },
    ...t0.map((t) => ({ Event: 'SparkListenerTaskStart', ...t })),
    ended(t0[1]!, {
      Reason: 'ExceptionFailure',
      'Class Name': 'org.apache.spark.api.python.PythonException',
      Description: DESCRIPTION,
    }),
    { Event: 'SparkListenerTaskStart', ...t0retry },
    ended(t0[0]!, ok),
    ended(t0retry, ok),
    { Event: 'SparkListenerStageCompleted', 'Stage Info': stage(0, 0, 2, { 'Completion Time': 1025 }) },
    { Event: 'SparkListenerStageSubmitted', 'Stage Info': stage(1, 0, 4, { 'Submission Time': 1029 }) },
    ...t1.map((t) => ({ Event: 'SparkListenerTaskStart', ...t })),
    ended(t1[0]!, ok),
    ended(t1[1]!, ok),
    ended(t1[2]!, fetchFailed(2)),
    {
      Event: 'SparkListenerStageCompleted',
      'Stage Info': stage(1, 0, 4, {
        'Completion Time': 1036,
        'Failure Reason': 'org.apache.spark.shuffle.FetchFailedException\n\tat x',
      }),
    },
    ended(t1[3]!, fetchFailed(3)),
    { Event: 'SparkListenerStageSubmitted', 'Stage Info': stage(0, 1, 2, { 'Submission Time': 1039 }) },
    ...m1.flatMap((t) => [{ Event: 'SparkListenerTaskStart', ...t }, ended(t, ok)]),
    { Event: 'SparkListenerStageCompleted', 'Stage Info': stage(0, 1, 2, { 'Completion Time': 1045 }) },
    { Event: 'SparkListenerStageSubmitted', 'Stage Info': stage(1, 1, 2, { 'Submission Time': 1049 }) },
    ...r1.flatMap((t) => [{ Event: 'SparkListenerTaskStart', ...t }, ended(t, ok)]),
    { Event: 'SparkListenerStageCompleted', 'Stage Info': stage(1, 1, 2, { 'Completion Time': 1060 }) },
    { Event: 'SparkListenerJobEnd', 'Job ID': 0, 'Completion Time': 1061, 'Job Result': { Result: 'JobSucceeded' } },
    { Event: 'SparkListenerApplicationEnd', Timestamp: 1062 },
  ];
  return events.map((e) => JSON.stringify(e)).join('\n') + '\n';
}

const bytes = (s: string) => new TextEncoder().encode(s);
const of = <T extends EngineEvent['type']>(events: EngineEvent[], type: T) =>
  events.filter((e): e is Extract<EngineEvent, { type: T }> => e.type === type);

describe('readSparkLog', () => {
  it('turns a Spark log into the engine events of its attempts, failures and retries', async () => {
    const { app, events } = await readSparkLog([new File([sparkLog()], 'app-1')]);
    expect(app).toEqual({
      name: 'demo',
      appId: 'app-1',
      sparkVersion: '4.3.0',
      jobs: 1,
      stageAttempts: 4,
      taskAttempts: 11,
      failedTasks: 3,
    });
    const job = of(events, 'job.submitted')[0]!;
    expect(job.stages.map((s) => [s.stageId, s.kind, s.shuffleId, s.numPartitions])).toEqual([
      [0, 'shuffleMap', 0, 2],
      [1, 'result', null, 4],
    ]);
    expect(job.stages[0]!.operations).toEqual(['ParallelCollectionRDD', 'PythonRDD']);
    expect(of(events, 'stage.submitted').map((s) => [s.stageId, s.attempt, s.partitions])).toEqual([
      [0, 0, [0, 1]],
      [1, 0, [0, 1, 2, 3]],
      [0, 1, [0, 1]],
      [1, 1, [2, 3]],
    ]);
    const explanations = of(events, 'stage.submitted').map((s) => s.explanation);
    expect(explanations[2]).toBe(
      'Stage 0 attempt 1 re-ran 2 of 2 partitions because the output of shuffle 0 on executor 1 was lost: stage 1 attempt 0 could not fetch it (FetchFailed, map 1, reduce 2).',
    );
    expect(explanations[3]).toBe(
      'Stage 1 attempt 1 re-ran 2 of 4 partitions because attempt 0 could not read its input: the output of shuffle 0 (map 1, reduce 2) on executor 1 was lost (FetchFailed), and Spark recomputed it first.',
    );
    expect(of(events, 'stage.failed')).toEqual([
      {
        type: 'stage.failed',
        time: 36,
        stageId: 1,
        attempt: 0,
        reason:
          'FetchFailed: the output of shuffle 0 (map 1, reduce 2) on executor 1 is missing. Spark: org.apache.spark.shuffle.FetchFailedException',
      },
    ]);
    const failedTask = of(events, 'task.ended').find((t) => t.outcome === 'failed' && t.reason?.kind === 'spark')!;
    expect(failedTask.reason).toEqual({
      kind: 'spark',
      className: 'org.apache.spark.api.python.PythonException',
      message: DESCRIPTION,
    });
    expect(failedTask.explanation).toBe(
      'Task 1 of stage 0.0 (attempt 0) failed on executor 1: org.apache.spark.api.python.PythonException: ValueError: bad record. Spark ran it again as attempt 1.',
    );
    expect(of(events, 'task.ended').filter((t) => t.reason?.kind === 'fetchFailed')).toHaveLength(2);
    expect(of(events, 'job.succeeded')).toEqual([{ type: 'job.succeeded', time: 61, jobId: 0 }]);
  });

  it('reads the same events from a rolling folder compressed with zstd or lz4, in any file order, in any chunking', async () => {
    const plain = await readSparkLog([new File([sparkLog()], 'app-1')]);
    const lines = sparkLog().split(/(?<=\n)/);
    const half = Math.floor(lines.length / 2);
    const parts = [lines.slice(0, half).join(''), lines.slice(half).join('')];
    const zstd = await readSparkLog([
      new File([zstdRawFrame(bytes(parts[1]!))], 'events_2_app-1.zstd'),
      new File([''], 'appstatus_app-1'),
      new File([zstdRawFrame(bytes(parts[0]!))], 'events_1_app-1.zstd'),
    ]);
    // lz4: one block per 100 bytes, so blocks end mid-line and mid-character.
    const blocks = (s: string) => {
      const b = bytes(s);
      return Array.from({ length: Math.ceil(b.length / 100) }, (_, i) => b.subarray(i * 100, i * 100 + 100));
    };
    const lz4 = await readSparkLog([
      new File([lz4BlockStream(blocks(parts[0]!))], 'events_1_app-1.lz4'),
      new File([lz4BlockStream(blocks(parts[1]!))], 'events_2_app-1.lz4'),
    ]);
    expect(zstd).toEqual(plain);
    expect(lz4).toEqual(plain);
  });

  it('reports progress up to every byte, skips a cut-off last line, and names the line of a bad one', async () => {
    const seen: number[] = [];
    const cut = sparkLog() + '{"Event":"SparkListenerTaskStart","Stage';
    const log = await readSparkLog([new File([cut], 'app-1.inprogress')], (p) => seen.push(p.bytesRead / p.totalBytes));
    expect(log.app.taskAttempts).toBe(11);
    expect(seen.at(-1)).toBe(1);
    const bad = sparkLog().replace('"SparkListenerJobEnd"', '"SparkListenerJobEnd');
    await expect(readSparkLog([new File([bad], 'app-1')])).rejects.toThrow(/^app-1, line \d+: not a JSON event/);
    const old = sparkLog().replaceAll('"Partition ID":', '"Partition":');
    await expect(readSparkLog([new File([old], 'app-1')])).rejects.toThrow(/Spark before 3.3 cannot be opened here/);
  });
});
