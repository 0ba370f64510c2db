import dagre from '@dagrejs/dagre';
import type { StageInfo } from '../engineTypes';

export const STAGE_WIDTH = 280;
const CELLS_PER_ROW = 16;

/** A rough height for dagre; React Flow measures the real one, this only has to keep ranks apart. */
export function estimateStageHeight(info: StageInfo): number {
  const gridRows = Math.ceil(info.numPartitions / CELLS_PER_ROW);
  return 130 + info.operations.length * 4 + gridRows * 16;
}

/**
 * Left to right (LR) or top to bottom (TB) in layers; or `stack`: one stage per row in id order (a parent
 * is always created before its children), for a phone, where only one stage card fits across.
 */
export type DagDirection = 'LR' | 'TB' | 'stack';

export interface StageLayout {
  /** Top-left corner of each stage card. */
  positions: Map<number, { x: number; y: number }>;
  /** The laid-out graph's size, margins included. */
  width: number;
  height: number;
}

/**
 * Above this many stages dagre's crossing minimisation takes seconds on the main thread (about 1.5 s for
 * 200 stages on a busy 2-core machine), so large jobs get the plain layered layout below.
 */
const DAGRE_UP_TO = 40;
const NODE_SEP = 60;
const RANK_SEP = 70;
const MARGIN = 10;

/** Parents (map stages) before the stages reading them: dagre for small jobs, plain layers for large ones. */
export function layoutStages(stages: StageInfo[], direction: DagDirection = 'LR'): StageLayout {
  if (direction === 'stack') return stackStages(stages);
  return stages.length > DAGRE_UP_TO ? layerStages(stages, direction) : dagreLayout(stages, direction);
}

/**
 * Each stage in the layer after its deepest parent, layers side by side (LR) or stacked (TB), stages
 * in a layer in id order. No crossing minimisation: linear in stages and edges.
 */
function layerStages(stages: StageInfo[], direction: 'LR' | 'TB'): StageLayout {
  const ids = new Set(stages.map((s) => s.stageId));
  const layer = new Map<number, number>();
  // Stage ids grow with submission order, and a parent is created before its child: one pass in id order.
  const ordered = stages.slice().sort((a, b) => a.stageId - b.stageId);
  for (const s of ordered) {
    const parents = s.parentStageIds.filter((p) => ids.has(p)).map((p) => layer.get(p) ?? 0);
    layer.set(s.stageId, parents.length === 0 ? 0 : Math.max(...parents) + 1);
  }
  const layers: StageInfo[][] = [];
  for (const s of ordered) (layers[layer.get(s.stageId)!] ??= []).push(s);
  const positions = new Map<number, { x: number; y: number }>();
  let along = MARGIN;
  let across = 0;
  for (const members of layers) {
    let offset = MARGIN;
    let depth = 0;
    for (const s of members) {
      const h = estimateStageHeight(s);
      positions.set(s.stageId, direction === 'LR' ? { x: along, y: offset } : { x: offset, y: along });
      offset += (direction === 'LR' ? h : STAGE_WIDTH) + NODE_SEP;
      depth = Math.max(depth, direction === 'LR' ? STAGE_WIDTH : h);
    }
    across = Math.max(across, offset - NODE_SEP + MARGIN);
    along += depth + RANK_SEP;
  }
  const length = along - RANK_SEP + MARGIN;
  return direction === 'LR'
    ? { positions, width: length, height: across }
    : { positions, width: across, height: length };
}

function stackStages(stages: StageInfo[]): StageLayout {
  const positions = new Map<number, { x: number; y: number }>();
  let y = MARGIN;
  for (const s of stages.slice().sort((a, b) => a.stageId - b.stageId)) {
    positions.set(s.stageId, { x: MARGIN, y });
    y += estimateStageHeight(s) + RANK_SEP;
  }
  return { positions, width: STAGE_WIDTH + 2 * MARGIN, height: y - RANK_SEP + MARGIN };
}

function dagreLayout(stages: StageInfo[], direction: 'LR' | 'TB'): StageLayout {
  const g = new dagre.graphlib.Graph();
  // Generous nodesep: a stage grows as attempt lines are added, after the layout is fixed.
  g.setGraph({ rankdir: direction, nodesep: NODE_SEP, ranksep: RANK_SEP, marginx: MARGIN, marginy: MARGIN });
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
  const graph = g.graph();
  return { positions, width: graph.width ?? 0, height: graph.height ?? 0 };
}
