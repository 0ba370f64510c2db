import { vi } from 'vitest';
import { EmberContext } from '../engine/context';
import type { BlockInfo, EngineEvent, PartitionPlan, TaskOutput } from '../protocol';
import { assertDataStructuresEmptyAfterTest } from './assertDataStructuresEmpty';
import { MemoryEngineStore } from './memoryEngineStore';
import { ScriptedBackend, flush, type Launched } from './scriptedBackend';

/**
 * A context over the scripted backend, with fake timers (resubmit delay 0, speculation interval) and
 * a manual clock, plus helpers to drive stages the way Spark's DAGSchedulerSuite does. When the test
 * ends, the scheduler must hold no per-job state (assertDataStructuresEmpty).
 */
export function harness(executors = 2, options: { maxTaskFailures?: number } = {}) {
  const clock = { now: 0 };
  const backend = new ScriptedBackend(executors);
  const ctx = new EmberContext(
    { resubmitDelayMs: 0, ...options },
    { backend, store: new MemoryEngineStore(), now: () => clock.now },
  );
  const events: EngineEvent[] = [];
  ctx.events.subscribe((e) => events.push(e));
  assertDataStructuresEmptyAfterTest(ctx);

  const of = <T extends EngineEvent['type']>(type: T) =>
    events.filter((e): e is Extract<EngineEvent, { type: T }> => e.type === type);
  /** "stage.attempt[partitions]" for every stage.submitted event, in order. */
  const submitted = () => of('stage.submitted').map((e) => `${e.stageId}.${e.attempt}[${e.partitions.join(',')}]`);
  const failedStages = () => of('stage.failed').map((e) => `${e.stageId}.${e.attempt}`);
  const explanation = (stageId: number, attempt: number) =>
    of('stage.submitted').find((e) => e.stageId === stageId && e.attempt === attempt)?.explanation;
  const started = (stageId: number, stageAttempt?: number) =>
    of('task.started').filter(
      (e) => e.stageId === stageId && (stageAttempt === undefined || e.stageAttempt === stageAttempt),
    );

  /** Lets task results reach the schedulers and fires due timers (the resubmit delay is 0). */
  async function settle(): Promise<void> {
    for (let i = 0; i < 3; i++) {
      await flush();
      vi.advanceTimersByTime(0);
    }
    await flush();
  }

  /** Succeeds every task of a stage attempt, including those launched as executors free up. */
  async function complete(
    stageId: number,
    stageAttempt: number,
    output?: (l: Launched) => TaskOutput | undefined,
    blocks?: (l: Launched) => BlockInfo[],
  ) {
    await settle();
    for (let guard = 0; backend.tasksOf(stageId, stageAttempt).length > 0; guard++) {
      if (guard > 100) throw new Error('stage never finished');
      for (const l of backend.tasksOf(stageId, stageAttempt)) backend.succeed(l, output?.(l), 0, blocks?.(l) ?? []);
      await settle();
    }
  }

  /** Fails every running task of a stage attempt with a fetch failure of one map output. */
  async function fetchFailAll(stageId: number, stageAttempt: number, shuffleId: number, map: number) {
    await settle();
    const tasks = backend.tasksOf(stageId, stageAttempt);
    if (tasks.length === 0)
      throw new Error(`no running task of stage ${stageId}.${stageAttempt}; running: ${backend.describe()}`);
    for (const l of tasks) backend.fetchFailed(l, shuffleId, map, ownerOf(l, map));
    await settle();
  }

  /** Moves the scheduler's clock and the fake timers on together (the locality wait needs both). */
  async function advance(ms: number): Promise<void> {
    clock.now += ms;
    vi.advanceTimersByTime(ms);
    await settle();
  }

  return {
    backend,
    ctx,
    clock,
    events,
    of,
    submitted,
    failedStages,
    explanation,
    started,
    settle,
    complete,
    fetchFailAll,
    advance,
  };
}

/** The shuffle-read leaf of a task's plan. */
export function shuffleReadOf(l: Launched): Extract<PartitionPlan, { kind: 'shuffleRead' }> {
  let plan: PartitionPlan = l.task.plan;
  for (;;) {
    if (plan.kind === 'shuffleRead') return plan;
    if (plan.kind === 'narrow' || plan.kind === 'cached') plan = plan.parent;
    else throw new Error(`task ${l.task.stageId}.${l.task.stageAttempt}:p${l.task.partition} reads no shuffle`);
  }
}

/** The executor a reduce task was told holds a map output (as the real reader would report it). */
export function ownerOf(l: Launched, map: number): number | null {
  return shuffleReadOf(l).maps.find((m) => m.map === map)?.owner ?? null;
}

export const count = (n: number): TaskOutput => ({ kind: 'count', count: n });

/** parallelize → map to pairs │ reduceByKey: stage 0 writes shuffle 0, stage 1 is the result. */
export function twoStages(ctx: EmberContext, maps = 2, reducers = 2) {
  return ctx
    .parallelize([1, 2, 3, 4, 5, 6, 7, 8], maps)
    .map((x: number) => [x % 4, x] as [number, number])
    .reduceByKey('sum', { numPartitions: reducers });
}
