import { EmberContext } from '../engine/context';
import type { EngineEvent } from '../protocol';
import { assertDataStructuresEmptyAfterTest } from './assertDataStructuresEmpty';
import { InProcessBackend } from './inProcessBackend';
import { MemoryEngineStore } from './memoryEngineStore';

/**
 * An engine on the in-process backend and an in-memory store, with its events recorded; when the test
 * ends, its per-job scheduler state must be empty (assertDataStructuresEmpty).
 */
export function inProcessContext(executors = 2) {
  const store = new MemoryEngineStore();
  const backend = new InProcessBackend(store, executors);
  const ctx = new EmberContext({ resubmitDelayMs: 0 }, { backend, store });
  assertDataStructuresEmptyAfterTest(ctx);
  const events: EngineEvent[] = [];
  ctx.events.subscribe((e) => events.push(e));
  return { ctx, backend, store, events };
}
