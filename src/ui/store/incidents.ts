import type { EngineEvent, ExecutorId } from '../engineTypes';
import { describeClear, describeReason, describeWorkerLoss, parseBlockId, plural } from '../../engine';

export type IncidentKind = 'userKill' | 'userClear' | 'injected' | 'heartbeatTimeout' | 'crashed' | 'reported';

/**
 * One fault in a run and everything it cost: derived from the event list alone (`deriveIncidents`),
 * so that a run imported from another engine's event log gets the same story.
 */
export interface Incident {
  id: number;
  kind: IncidentKind;
  /** The trigger in words: "Worker 1 killed by the user", "Shuffle blocks cleared by the user". */
  trigger: string;
  /** Engine time of the trigger (for a heartbeat timeout: when the worker's silence began, by the timeout). */
  at: number;
  /** How and when the engine noticed; null while nothing has noticed yet (cleared blocks nobody read). */
  detection: { at: number; how: string } | null;
  lost: { blocks: number; mapOutputs: number; cachedPartitions: number; runningTasks: number };
  /** Task launches that redid lost work, and the time they ran (summed task durations). */
  recomputed: { tasks: number; ms: number };
  /** When the last piece of lost work that anything needed again was recomputed; null: not yet. */
  recoveredAt: number | null;
  /** Lost pieces (map outputs, failed tasks) still not recomputed. */
  outstanding: number;
  /** Indexes into the event list of every event that belongs to this incident. */
  events: number[];
}

type Key = string;
const key = (stageId: number, partition: number): Key => `${stageId}:${partition}`;

/** Derives the incidents of one run from its events, in order. Pure: the same events give the same incidents. */
export function deriveIncidents(events: readonly EngineEvent[]): Incident[] {
  const incidents: Incident[] = [];
  const stageOfShuffle = new Map<number, number>();
  const byExecutor = new Map<ExecutorId, Incident>();
  /** Map outputs (shuffle:map) lost in an incident, for the fetch failures that later find them gone. */
  const lostOutput = new Map<string, Incident>();
  /** Stage partitions some incident owes a recomputation of. */
  const owed = new Map<Key, Incident>();
  /** Running task launches that redo an incident's work. */
  const redoing = new Map<number, Incident>();
  /** A stage attempt failed because of an incident: its next attempt redoes that incident's work. */
  const failedBy = new Map<number, Incident>();

  const open = (kind: IncidentKind, trigger: string, at: number, index: number): Incident => {
    const incident: Incident = {
      id: incidents.length + 1,
      kind,
      trigger,
      at,
      detection: null,
      lost: { blocks: 0, mapOutputs: 0, cachedPartitions: 0, runningTasks: 0 },
      recomputed: { tasks: 0, ms: 0 },
      recoveredAt: null,
      outstanding: 0,
      events: [index],
    };
    incidents.push(incident);
    return incident;
  };
  const owe = (incident: Incident, stageId: number, partition: number) => {
    const k = key(stageId, partition);
    if (owed.get(k) === incident) return;
    if (owed.has(k)) owed.get(k)!.outstanding -= 1;
    owed.set(k, incident);
    incident.outstanding += 1;
  };
  const note = (incident: Incident, index: number) => {
    if (incident.events.at(-1) !== index) incident.events.push(index);
  };

  events.forEach((e, index) => {
    switch (e.type) {
      case 'job.submitted':
        for (const s of e.stages) if (s.shuffleId !== null) stageOfShuffle.set(s.shuffleId, s.stageId);
        return;
      case 'executor.removed': {
        const kind: IncidentKind =
          e.loss.kind === 'killedByUser'
            ? 'userKill'
            : e.loss.kind === 'heartbeatTimeout'
              ? 'heartbeatTimeout'
              : e.loss.kind === 'reported'
                ? 'reported'
                : 'crashed';
        const at = e.loss.kind === 'heartbeatTimeout' ? e.time - e.loss.timeoutMs : e.time;
        const incident = open(kind, describeWorkerLoss(e.executorId, e.loss), at, index);
        incident.detection = {
          at: e.time,
          how:
            e.loss.kind === 'heartbeatTimeout'
              ? `the heartbeat check, after ${e.loss.timeoutMs} ms without a heartbeat`
              : e.loss.kind === 'killedByUser'
                ? 'at once: the worker was terminated'
                : e.loss.kind === 'reported'
                  ? "as the application's event log records it"
                  : 'at once: the worker reported an error',
        };
        byExecutor.set(e.executorId, incident);
        return;
      }
      case 'blocks.removed': {
        const cause = e.cause;
        let incident: Incident | undefined;
        if (cause.kind === 'clearedByUser') incident = open('userClear', describeClear(cause.what), e.time, index);
        else if (cause.kind === 'diedWithWorker') incident = byExecutor.get(cause.executorId);
        if (!incident) return;
        note(incident, index);
        incident.lost.blocks += e.blockIds.length;
        const maps = new Set<string>();
        for (const id of e.blockIds) {
          const parsed = parseBlockId(id);
          if (parsed?.kind === 'rdd') incident.lost.cachedPartitions += 1;
          if (parsed?.kind !== 'shuffle') continue;
          const output = `${parsed.shuffle}:${parsed.map}`;
          if (maps.has(output)) continue;
          maps.add(output);
          lostOutput.set(output, incident);
          const stageId = stageOfShuffle.get(parsed.shuffle);
          if (stageId !== undefined) owe(incident, stageId, parsed.map);
        }
        incident.lost.mapOutputs += maps.size;
        return;
      }
      case 'stage.submitted': {
        const incident = failedBy.get(e.stageId);
        if (!incident || e.attempt === 0) return;
        failedBy.delete(e.stageId);
        note(incident, index);
        for (const p of e.partitions) if (!owed.has(key(e.stageId, p))) owe(incident, e.stageId, p);
        return;
      }
      case 'stage.failed': {
        const incident = failedBy.get(e.stageId);
        if (incident) note(incident, index);
        return;
      }
      case 'task.started': {
        const incident = owed.get(key(e.stageId, e.partition));
        if (!incident || e.time < incident.at) return;
        redoing.set(e.taskId, incident);
        incident.recomputed.tasks += 1;
        note(incident, index);
        return;
      }
      case 'task.ended': {
        const k = key(e.stageId, e.partition);
        const redone = redoing.get(e.taskId);
        if (redone) {
          redoing.delete(e.taskId);
          redone.recomputed.ms += e.metrics?.durationMs ?? 0;
          note(redone, index);
        }
        if (e.outcome === 'success') {
          const incident = owed.get(k);
          if (incident) {
            owed.delete(k);
            incident.outstanding -= 1;
            incident.recoveredAt = Math.max(incident.recoveredAt ?? e.time, e.time);
            note(incident, index);
          }
          return;
        }
        const reason = e.reason;
        if (!reason) return;
        if (reason.kind === 'injected') {
          const incident = open(
            'injected',
            `Injected failure in task ${e.partition} of stage ${e.stageId}.${e.stageAttempt}`,
            e.time,
            index,
          );
          incident.detection = { at: e.time, how: 'at once: the task reported its failure' };
          incident.lost.runningTasks += 1;
          owe(incident, e.stageId, e.partition);
        } else if (reason.kind === 'executorLost') {
          const incident = byExecutor.get(reason.executorId);
          if (!incident) return;
          incident.lost.runningTasks += 1;
          note(incident, index);
          owe(incident, e.stageId, e.partition);
        } else if (reason.kind === 'fetchFailed') {
          const incident = lostOutput.get(`${reason.shuffleId}:${reason.mapPartition}`);
          if (!incident) return;
          note(incident, index);
          if (incident.detection === null)
            incident.detection = {
              at: e.time,
              how: `task ${e.partition} of stage ${e.stageId}.${e.stageAttempt} could not read its input (${describeReason(reason).replace(/:.*$/, '')})`,
            };
          failedBy.set(e.stageId, incident);
          owe(incident, e.stageId, e.partition);
        }
        return;
      }
    }
  });
  return incidents;
}

/** "2 blocks (1 map output, 1 cached partition), 1 running task", or "nothing stored". */
export function describeLost(lost: Incident['lost']): string {
  const parts: string[] = [];
  if (lost.blocks > 0) {
    const inner = [
      ...(lost.mapOutputs > 0 ? [plural(lost.mapOutputs, 'map output')] : []),
      ...(lost.cachedPartitions > 0 ? [plural(lost.cachedPartitions, 'cached partition')] : []),
    ];
    parts.push(`${plural(lost.blocks, 'block')}${inner.length > 0 ? ` (${inner.join(', ')})` : ''}`);
  }
  if (lost.runningTasks > 0) parts.push(`the work of ${plural(lost.runningTasks, 'running task')}`);
  return parts.length > 0 ? parts.join(', ') : 'nothing stored';
}

/** Each event's incident id, for grouping log lines. */
export function incidentOfEvent(incidents: readonly Incident[]): Map<number, number> {
  const of = new Map<number, number>();
  for (const incident of incidents) for (const index of incident.events) if (!of.has(index)) of.set(index, incident.id);
  return of;
}
