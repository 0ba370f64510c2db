/// <reference lib="webworker" />
import * as Comlink from 'comlink';
import type { ExecutorApi, Heartbeat, TaskDescription, TaskResult } from '../protocol/task';
import type { AppId, ExecutorId } from '../protocol/ids';
import { BlockStore } from '../storage/blockStore';
import { getInput } from '../storage/inputStore';
import { openEngineDb, type EngineDb } from '../storage/schema';
import { runTask } from './runTask';
import type { TaskEnv } from './taskEnv';

interface Session {
  app: AppId;
  executorId: ExecutorId;
  db: EngineDb;
  blocks: BlockStore;
  port: MessagePort;
  intervalMs: number;
  timer: ReturnType<typeof setInterval>;
  lastBeat: number;
}

let session: Session | null = null;
const running = new Map<number, { recordsRead: number; bytesRead: number }>();
/** persist('memory') partitions; they live exactly as long as this worker. */
const memory = new Map<string, unknown[]>();
/** Broadcast values, shipped once to this worker and kept as long as it lives. */
const broadcasts = new Map<number, unknown>();

function beat(s: Session): void {
  s.lastBeat = performance.now();
  const heartbeat: Heartbeat = {
    executorId: s.executorId,
    running: [...running].map(([taskId, m]) => ({ taskId, recordsRead: m.recordsRead, bytesRead: m.bytesRead })),
  };
  s.port.postMessage(heartbeat);
}

function requireSession(): Session {
  if (!session) throw new Error('The executor was asked to run a task before init().');
  return session;
}

function transferables(result: TaskResult): Transferable[] {
  if (result.status !== 'success') return [];
  const out = result.output;
  if (out.kind === 'records') return [out.payload];
  if (out.kind === 'reduced' && out.payload) return [out.payload];
  return [];
}

const api: ExecutorApi = {
  async init({ executorId, app, dbName, heartbeatPort, heartbeatIntervalMs }) {
    const db = await openEngineDb(dbName);
    if (session) clearInterval(session.timer);
    const s: Session = {
      app,
      executorId,
      db,
      blocks: new BlockStore(db),
      port: heartbeatPort,
      intervalMs: heartbeatIntervalMs,
      timer: setInterval(() => beat(s), heartbeatIntervalMs),
      lastBeat: 0,
    };
    session = s;
    beat(s);
  },

  async runTask(task: TaskDescription): Promise<TaskResult> {
    const s = requireSession();
    const entry = { recordsRead: 0, bytesRead: 0 };
    running.set(task.taskId, entry);
    const env: TaskEnv = {
      app: s.app,
      executorId: s.executorId,
      blocks: s.blocks,
      inputs: { getBlob: async (id) => (await getInput(s.db, id))?.blob },
      memory,
      broadcasts,
      // A synchronous loop starves setInterval; these calls are what keep a busy worker alive.
      progress(recordsRead, bytesRead) {
        entry.recordsRead = recordsRead;
        entry.bytesRead = bytesRead;
        if (performance.now() - s.lastBeat >= s.intervalMs) beat(s);
      },
      now: () => performance.now(),
    };
    let result: TaskResult;
    try {
      result = await runTask(task, env);
    } finally {
      running.delete(task.taskId);
    }
    return Comlink.transfer(result, transferables(result));
  },

  async dropMemoryBlocks(ids: string[]): Promise<number> {
    let dropped = 0;
    for (const id of ids) if (memory.delete(id)) dropped++;
    return dropped;
  },

  closeSilently(): void {
    if (session) clearInterval(session.timer);
    self.close();
  },

  hang(): void {
    // Deliberately never returns: only the missing heartbeats reveal this worker.
    for (;;) {
      /* spin */
    }
  },
};

Comlink.expose(api);
