import { useDeferredValue, useMemo } from 'react';
import { Background, Controls, MarkerType, ReactFlow, ReactFlowProvider, type Edge } from '@xyflow/react';
import type { ViewStore } from '../store/createViewStore';
import { useViewState } from '../hooks/useViewState';
import { viewed } from '../store/viewState';
import { layoutStages } from './layoutStages';
import { StageNode, type StageFlowNode } from './StageNode';

/** Defined once at module level: a new nodeTypes object per render makes React Flow remount every node. */
const nodeTypes = { stage: StageNode };
const FIT_VIEW_OPTIONS = { padding: 0.1, maxZoom: 1 };

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
  const positions = useMemo(() => layoutStages(infos), [infos]);
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
            data: { stageId: info.stageId, store },
            // The stage card is its own labelled group with focusable cells; a focusable wrapper
            // would add a second, unnamed tab stop per stage.
            focusable: false,
            draggable: false,
            selectable: false,
          },
        ];
      }),
    [infos, positions, store],
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
      <div className="dag-canvas">
        {job && (
          <ReactFlowProvider>
            <ReactFlow
              // Remount when the stage set changes so fitView frames the new graph.
              key={stageKey}
              nodes={nodes}
              edges={edges}
              nodeTypes={nodeTypes}
              fitView
              fitViewOptions={FIT_VIEW_OPTIONS}
              minZoom={0.2}
              maxZoom={1.5}
              nodesDraggable={false}
              nodesConnectable={false}
              elementsSelectable={false}
              zoomOnScroll={false}
              preventScrolling={false}
              colorMode="system"
            >
              <Background />
              <Controls showInteractive={false} />
            </ReactFlow>
          </ReactFlowProvider>
        )}
      </div>
    </section>
  );
}
