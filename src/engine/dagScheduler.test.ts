import { describe, expect, it } from 'vitest';
import { EmberContext } from './context';
import { ScriptedBackend, flush } from '../testing/scriptedBackend';
import { assertDataStructuresEmptyAfterTest } from '../testing/assertDataStructuresEmpty';
import { MemoryEngineStore } from '../testing/memoryEngineStore';
import type { EngineEvent } from '../protocol';

function setup(executors = 2) {
  const backend = new ScriptedBackend(executors);
  const ctx = new EmberContext({ resubmitDelayMs: 0 }, { backend, store: new MemoryEngineStore() });
  assertDataStructuresEmptyAfterTest(ctx);
  const events: EngineEvent[] = [];
  ctx.events.subscribe((e) => events.push(e));
  const submitted = () =>
    events
      .filter((e) => e.type === 'stage.submitted')
      .map((e) => e.type === 'stage.submitted' && `${e.stageId}.${e.attempt}[${e.partitions.join(',')}]`);
  return { backend, ctx, events, submitted };
}

/** A two-stage job: parallelize → pairs │ reduceByKey → count. */
function shuffleJob(ctx: EmberContext, maps = 2, reducers = 2) {
  return ctx
    .parallelize([1, 2, 3, 4], maps)
    .map((x) => [x % 2, x] as [number, number])
    .reduceByKey('sum', { numPartitions: reducers });
}

const tick = () => new Promise((r) => setTimeout(r, 1));

describe('DAG scheduler', () => {
  it('splits a shuffle job into a map stage and a result stage and runs them in order', async () => {
    const { backend, ctx, submitted } = setup();
    const job = shuffleJob(ctx).count();
    await flush();
    expect(submitted()).toEqual(['0.0[0,1]']);
    backend.running.slice().forEach((l) => backend.succeed(l));
    await flush();
    expect(submitted()).toEqual(['0.0[0,1]', '1.0[0,1]']);
    backend.running.slice().forEach((l) => backend.succeed(l, { kind: 'count', count: 5 }));
    expect(await job).toBe(10);
  });

  it('run trivial shuffle with fetch failure', async () => {
    const { backend, ctx, submitted, events } = setup();
    const job = shuffleJob(ctx).count();
    await flush();
    backend.succeed(backend.find(0, 0)); // on worker 1
    backend.succeed(backend.find(0, 1)); // on worker 2
    await flush();
    const owner = backend.find(1, 0).executorId;
    backend.fetchFailed(backend.find(1, 0), 0, 0, owner);
    backend.succeed(backend.find(1, 1), { kind: 'count', count: 2 });
    await flush();
    await tick();
    await flush();
    // Only the map partition written by the failed worker reruns, then only the unfinished reducer.
    expect(submitted()).toEqual(['0.0[0,1]', '1.0[0,1]', `0.1[${owner - 1}]`]);
    backend.succeed(backend.find(0, owner - 1, 1));
    await flush();
    expect(submitted().at(-1)).toBe('1.1[0]');
    backend.succeed(backend.find(1, 0, 1), { kind: 'count', count: 3 });
    expect(await job).toBe(5);
    const explanation = events.find((e) => e.type === 'stage.submitted' && e.stageId === 0 && e.attempt === 1);
    expect(explanation && explanation.type === 'stage.submitted' && explanation.explanation).toBe(
      `Stage 0 resubmitted for partitions ${owner - 1}: their shuffle output on worker ${owner} could not be read.`,
    );
  });

  it('a listener that cancels the job it sees submitted acts after the submission has finished, not half-way through it', async () => {
    const { backend, ctx, events } = setup();
    const job = shuffleJob(ctx).count();
    const off = ctx.events.subscribe((e) => {
      if (e.type !== 'job.submitted') return;
      off();
      // During the event the job is fully submitted: its map stage runs, its result stage waits.
      expect(backend.running.map((l) => `${l.task.stageId}:${l.task.partition}`)).toEqual(['0:0', '0:1']);
      ctx.cancelJob();
    });
    await expect(job).rejects.toThrow('Cancelled by the user');
    // The cancellation is handled after the submission, as a whole: no stage is reported skipped for a
    // job that was already cancelled, and its stages are released.
    expect(
      events
        .map((e) => (e.type === 'stage.submitted' ? `${e.type} ${e.stageId}` : e.type))
        .filter((t) => !t.startsWith('executor.')),
    ).toEqual(['job.submitted', 'stage.submitted 0', 'task.started', 'task.started', 'job.failed']);
    expect(ctx.schedulerState()).toMatchObject({ jobs: 0, activeStages: 0, running: 0, waiting: 0 });
    backend.running.slice().forEach((l) => backend.succeed(l));
    await flush();
    expect(events.filter((e) => e.type === 'stage.completed' || e.type === 'stage.submitted')).toHaveLength(1);
  });
});
