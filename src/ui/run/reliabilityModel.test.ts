import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { TaskRun } from '../store/viewState';
import { pAbort, pAtLeastOne, reliabilityFigures, unionLength } from './reliabilityModel';

let nextId = 0;
function launch(
  partition: number,
  attempt: number,
  startedAt: number,
  endAt: number,
  outcome: 'success' | 'failed',
  reasonKind: string | null = outcome === 'failed' ? 'injected' : null,
): TaskRun {
  return {
    taskId: nextId++,
    stageId: 0,
    stageAttempt: 0,
    partition,
    attempt,
    executorId: 1,
    speculative: false,
    startedAt,
    cause: null,
    end: { at: endAt, outcome, reasonKind, reasonText: null, explanation: null, cache: null },
  };
}

describe('reliabilityFigures', () => {
  it('counts first-attempt launches as n, not retries', () => {
    const tasks = [
      launch(0, 0, 0, 10, 'failed'),
      launch(0, 1, 10, 30, 'success'),
      launch(1, 0, 0, 20, 'success'),
      launch(2, 0, 0, 20, 'success'),
    ];
    const f = reliabilityFigures({ failureProbability: 0.3, seed: 7 }, tasks, 4);
    expect(f.n).toBe(3);
    expect(f.expectedFailures).toBeCloseTo(0.9);
    expect(f.pAtLeastOneFailure).toBeCloseTo(1 - 0.7 ** 3);
    expect(f.pAbort).toBeCloseTo(1 - (1 - 0.3 ** 4) ** 3);
    expect(f.observedFailures).toBe(1);
    expect(f.closestCall).toBe(1);
    expect(f.seed).toBe(7);
  });

  it('finds the closest call: the most injected failures of one task', () => {
    const tasks = [
      launch(0, 0, 0, 10, 'failed'),
      launch(0, 1, 10, 20, 'failed'),
      launch(0, 2, 20, 30, 'failed'),
      launch(0, 3, 30, 40, 'success'),
      launch(1, 0, 0, 10, 'failed'),
      launch(1, 1, 10, 20, 'success'),
    ];
    const f = reliabilityFigures({ failureProbability: 0.5, seed: 1 }, tasks, 4);
    expect(f.closestCall).toBe(3);
    expect(f.observedFailures).toBe(4);
  });

  it('measures detection and recovery from the launches, overlapping recoveries counted once', () => {
    const tasks = [
      launch(0, 0, 0, 10, 'failed'),
      launch(0, 1, 10, 40, 'success'),
      launch(1, 0, 0, 20, 'failed'),
      launch(1, 1, 20, 50, 'success'),
      launch(2, 0, 0, 100, 'success'),
    ];
    const f = reliabilityFigures({ failureProbability: 0.3, seed: 7 }, tasks, 4);
    expect(f.detectionMeasuredMs).toBe(15);
    // [10, 40] ∪ [20, 50] = 40 ms.
    expect(f.recoveryMeasuredMs).toBe(40);
    // λ = 3 successes over 100 ms; 2 failures take 2 / λ.
    expect(f.recoveryModelMs).toBeCloseTo(200 / 3);
  });

  it('keeps other failures out of the model', () => {
    const tasks = [launch(0, 0, 0, 10, 'failed', 'fetchFailed'), launch(0, 1, 10, 20, 'success')];
    const f = reliabilityFigures({ failureProbability: 0, seed: 1 }, tasks, 4);
    expect(f.observedFailures).toBe(0);
    expect(f.otherFailures).toBe(1);
    expect(f.pAtLeastOneFailure).toBe(0);
    expect(f.detectionMeasuredMs).toBeNull();
    expect(f.recoveryMeasuredMs).toBeNull();
  });
});

describe('probabilities', () => {
  it('are 0 at p = 0 and grow with n', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 0.99, noNaN: true }), fc.integer({ min: 0, max: 500 }), (p, n) => {
        const one = pAtLeastOne(p, n);
        const abort = pAbort(p, n, 4);
        expect(one).toBeGreaterThanOrEqual(0);
        expect(one).toBeLessThanOrEqual(1);
        expect(abort).toBeLessThanOrEqual(one + 1e-12);
        expect(pAtLeastOne(p, n + 1)).toBeGreaterThanOrEqual(one);
        if (p === 0 || n === 0) expect(one).toBe(0);
      }),
    );
  });
});

describe('unionLength', () => {
  it('equals a brute-force count on integer intervals', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 50 }))), (pairs) => {
        const intervals = pairs.map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as [number, number]);
        let covered = 0;
        for (let x = 0; x < 50; x++) if (intervals.some(([a, b]) => a <= x && x < b)) covered++;
        expect(unionLength(intervals)).toBe(covered);
      }),
    );
  });
});
