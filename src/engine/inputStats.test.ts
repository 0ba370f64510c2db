import { describe, expect, it } from 'vitest';
import type { EngineEvent, TaskMetrics } from '../protocol';
import { InputStats, type InputNote } from './inputStats';

/** The input files of these tests, by id: a task reports each file's name with its count. */
const FILES: Record<string, string> = { a: 'bad.txt', b: 'other.txt' };

const metrics = (invalidUtf8?: Record<string, number>, files = FILES): TaskMetrics => ({
  recordsRead: 1,
  bytesRead: 1,
  recordsWritten: 0,
  bytesWritten: 0,
  durationMs: 1,
  ...(invalidUtf8
    ? {
        invalidUtf8: Object.entries(invalidUtf8).map(([inputId, count]) => ({
          inputId,
          fileName: files[inputId]!,
          count,
        })),
      }
    : {}),
});

function ended(
  stageId: number,
  partition: number,
  invalidUtf8: Record<string, number> | undefined,
  outcome: 'success' | 'failed' = 'success',
  stageAttempt = 0,
  files = FILES,
): EngineEvent {
  return {
    time: 0,
    type: 'task.ended',
    taskId: 0,
    stageId,
    stageAttempt,
    partition,
    attempt: 0,
    executorId: 1,
    outcome,
    reason: null,
    metrics: metrics(invalidUtf8, files),
    explanation: null,
  };
}

describe('InputStats', () => {
  it('sums replaced sequences per file, counts a stage partition once, reports at job end', () => {
    const notes: InputNote[] = [];
    const stats = new InputStats((n) => notes.push(n));
    stats.observe(ended(0, 0, { a: 2 }, 'failed'));
    stats.observe(ended(0, 0, { a: 2 }));
    stats.observe(ended(0, 0, { a: 2 })); // a speculative copy or a recomputation: same bytes, not counted again
    stats.observe(ended(0, 1, { a: 1 }));
    stats.observe(ended(0, 2, undefined));
    expect(notes).toEqual([]);
    stats.observe({ time: 0, type: 'job.succeeded', jobId: 0 });
    expect(notes).toEqual([
      { level: 'warn', inputId: 'a', message: 'bad.txt: 3 invalid UTF-8 sequences were replaced by U+FFFD.' },
    ]);
    stats.observe(ended(0, 1, { a: 1 }, 'success', 1));
    stats.observe(ended(1, 0, { a: 1 }));
    stats.observe({ time: 0, type: 'job.failed', jobId: 1, reason: 'x' });
    expect(notes[1]).toEqual({
      level: 'warn',
      inputId: 'a',
      message: 'bad.txt: 1 invalid UTF-8 sequence was replaced by U+FFFD.',
    });
    expect(notes).toHaveLength(2);
  });

  it('groups the files of a task that read several small files', () => {
    const notes: InputNote[] = [];
    const stats = new InputStats((n) => notes.push(n));
    stats.observe(ended(0, 0, { a: 1, b: 2 }, 'success', 0, { a: 'a.txt', b: 'b.txt' }));
    stats.observe({ time: 0, type: 'job.succeeded', jobId: 0 });
    expect(notes.map((n) => n.message)).toEqual([
      'a.txt: 1 invalid UTF-8 sequence was replaced by U+FFFD.',
      'b.txt: 2 invalid UTF-8 sequences were replaced by U+FFFD.',
    ]);
  });
});
