import { describe, expect, it } from 'vitest';
import { explainResubmission, lastLine } from './explain';

describe('explainResubmission', () => {
  const stage = { stageId: 3, attempt: 1, tasks: 2, partitions: 200, shuffleId: 1 };

  it('names the lost executor and why it was lost', () => {
    expect(explainResubmission(stage, { kind: 'executorLost', executor: '2', reason: 'heartbeat timed out' })).toBe(
      'Stage 3 attempt 1 re-ran 2 of 200 partitions because the output of shuffle 1 on executor 2 was lost when executor 2 was lost (heartbeat timed out).',
    );
  });

  it('says so when the log gives no cause', () => {
    expect(explainResubmission(stage, { kind: 'unknown' })).toBe(
      'Stage 3 attempt 1 re-ran 2 of 200 partitions; the log does not say why Spark resubmitted it.',
    );
  });
});

describe('lastLine', () => {
  it("takes a Python exception out of Spark's text, without the SQLSTATE line", () => {
    expect(lastLine('Traceback (most recent call last):\n  File "x.py"\nValueError: bad\n SQLSTATE: 38000\n')).toBe(
      'ValueError: bad',
    );
  });
});
