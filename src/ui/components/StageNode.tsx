import { memo } from 'react';
import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';
import type { ViewStore } from '../store/createViewStore';
import { viewed, type StageAttemptView } from '../store/viewState';
import { listPartitions } from '../../engine';
import { useViewState } from '../hooks/useViewState';
import { STAGE_WIDTH } from './layoutStages';
import { PartitionGrid } from './PartitionGrid';

/** `vertical`: stages are stacked (a narrow screen), so edges enter at the top and leave at the bottom. */
export type StageFlowNode = Node<
  /** `purpose`: what the stage is for, when "result" would mislead (a sort's sampling job). */
  { stageId: number; store: ViewStore; vertical?: boolean; purpose?: string },
  'stage'
>;

/** A stage card. It subscribes to its own stage: a task event of another stage leaves it alone. */
export const StageNode = memo(function StageNode({ data }: NodeProps<StageFlowNode>) {
  const { stageId, store } = data;
  const stage = useViewState(store, (s) => viewed(s).stages[stageId]);
  if (!stage) return null;
  const { info, state } = stage;
  let done = 0;
  for (const p of stage.partitions) if (p.status === 'succeeded') done += 1;
  const attempt = 'attempt' in state ? state.attempt : Math.max(0, stage.attempts.length - 1);
  // A running retry is recomputation: the card lights up and says why, in the engine's words.
  const recovery =
    state.status === 'running' && state.attempt > 0 ? (stage.attempts.at(-1)?.explanation ?? null) : null;

  return (
    <div
      role="group"
      aria-label={`Stage ${info.stageId}`}
      className={`stage stage-${state.status}${recovery ? ' stage-recovering' : ''}`}
      style={{ width: STAGE_WIDTH }}
    >
      <Handle type="target" position={data.vertical ? Position.Top : Position.Left} isConnectable={false} />
      <div className="stage-head">
        <strong>Stage {info.stageId}</strong>
        <span className="muted">
          {data.purpose ?? (info.kind === 'result' ? 'result' : `shuffle map → shuffle ${info.shuffleId ?? '?'}`)}
        </span>
      </div>
      <ol className="stage-ops" aria-label="Operations">
        {info.operations.map((op, i) => (
          <li key={i}>{op}</li>
        ))}
      </ol>
      <p className="stage-state">
        <span className={`badge badge-${state.status}`}>{state.status}</span> attempt {attempt}
        {state.status === 'running' && (
          <>
            {' '}
            <progress max={info.numPartitions} value={done} aria-label={`Stage ${info.stageId} progress`} /> {done}/
            {info.numPartitions}
          </>
        )}
      </p>
      {recovery && <p className="stage-recovery">{recovery}</p>}
      {state.status === 'failed' && <p className="stage-reason">{state.reason}</p>}
      {state.status === 'skipped' && <p className="stage-reason">{state.explanation}</p>}
      {(stage.attempts.length > 1 || stage.attempts.some((a) => a.reran)) && (
        <ol className="stage-attempts" aria-label="Attempt history">
          {stage.attempts.map((a, i) => (
            <li key={a.attempt} title={a.explanation ?? undefined}>
              {attemptLine(a, info.numPartitions, stage.attempts[i - 1])}
            </li>
          ))}
        </ol>
      )}
      <PartitionGrid stage={stage} store={store} />
      <Handle type="source" position={data.vertical ? Position.Bottom : Position.Right} isConnectable={false} />
    </div>
  );
});

/**
 * "attempt 1 ran partitions 1, 3 of 8 after attempt 0 failed: FetchFailed(…); succeeded 2/2". All of a
 * stage's attempts stay listed once it has more than one, or once one of them re-ran partitions.
 */
function attemptLine(a: StageAttemptView, total: number, before: StageAttemptView | undefined): string {
  const ran = `attempt ${a.attempt} ran ${a.partitions.length === 1 ? 'partition' : 'partitions'} ${listPartitions(a.partitions)} of ${total}`;
  const why =
    before?.outcome.status === 'failed'
      ? ` after attempt ${before.attempt} failed: ${before.outcome.reason}`
      : a.attempt > 0 && a.explanation
        ? ` (${a.explanation.replace(/\.$/, '')})`
        : '';
  const reran = a.reran
    ? `; re-ran ${a.reran.partitions.length === 1 ? 'partition' : 'partitions'} ${listPartitions(a.reran.partitions)}: ${a.reran.why}`
    : '';
  const progress = `${a.done}/${a.partitions.length}`;
  switch (a.outcome.status) {
    case 'running':
      return `${ran}${why}${reran}; running ${progress}`;
    case 'succeeded':
      return `${ran}${why}${reran}; succeeded ${progress}`;
    case 'failed':
      return `${ran}${why}${reran}; failed — ${a.outcome.reason}`;
  }
}
