import { describe, expect, it } from 'vitest';
import type { EngineEvent, PartitionPlan, TaskMetrics } from '../protocol';
import { InputStats, type InputNote } from './inputStats';

const split = (inputId: string, fileName: string): PartitionPlan => ({
  kind: 'narrow',
  rddId: 1,
  op: { kind: 'tokenize', tokenizer: 'words' },
  parent: { kind: 'textSplit', rddId: 0, inputId, fileName, fileSize: 100, start: 0, end: 100 },
});

const metrics = (invalidUtf8?: Record<string, number>): TaskMetrics => ({ recordsRead: 1, bytesRead: 1, recordsWritten: 0, bytesWritten: 0, durationMs: 1, ...(invalidUtf8 ? { invalidUtf8 } : {}) });

function ended(stageId: number, partition: number, invalidUtf8: Record<string, number> | undefined, outcome: 'success' | 'failed' = 'success', stageAttempt = 0): EngineEvent {
  return { time: 0, type: 'task.ended', taskId: 0, stageId, stageAttempt, partition, attempt: 0, executorId: 1, outcome, reason: null, metrics: metrics(invalidUtf8), explanation: null };
}

describe('InputStats', () => {
  it('sums replaced sequences per file, counts a stage partition once, reports at job end', () => {
    const plans: Record<string, PartitionPlan> = { '0/0': split('a', 'bad.txt'), '0/1': split('a', 'bad.txt'), '0/2': split('b', 'other.txt'), '1/0': split('a', 'bad.txt') };
    const notes: InputNote[] = [];
    const stats = new InputStats((stage, _attempt, partition) => plans[`${stage}/${partition}`], (n) => notes.push(n));
    stats.observe(ended(0, 0, { a: 2 }, 'failed'));
    stats.observe(ended(0, 0, { a: 2 }));
    stats.observe(ended(0, 0, { a: 2 })); // a speculative copy or a recomputation: same bytes, not counted again
    stats.observe(ended(0, 1, { a: 1 }));
    stats.observe(ended(0, 2, undefined));
    expect(notes).toEqual([]);
    stats.observe({ time: 0, type: 'job.succeeded', jobId: 0 });
    expect(notes).toEqual([{ level: 'warn', inputId: 'a', message: 'bad.txt: 3 invalid UTF-8 sequences were replaced by U+FFFD.' }]);
    stats.observe(ended(0, 1, { a: 1 }, 'success', 1));
    stats.observe(ended(1, 0, { a: 1 }));
    stats.observe({ time: 0, type: 'job.failed', jobId: 1, reason: 'x' });
    expect(notes[1]).toEqual({ level: 'warn', inputId: 'a', message: 'bad.txt: 1 invalid UTF-8 sequence was replaced by U+FFFD.' });
    expect(notes).toHaveLength(2);
  });

  it('groups the files of a task that read several small files', () => {
    const notes: InputNote[] = [];
    const grouped: PartitionPlan = {
      kind: 'textSplits',
      rddId: 0,
      splits: [
        { kind: 'textSplit', rddId: 0, inputId: 'a', fileName: 'a.txt', fileSize: 5, start: 0, end: 5 },
        { kind: 'textSplit', rddId: 0, inputId: 'b', fileName: 'b.txt', fileSize: 5, start: 0, end: 5 },
      ],
    };
    const stats = new InputStats(() => grouped, (n) => notes.push(n));
    stats.observe(ended(0, 0, { a: 1, b: 2 }));
    stats.observe({ time: 0, type: 'job.succeeded', jobId: 0 });
    expect(notes.map((n) => n.message)).toEqual(['a.txt: 1 invalid UTF-8 sequence was replaced by U+FFFD.', 'b.txt: 2 invalid UTF-8 sequences were replaced by U+FFFD.']);
  });

  it('ignores tasks whose plan reads no text split or is no longer known', () => {
    const notes: InputNote[] = [];
    const parallel: PartitionPlan = { kind: 'parallel', rddId: 0, records: [] };
    const stats = new InputStats((stage) => (stage === 0 ? parallel : undefined), (n) => notes.push(n));
    stats.observe(ended(0, 0, { x: 5 }));
    stats.observe(ended(1, 0, { x: 5 }));
    stats.observe({ time: 0, type: 'job.succeeded', jobId: 0 });
    expect(notes).toEqual([]);
  });
});
