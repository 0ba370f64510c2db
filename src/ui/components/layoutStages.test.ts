import { describe, expect, it } from 'vitest';
import type { StageInfo } from '../engineTypes';
import { estimateStageHeight, layoutStages, STAGE_WIDTH } from './layoutStages';

/** A chain of map stages with a side branch every 10 stages: `count` stages in all. */
function stages(count: number): StageInfo[] {
  return Array.from({ length: count }, (_, id) => ({
    stageId: id,
    kind: id === count - 1 ? 'result' : 'shuffleMap',
    operations: ['shuffleRead', 'map'],
    parentStageIds: id === 0 ? [] : id % 10 === 0 && id >= 2 ? [id - 1, id - 2] : [id - 1],
    numPartitions: 8,
    shuffleId: id === count - 1 ? null : id,
  }));
}

function overlaps(infos: StageInfo[], positions: Map<number, { x: number; y: number }>): boolean {
  const boxes = infos.map((s) => ({ ...positions.get(s.stageId)!, h: estimateStageHeight(s) }));
  return boxes.some((a, i) =>
    boxes.some(
      (b, j) => i < j && a.x < b.x + STAGE_WIDTH && b.x < a.x + STAGE_WIDTH && a.y < b.y + b.h && b.y < a.y + a.h,
    ),
  );
}

describe('layoutStages', () => {
  it('puts a parent left of its child on a wide screen, and above it on a narrow one', () => {
    const infos = stages(3);
    const wide = layoutStages(infos, 'LR').positions;
    expect(wide.get(0)!.x).toBeLessThan(wide.get(1)!.x);
    const tall = layoutStages(infos, 'TB').positions;
    expect(tall.get(0)!.y).toBeLessThan(tall.get(1)!.y);
  });

  it('stacks stages one per row on a phone, even where a stage has two children', () => {
    const infos = [...stages(3), { ...stages(3)[1]!, stageId: 3, parentStageIds: [0] }];
    const { positions, width } = layoutStages(infos, 'stack');
    const ys = [0, 1, 2, 3].map((id) => positions.get(id)!.y);
    expect(ys).toEqual(ys.slice().sort((a, b) => a - b));
    expect(new Set([0, 1, 2, 3].map((id) => positions.get(id)!.x)).size).toBe(1);
    // One stage across: as wide as a card plus its margins.
    expect(width).toBe(STAGE_WIDTH + 20);
  });

  it('puts every stage after all its parents in a large job', () => {
    const infos = stages(200);
    for (const [direction, axis] of [
      ['LR', 'x'],
      ['TB', 'y'],
    ] as const) {
      const { positions } = layoutStages(infos, direction);
      for (const s of infos)
        for (const p of s.parentStageIds) expect(positions.get(p)![axis]).toBeLessThan(positions.get(s.stageId)![axis]);
    }
  });

  it('lays out a 200-stage job without overlapping cards, quickly', () => {
    const infos = stages(200);
    const started = performance.now();
    for (const direction of ['LR', 'TB'] as const) {
      const { positions, width, height } = layoutStages(infos, direction);
      expect(positions.size).toBe(200);
      expect(overlaps(infos, positions)).toBe(false);
      expect(width).toBeGreaterThan(0);
      expect(height).toBeGreaterThan(0);
    }
    expect(performance.now() - started).toBeLessThan(800);
  });
});
