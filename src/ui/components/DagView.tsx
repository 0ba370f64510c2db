import { useDeferredValue, useEffect, useMemo, useRef, useState, type RefObject } from 'react';
import { Background, Controls, MarkerType, ReactFlow, ReactFlowProvider, useStore, type Edge } from '@xyflow/react';
import type { ViewStore } from '../store/createViewStore';
import { useViewState } from '../hooks/useViewState';
import { viewed } from '../store/viewState';
import { layoutStages, STAGE_WIDTH } from './layoutStages';
import { StageNode, type StageFlowNode } from './StageNode';

/** Defined once at module level: a new nodeTypes object per render makes React Flow remount every node. */
const nodeTypes = { stage: StageNode };
const FIT_VIEW_OPTIONS = { padding: 0.1, maxZoom: 1 };
/** Narrower than two stage cards side by side: stages are stacked, one per row, at a readable size. */
const NARROW = 2 * STAGE_WIDTH;
/** The wide canvas's height; a narrow one grows with its stacked stages up to this many pixels. */
const WIDE_HEIGHT = 320;
const NARROW_MAX_HEIGHT = 2400;
const NARROW_PAD = 8;

/** Reports the lowest edge of the measured stage cards: they grow as attempt lines are added. */
function ReportBottom({ onBottom }: { onBottom(bottom: number): void }) {
  const bottom = useStore((s) => {
    let max = 0;
    for (const n of s.nodeLookup.values())
      max = Math.max(max, n.internals.positionAbsolute.y + (n.measured.height ?? 0));
    return Math.ceil(max);
  });
  useEffect(() => onBottom(bottom), [bottom, onBottom]);
  return null;
}

/** The element's content width, or 0 until it has been laid out (React Flow needs a real size: #004). */
function useWidth(ref: RefObject<HTMLElement | null>): number {
  const [width, setWidth] = useState(0);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const observer = new ResizeObserver(([entry]) => setWidth(Math.floor(entry?.contentRect.width ?? 0)));
    observer.observe(el);
    return () => observer.disconnect();
  }, [ref]);
  return width;
}

export function DagView({ store }: { store: ViewStore }) {
  // The current run, or the earlier one "Show run N" brought back.
  const jobs = useViewState(store, (s) => viewed(s).jobs);
  const runFirstJobId = useViewState(store, (s) => viewed(s).runFirstJobId);
  const shownRunId = useViewState(store, (s) => viewed(s).runId);
  const runJobs = useMemo(() => jobs.filter((j) => j.jobId >= runFirstJobId), [jobs, runFirstJobId]);
  const job = runJobs.at(-1) ?? null;
  // A new stage set mounts a whole new graph (cards, thousands of partition cells, React Flow's
  // measuring): deferred, React renders it interruptibly instead of in one long task at job start.
  // The run is part of the key: a shown run's stage ids can equal the live run's (a new engine numbers from 0).
  const stageKey = useDeferredValue(
    `${shownRunId}:${[...new Set(runJobs.flatMap((j) => j.stageIds))].sort((a, b) => a - b).join(',')}`,
  );

  // Layout depends on the run's stage set only, not on progress: the DAG view does not subscribe to
  // the stages (every task event changes them); a stage's info is in the state by the time a job
  // naming it is. dagre runs only when the stage set changes.
  const infos = useMemo(() => {
    const stages = viewed(store.getState()).stages;
    const stageIds = stageKey.slice(stageKey.indexOf(':') + 1);
    return stageIds === ''
      ? []
      : stageIds.split(',').flatMap((id) => (stages[Number(id)] ? [stages[Number(id)]!.info] : []));
  }, [stageKey, store]);
  const canvas = useRef<HTMLDivElement>(null);
  const width = useWidth(canvas);
  const narrow = width > 0 && width < NARROW;
  const layout = useMemo(() => layoutStages(infos, narrow ? 'stack' : 'LR'), [infos, narrow]);
  const positions = layout.positions;
  // Stacked stages are not fitted into a fixed box (that shrank them to half size on a phone): they are
  // drawn as wide as the canvas allows, at most zoom 1, and the canvas grows as tall as they are.
  const zoom = Math.min(1, (width - 2 * NARROW_PAD) / STAGE_WIDTH);
  const narrowViewport = {
    x: (width - STAGE_WIDTH * zoom) / 2 - (positions.values().next().value?.x ?? 0) * zoom,
    y: 0,
    zoom,
  };
  const [stagesBottom, setStagesBottom] = useState(0);
  const height = narrow
    ? Math.min(NARROW_MAX_HEIGHT, Math.ceil(Math.max(stagesBottom, layout.height) * zoom) + NARROW_PAD)
    : WIDE_HEIGHT;
  // Stages recomputing lost output (a running retry): the edges from them to the stages that wait for
  // that output light up, tracing the path back through the lineage to where recomputation starts.
  const recovering = useViewState(store, (s) =>
    infos
      .filter((info) => {
        const state = viewed(s).stages[info.stageId]?.state;
        return state?.status === 'running' && state.attempt > 0;
      })
      .map((info) => info.stageId)
      .join(','),
  );

  // The final stage of a sort's sampling job computes no result: its card must not read as a second one.
  // The engine describes that job with describeSampleJob ("sampling … to split the sort").
  const sampleStages = useMemo(
    () => new Set(runJobs.filter((j) => j.description.startsWith('sampling ')).map((j) => j.finalStageId)),
    [runJobs],
  );

  // Nodes (and edges) change with the stage set only: each StageNode subscribes to its own stage, so
  // a task event re-renders that stage's card and nothing else, and React Flow sees the same arrays.
  const nodes: StageFlowNode[] = useMemo(
    () =>
      infos.flatMap((info) => {
        const position = positions.get(info.stageId);
        if (!position) return [];
        return [
          {
            id: String(info.stageId),
            type: 'stage' as const,
            position,
            data: {
              stageId: info.stageId,
              store,
              vertical: narrow,
              purpose: sampleStages.has(info.stageId) ? 'samples keys to split the sort' : undefined,
            },
            // The stage card is its own labelled group with focusable cells; a focusable wrapper
            // would add a second, unnamed tab stop per stage.
            focusable: false,
            draggable: false,
            selectable: false,
          },
        ];
      }),
    [infos, positions, store, narrow, sampleStages],
  );

  const edges: Edge[] = useMemo(() => {
    const byId = new Map(infos.map((info) => [info.stageId, info]));
    const lit = new Set(
      recovering
        .split(',')
        .filter((id) => id !== '')
        .map(Number),
    );
    return infos.flatMap((info) =>
      info.parentStageIds.map((parent) => {
        const shuffle = byId.get(parent)?.shuffleId;
        const recovery = lit.has(parent);
        return {
          id: `${parent}-${info.stageId}`,
          source: String(parent),
          target: String(info.stageId),
          label: shuffle === null || shuffle === undefined ? undefined : `shuffle ${shuffle}`,
          markerEnd: { type: MarkerType.ArrowClosed },
          animated: recovery,
          className: recovery ? 'edge-recovery' : undefined,
          focusable: false,
        };
      }),
    );
  }, [infos, recovering]);

  return (
    <section aria-label="DAG" className="panel dag-panel">
      <div className="panel-head">
        <h2>DAG</h2>
        <span className="muted">
          {job
            ? runJobs.map((j) => `job ${j.jobId} (${j.description}): ${j.state.status}`).join(' · ')
            : 'Run a job to see its stages.'}
        </span>
      </div>
      <div className="dag-canvas" ref={canvas} style={{ height }}>
        {job && width > 0 && (
          <ReactFlowProvider>
            <ReactFlow
              // Remount when the stage set changes so fitView frames the new graph.
              key={narrow ? `${stageKey} narrow ${width}` : stageKey}
              nodes={nodes}
              edges={edges}
              nodeTypes={nodeTypes}
              fitView={!narrow}
              fitViewOptions={FIT_VIEW_OPTIONS}
              defaultViewport={narrow ? narrowViewport : undefined}
              minZoom={0.2}
              maxZoom={1.5}
              nodesDraggable={false}
              nodesConnectable={false}
              elementsSelectable={false}
              zoomOnScroll={false}
              // Stacked on a phone, the canvas is as tall as its stages: a drag scrolls the page.
              panOnDrag={!narrow}
              preventScrolling={false}
              colorMode="system"
            >
              <Background />
              <Controls showInteractive={false} />
              {narrow && <ReportBottom onBottom={setStagesBottom} />}
            </ReactFlow>
          </ReactFlowProvider>
        )}
      </div>
    </section>
  );
}
