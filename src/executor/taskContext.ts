import type { PartitionPlan } from '../protocol/plan';
import type { BlockInfo, BlockRecord } from '../protocol/storage';
import type { InvalidUtf8Count, TaskDescription } from '../protocol/task';
import type { CompiledFunction } from './compileFunctions';
import type { TaskEnv } from './taskEnv';
import { TaskFailure, errorMessage } from './taskFailure';
import { StorageFullError } from '../storage/storageFullError';

/** Source loops report progress (the heartbeat) every this many records. */
export const PROGRESS_EVERY = 4096;

/** Per-task state shared by the plan evaluator and the sinks. */
export class TaskContext {
  recordsRead = 0;
  bytesRead = 0;
  recordsWritten = 0;
  bytesWritten = 0;
  /** Ill-formed UTF-8 sequences replaced by U+FFFD while decoding input text, by input id. */
  readonly invalidUtf8 = new Map<string, InvalidUtf8Count>();

  addInvalidUtf8(input: { inputId: string; fileName: string }, count: number): void {
    if (count <= 0) return;
    const entry = this.invalidUtf8.get(input.inputId) ?? { inputId: input.inputId, fileName: input.fileName, count: 0 };
    entry.count += count;
    this.invalidUtf8.set(input.inputId, entry);
  }
  /** Blocks this task stored (cache blocks and sink output), reported in the result. */
  readonly blocks: BlockInfo[] = [];

  constructor(
    readonly task: TaskDescription,
    readonly env: TaskEnv,
    readonly fns: CompiledFunction[],
  ) {}

  fn(ref: number): CompiledFunction {
    const f = this.fns[ref];
    if (!f) {
      throw new TaskFailure({
        kind: 'exception',
        operator: 'executor',
        message: `Task ${this.task.taskId} refers to function #${ref}, but only ${this.fns.length} were shipped.`,
      });
    }
    return f;
  }

  reportProgress(): void {
    this.env.progress(this.recordsRead, this.bytesRead);
  }

  /** Stores blocks in one call and records them; storage errors become typed failures. */
  async storeBlocks(records: BlockRecord[]): Promise<void> {
    if (records.length === 0) return;
    try {
      await this.env.blocks.putBlocks(records);
    } catch (error) {
      const bytes = records.reduce((n, r) => n + r.payload.byteLength, 0);
      if (error instanceof StorageFullError) {
        throw new TaskFailure({ kind: 'storage', store: error.store, bytes: error.bytes, message: error.message });
      }
      throw new TaskFailure({
        kind: 'storage',
        store: 'blocks',
        bytes,
        message: `Could not store ${records.length} block(s) in 'blocks': ${errorMessage(error)}`,
      });
    }
    for (const r of records) {
      const { payload: _payload, ...info } = r;
      this.blocks.push(info);
    }
  }
}

/** The label of the operator that produces a plan's records, used to name it in errors. */
export function operatorLabel(plan: PartitionPlan, fns: readonly CompiledFunction[]): string {
  switch (plan.kind) {
    case 'textSplit':
    case 'textSplits':
      return `textFile at rdd ${plan.rddId}`;
    case 'parallel':
      return `parallelize at rdd ${plan.rddId}`;
    case 'shuffleRead':
      return `shuffle read at rdd ${plan.rddId}`;
    case 'checkpointRead':
      return `checkpoint read at rdd ${plan.rddId}`;
    case 'cached':
      return operatorLabel(plan.parent, fns);
    case 'cogroup':
    case 'cartesian':
    case 'coalesced':
      return `${plan.kind} at rdd ${plan.rddId}`;
    case 'narrow': {
      const op = plan.op;
      if ('fn' in op) return fns[op.fn]?.operator ?? `${op.kind} at rdd ${plan.rddId}`;
      return `${op.kind} at rdd ${plan.rddId}`;
    }
  }
}
