import type { EngineEvent } from '../engineTypes';
import { describeOutputLoss, describeReason, parseBlockId, plural } from '../../engine';
import {
  LOG_LIMIT,
  type LogEntry,
  type LogKind,
  type LogLevel,
  type PartitionStatus,
  type PartitionView,
  type StageView,
  type ViewState,
} from './viewState';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type Collection = 'jobs' | 'stages' | 'tasks' | 'executors' | 'log' | 'runEvents';

/** A stage this batch owns: its object and its arrays are fresh copies, safe to mutate in place. */
type StageDraft = Mutable<StageView>;

/**
 * A batch under construction. A collection is copied the first time the batch writes to it and then
 * mutated in place: copying a map of thousands of tasks per event would make a busy frame quadratic,
 * and leaving unwritten collections alone keeps their identity, so a heartbeat re-renders the workers
 * panel only. A stage is likewise copied (with its partition and attempt arrays) once per batch, not
 * once per task event. Objects inside are replaced, never mutated, so the previous ViewState stays
 * intact, except for the block index (see ViewState.blocks), whose changes show in a new blockSummary.
 */
type Draft = Mutable<ViewState> & {
  owned: Set<Collection>;
  ownedStages: Map<number, StageDraft>;
  blocksChanged: boolean;
};

function w<K extends Collection>(d: Draft, key: K): Mutable<ViewState[K]> {
  if (!d.owned.has(key)) {
    d.owned.add(key);
    const value = d[key];
    (d as Mutable<ViewState>)[key] = (Array.isArray(value) ? [...value] : { ...value }) as ViewState[K];
  }
  return d[key] as Mutable<ViewState[K]>;
}

/** The stage, copied for this batch on first write (undefined if unknown). */
function ws(d: Draft, stageId: number): StageDraft | undefined {
  const owned = d.ownedStages.get(stageId);
  if (owned) return owned;
  const stage = d.stages[stageId];
  if (!stage) return undefined;
  const copy: StageDraft = { ...stage, attempts: stage.attempts.slice(), partitions: stage.partitions.slice() };
  d.ownedStages.set(stageId, copy);
  w(d, 'stages')[stageId] = copy;
  return copy;
}

/** Applies events in order and returns the new view state (the input state is not modified, but see ViewState.blocks). */
export function reduceEvents(state: ViewState, events: readonly EngineEvent[]): ViewState {
  if (events.length === 0) return state;
  const draft: Draft = { ...state, owned: new Set(), ownedStages: new Map(), blocksChanged: false };
  for (const event of events) apply(draft, event);
  const { owned: _owned, ownedStages: _ownedStages, blocksChanged, ...next } = draft;
  if (blocksChanged) next.blockSummary = next.blocks.summary();
  if (next.log.length > LOG_LIMIT) next.log = next.log.slice(next.log.length - LOG_LIMIT);
  return next;
}

/** What a log line is about, besides its words. */
type About = Partial<Pick<LogEntry, 'kind' | 'stageId' | 'executorId' | 'taskId' | 'partitions'>>;

function apply(d: Draft, e: EngineEvent): void {
  d.now = Math.max(d.now, e.time);
  remember(d, e);
  switch (e.type) {
    case 'job.submitted': {
      w(d, 'jobs').push({
        jobId: e.jobId,
        description: e.description,
        submittedAt: e.time,
        finalStageId: e.finalStageId,
        stageIds: e.stages.map((s) => s.stageId),
        state: { status: 'running' },
      });
      for (const info of e.stages) {
        // A stage shared with an earlier job keeps its history; it will be skipped or resubmitted.
        if (d.stages[info.stageId]) continue;
        w(d, 'stages')[info.stageId] = {
          info,
          lastJobId: null,
          state: { status: 'pending' },
          attempts: [],
          partitions: Array.from({ length: info.numPartitions }, (_, partition) => ({
            partition,
            status: 'pending',
            taskIds: [],
            lost: null,
            recomputed: null,
          })),
        };
      }
      log(d, e.time, 'info', `Job ${e.jobId} submitted: ${e.description} (${e.stages.length} stages).`, {
        kind: 'job',
      });
      return;
    }
    case 'job.succeeded':
      endJob(d, e.jobId, { status: 'succeeded', endedAt: e.time });
      log(d, e.time, 'info', `Job ${e.jobId} succeeded.`, { kind: 'job' });
      return;
    case 'job.failed':
      endJob(d, e.jobId, { status: 'failed', endedAt: e.time, reason: e.reason });
      log(d, e.time, 'error', `Job ${e.jobId} failed: ${e.reason}`, { kind: 'job' });
      return;
    case 'stage.submitted': {
      const stage = ws(d, e.stageId);
      if (!stage) return;
      stage.lastJobId = e.jobId;
      stage.state = { status: 'running', attempt: e.attempt };
      stage.attempts.push({
        attempt: e.attempt,
        submittedAt: e.time,
        partitions: e.partitions,
        done: 0,
        reran: null,
        explanation: e.explanation,
        outcome: { status: 'running' },
      });
      // Partitions this attempt recomputes start over; the others keep their finished state.
      // A lost cell keeps saying so until a task recomputes it.
      for (const i of e.partitions) {
        const p = stage.partitions[i];
        if (p && p.status !== 'lost') stage.partitions[i] = { ...p, status: 'pending' };
      }
      // A resumed run's first attempt leaves out the partitions whose output survived the reload.
      if (d.runResumed && e.jobId >= d.runFirstJobId) {
        const run = new Set(e.partitions);
        stage.partitions.forEach((p, i) => {
          if (!run.has(i) && p.status === 'pending' && p.taskIds.length === 0)
            stage.partitions[i] = { ...p, status: 'reused' };
        });
      }
      // The engine's explanation is a whole sentence naming the stage; repeating it here would stutter.
      const what = `Stage ${e.stageId} attempt ${e.attempt} submitted with ${plural(e.partitions.length, 'task')}.`;
      log(d, e.time, e.attempt > 0 ? 'warn' : 'info', e.explanation ?? what, {
        stageId: e.stageId,
        partitions: e.partitions,
      });
      return;
    }
    case 'stage.skipped': {
      const stage = d.stages[e.stageId];
      // A stage computed by an earlier job of this same run (the sort's sampling job) stays shown as
      // succeeded: "skipped" would hide the work the user just watched.
      const ranThisRun =
        stage?.lastJobId !== null && stage?.lastJobId !== undefined && stage.lastJobId >= d.runFirstJobId;
      if (stage && !(ranThisRun && stage.state.status === 'succeeded')) {
        const draft = ws(d, e.stageId)!;
        draft.state = { status: 'skipped', explanation: e.explanation };
        draft.partitions.forEach((p, i) => {
          if (p.status === 'pending') draft.partitions[i] = { ...p, status: 'skipped' };
        });
      }
      // The engine's explanation already names the stage.
      log(d, e.time, 'info', e.explanation, { stageId: e.stageId });
      return;
    }
    case 'stage.completed': {
      const stage = ws(d, e.stageId);
      if (stage) {
        stage.state = { status: 'succeeded', attempt: e.attempt };
        setAttempt(stage, e.attempt, (a) => ({ ...a, outcome: { status: 'succeeded', at: e.time } }));
      }
      log(d, e.time, 'info', `Stage ${e.stageId} attempt ${e.attempt} completed.`, { stageId: e.stageId });
      return;
    }
    case 'stage.failed': {
      const stage = ws(d, e.stageId);
      if (stage) {
        stage.state = { status: 'failed', attempt: e.attempt, reason: e.reason };
        setAttempt(stage, e.attempt, (a) => ({ ...a, outcome: { status: 'failed', at: e.time, reason: e.reason } }));
      }
      log(d, e.time, 'warn', `Stage ${e.stageId} attempt ${e.attempt} failed: ${e.reason}`, { stageId: e.stageId });
      return;
    }
    case 'task.started': {
      const before = d.stages[e.stageId]?.partitions[e.partition];
      const cause = before ? launchCause(d, e.stageId, e.stageAttempt, before) : null;
      // attempt > 0: launched again inside the same stage attempt (a retry, or lost output recomputed).
      if (cause !== null && e.attempt > 0) noteRerun(d, e.stageId, e.stageAttempt, e.partition, cause);
      w(d, 'tasks')[e.taskId] = {
        taskId: e.taskId,
        stageId: e.stageId,
        stageAttempt: e.stageAttempt,
        partition: e.partition,
        attempt: e.attempt,
        executorId: e.executorId,
        speculative: e.speculative,
        startedAt: e.time,
        cause,
        end: null,
      };
      updatePartition(d, e.stageId, e.partition, (p) => ({
        ...p,
        status: p.status === 'succeeded' ? 'succeeded' : 'running',
        taskIds: p.taskIds.includes(e.taskId) ? p.taskIds : [...p.taskIds, e.taskId],
      }));
      if (e.speculative) {
        log(
          d,
          e.time,
          'info',
          `Speculative copy of task ${e.partition} of stage ${e.stageId}.${e.stageAttempt} started on worker ${e.executorId}.`,
          { kind: 'task', stageId: e.stageId, executorId: e.executorId, taskId: e.taskId, partitions: [e.partition] },
        );
      }
      return;
    }
    case 'task.ended': {
      const prior = d.tasks[e.taskId];
      const reasonText = e.reason ? describeReason(e.reason) : null;
      w(d, 'tasks')[e.taskId] = {
        taskId: e.taskId,
        stageId: e.stageId,
        stageAttempt: e.stageAttempt,
        partition: e.partition,
        attempt: e.attempt,
        executorId: e.executorId,
        speculative: prior?.speculative ?? false,
        startedAt: prior?.startedAt ?? e.time,
        cause: prior?.cause ?? null,
        end: {
          at: e.time,
          outcome: e.outcome,
          reasonKind: e.reason?.kind ?? null,
          reasonText,
          explanation: e.explanation,
          cache: e.cache ?? null,
        },
      };
      const stage = d.stages[e.stageId];
      const wasSucceeded = stage?.partitions[e.partition]?.status === 'succeeded';
      updatePartition(d, e.stageId, e.partition, (p) => {
        const status = partitionStatusAfterEnd(d, p, e.outcome);
        const taskIds = p.taskIds.includes(e.taskId) ? p.taskIds : [...p.taskIds, e.taskId];
        // A success of a partition whose output had been lost is a recomputation: the cell keeps saying so.
        if (e.outcome === 'success' && p.lost !== null && !wasSucceeded)
          return {
            ...p,
            taskIds,
            status,
            lost: null,
            recomputed: { times: (p.recomputed?.times ?? 0) + 1, cause: p.lost },
          };
        return { ...p, taskIds, status };
      });
      if (e.outcome === 'success' && !wasSucceeded) countDone(d, e.stageId, e.stageAttempt);
      const about: About = {
        kind: 'task',
        stageId: e.stageId,
        executorId: e.executorId,
        taskId: e.taskId,
        partitions: [e.partition],
      };
      if (e.outcome !== 'success') {
        // Named as the engine's sentences name tasks: "Task 3 of stage 1.0", by partition and stage attempt.
        const head = `Task ${e.partition} of stage ${e.stageId}.${e.stageAttempt} (attempt ${e.attempt}, worker ${e.executorId}) ${e.outcome === 'killed' ? 'was killed' : 'failed'}`;
        const level = e.outcome === 'killed' ? 'info' : 'warn';
        const text = reasonText?.replace(/\.+$/, '');
        log(d, e.time, level, e.explanation ?? (text ? `${head}: ${text}.` : `${head}.`), about);
      } else if (e.explanation) {
        // A success explains itself only when it recomputed a partition that had been cached.
        log(d, e.time, 'info', e.explanation, about);
      }
      return;
    }
    case 'executor.added':
      w(d, 'executors')[e.executorId] = {
        status: 'alive',
        executorId: e.executorId,
        addedAt: e.time,
        lastHeartbeat: e.time,
        running: [],
      };
      log(d, e.time, 'info', `Worker ${e.executorId} added: ${e.reason}`, { kind: 'worker', executorId: e.executorId });
      return;
    case 'executor.removed': {
      const prior = d.executors[e.executorId];
      w(d, 'executors')[e.executorId] = {
        status: 'lost',
        executorId: e.executorId,
        addedAt: prior?.addedAt ?? e.time,
        lostAt: e.time,
        reason: e.reason,
      };
      log(d, e.time, 'warn', `Worker ${e.executorId} removed: ${e.reason}`, {
        kind: e.loss.kind === 'killedByUser' ? 'user' : 'worker',
        executorId: e.executorId,
      });
      return;
    }
    case 'executor.heartbeat': {
      const prior = d.executors[e.executorId];
      // A late heartbeat from a worker already declared lost must not bring it back.
      if (prior?.status === 'lost') return;
      w(d, 'executors')[e.executorId] = {
        status: 'alive',
        executorId: e.executorId,
        addedAt: prior?.addedAt ?? e.time,
        lastHeartbeat: e.time,
        running: e.running,
      };
      return;
    }
    case 'blocks.added':
      for (const b of e.blocks) d.blocks.add(b);
      if (e.blocks.length > 0) d.blocksChanged = true;
      return;
    case 'blocks.removed': {
      for (const id of e.blockIds) if (d.blocks.remove(id, e.owner)) d.blocksChanged = true;
      const lost = markLost(d, e.blockIds, e.cause);
      if (e.blockIds.length === 0) return;
      // The explanation is a whole sentence that counts the blocks itself.
      const kind: LogKind =
        e.cause.kind === 'clearedByUser'
          ? 'user'
          : e.cause.kind === 'diedWithWorker'
            ? e.cause.loss.kind === 'killedByUser'
              ? 'user'
              : 'worker'
            : 'cleanup';
      const executorId = e.cause.kind === 'diedWithWorker' ? e.cause.executorId : (e.owner ?? null);
      log(d, e.time, kind === 'cleanup' ? 'info' : 'warn', e.explanation, {
        kind,
        executorId,
        stageId: lost?.stageId ?? null,
        partitions: lost?.partitions ?? [],
      });
      return;
    }
    case 'log':
      log(d, e.time, e.level, e.message, { kind: 'engine' });
      return;
  }
}

/** Keeps the run's events that explain something (see ViewState.runEvents). */
function remember(d: Draft, e: EngineEvent): void {
  if (e.type === 'executor.heartbeat') return;
  w(d, 'runEvents').push(e.type === 'blocks.added' ? { ...e, blocks: [] } : e);
}

/**
 * Map outputs whose shuffle blocks a user's clear or a lost worker removed: the cells of those map
 * partitions read "lost" at once, not when the stage is resubmitted. Cleanup of finished runs is not a
 * loss. Returns the stage and partitions of the last shuffle touched, for the log line.
 */
function markLost(
  d: Draft,
  blockIds: readonly string[],
  cause: Extract<EngineEvent, { type: 'blocks.removed' }>['cause'],
): { stageId: number; partitions: number[] } | null {
  if (cause.kind !== 'clearedByUser' && cause.kind !== 'diedWithWorker') return null;
  const maps = new Map<number, Set<number>>();
  for (const id of blockIds) {
    const parsed = parseBlockId(id);
    if (parsed?.kind !== 'shuffle') continue;
    let set = maps.get(parsed.shuffle);
    if (!set) maps.set(parsed.shuffle, (set = new Set()));
    set.add(parsed.map);
  }
  if (maps.size === 0) return null;
  const why = describeOutputLoss(cause);
  let touched: { stageId: number; partitions: number[] } | null = null;
  for (const stage of Object.values(d.stages)) {
    const partitions = stage.info.shuffleId === null ? undefined : maps.get(stage.info.shuffleId);
    if (!partitions || stage.lastJobId === null || stage.lastJobId < d.runFirstJobId) continue;
    const marked: number[] = [];
    for (const m of partitions) {
      updatePartition(d, stage.info.stageId, m, (p) => {
        if (p.status !== 'succeeded') return p;
        marked.push(m);
        return { ...p, status: 'lost', lost: why };
      });
    }
    if (marked.length > 0) touched = { stageId: stage.info.stageId, partitions: marked.sort((a, b) => a - b) };
  }
  return touched;
}

/** Why a launch of a partition happens, when it is not its first: the cell's popover gives it per attempt. */
function launchCause(d: Draft, stageId: number, stageAttempt: number, p: PartitionView): string | null {
  if (p.lost !== null) return `recomputed: ${p.lost}`;
  const previous = p.taskIds.length > 0 ? d.tasks[p.taskIds[p.taskIds.length - 1]!] : undefined;
  if (previous?.end && previous.end.outcome !== 'success')
    return `retry after attempt ${previous.attempt} ${previous.end.outcome === 'killed' ? 'was killed' : 'failed'}${
      previous.end.reasonText ? `: ${previous.end.reasonText.replace(/\.+$/, '')}` : ''
    }`;
  if (previous?.end?.outcome === 'success') return 'recomputed: its output was lost';
  const attempt = d.stages[stageId]?.attempts.find((a) => a.attempt === stageAttempt);
  return stageAttempt > 0 && attempt?.explanation ? attempt.explanation : null;
}

/** Records that a stage attempt launched a partition again (a retry or a recomputation) and why. */
function noteRerun(d: Draft, stageId: number, stageAttempt: number, partition: number, why: string): void {
  const stage = ws(d, stageId);
  if (!stage) return;
  setAttempt(stage, stageAttempt, (a) => {
    const partitions = a.reran?.partitions.includes(partition)
      ? a.reran.partitions
      : [...(a.reran?.partitions ?? []), partition];
    return { ...a, reran: { partitions, why } };
  });
}

function partitionStatusAfterEnd(
  d: Draft,
  p: PartitionView,
  outcome: 'success' | 'failed' | 'killed',
): PartitionStatus {
  if (outcome === 'success' || p.status === 'succeeded') return 'succeeded';
  // A failed or killed copy leaves the partition running while another copy (speculation) still runs.
  const stillRunning = p.taskIds.some((id) => d.tasks[id]?.end === null);
  if (stillRunning) return 'running';
  return outcome;
}

function updatePartition(d: Draft, stageId: number, partition: number, f: (p: PartitionView) => PartitionView): void {
  if (!d.stages[stageId]?.partitions[partition]) return;
  const stage = ws(d, stageId)!;
  stage.partitions[partition] = f(stage.partitions[partition]!);
}

function setAttempt(
  stage: StageDraft,
  attempt: number,
  f: (a: StageView['attempts'][number]) => StageView['attempts'][number],
): void {
  stage.attempts.forEach((a, i) => {
    if (a.attempt === attempt) stage.attempts[i] = f(a);
  });
}

function countDone(d: Draft, stageId: number, stageAttempt: number): void {
  const stage = ws(d, stageId);
  if (stage) setAttempt(stage, stageAttempt, (a) => ({ ...a, done: a.done + 1 }));
}

function endJob(d: Draft, jobId: number, state: ViewState['jobs'][number]['state']): void {
  const i = d.jobs.findIndex((j) => j.jobId === jobId);
  const job = d.jobs[i];
  if (!job) return;
  w(d, 'jobs')[i] = { ...job, state };
  if (state.status !== 'failed') return;
  // Stages a failed job leaves running will never finish: show them as failed with the job's reason.
  for (const id of job.stageIds) {
    const current = d.stages[id];
    if (current?.state.status !== 'running') continue;
    const attempt = current.state.attempt;
    const stage = ws(d, id)!;
    stage.state = { status: 'failed', attempt, reason: state.reason };
    setAttempt(stage, attempt, (a) =>
      a.outcome.status === 'running'
        ? { ...a, outcome: { status: 'failed', at: state.endedAt, reason: state.reason } }
        : a,
    );
  }
}

function log(d: Draft, time: number, level: LogLevel, message: string, about: About = {}): void {
  d.logSeq += 1;
  w(d, 'log').push({
    seq: d.logSeq,
    time,
    level,
    message,
    run: d.runId,
    kind: about.kind ?? 'engine',
    stageId: about.stageId ?? null,
    executorId: about.executorId ?? null,
    taskId: about.taskId ?? null,
    partitions: about.partitions ?? [],
    event: d.runEvents.length - 1,
  });
}
