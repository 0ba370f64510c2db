import dagre from '@dagrejs/dagre';
import type { StageInfo } from '../engineTypes';

export const STAGE_WIDTH = 280;
const CELLS_PER_ROW = 16;

/** A rough height for dagre; React Flow measures the real one, this only has to keep ranks apart. */
export function estimateStageHeight(info: StageInfo): number {
  const gridRows = Math.ceil(info.numPartitions / CELLS_PER_ROW);
  return 130 + info.operations.length * 4 + gridRows * 16;
}

/** Left-to-right dagre layout of a job's stages: parents (map stages) before the stages reading them. */
export function layoutStages(stages: StageInfo[]): Map<number, { x: number; y: number }> {
  const g = new dagre.graphlib.Graph();
  // Generous nodesep: a stage grows as attempt lines are added, after the layout is fixed.
  g.setGraph({ rankdir: 'LR', nodesep: 60, ranksep: 70, marginx: 10, marginy: 10 });
  g.setDefaultEdgeLabel(() => ({}));
  const ids = new Set(stages.map((s) => s.stageId));
  for (const s of stages) g.setNode(String(s.stageId), { width: STAGE_WIDTH, height: estimateStageHeight(s) });
  for (const s of stages) {
    for (const parent of s.parentStageIds) if (ids.has(parent)) g.setEdge(String(parent), String(s.stageId));
  }
  dagre.layout(g);
  const positions = new Map<number, { x: number; y: number }>();
  for (const s of stages) {
    const n = g.node(String(s.stageId));
    // dagre gives centres; React Flow wants top-left corners.
    positions.set(s.stageId, { x: n.x - STAGE_WIDTH / 2, y: n.y - estimateStageHeight(s) / 2 });
  }
  return positions;
}
