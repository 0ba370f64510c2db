import { NotSerializableError } from '../common/codec';
import { TokenCounter } from '../common/tokenizer';
import type { PartitionPlan, TaskSink, Tokenizer } from '../protocol/plan';
import type { TaskDescription, TaskFailureReason, TaskMetrics, TaskResult } from '../protocol/task';
import { compileFunctions } from './compileFunctions';
import { bindHandles, receiveBroadcasts } from './bindHandles';
import { STOP, pushPlan, type Flow } from './evaluatePlan';
import { forEachTextChunk } from './readTextSplit';
import { resultSink } from './runResultAction';
import { TaskContext, operatorLabel } from './taskContext';
import type { TaskEnv } from './taskEnv';
import { TaskFailure, errorMessage } from './taskFailure';
import { shuffleWriter, writeTokenCounts, type ShuffleSink, type SinkOutcome } from './writeShuffle';

export type { TaskEnv } from './taskEnv';

// Heartbeats come from progress calls, so the fused loop yields progress at least this often.
const FUSED_CHUNK_BYTES = 1 << 20;
// The fused path reads its split in pieces of this size (whole lines each).
const FUSED_READ_BYTES = 16 << 20;

type TextSplitPlan = Extract<PartitionPlan, { kind: 'textSplit' }>;

/** textFile → tokenize → pairWithOne → shuffle with sum: the word count's map side. */
function fusedWordCount(plan: PartitionPlan, sink: TaskSink): { splits: TextSplitPlan[]; tokenizer: Tokenizer } | null {
  if (sink.kind !== 'shuffleWrite' || sink.combine?.kind !== 'sum') return null;
  if (plan.kind !== 'narrow' || plan.op.kind !== 'pairWithOne') return null;
  const tok = plan.parent;
  if (tok.kind !== 'narrow' || tok.op.kind !== 'tokenize') return null;
  const source = tok.parent;
  if (source.kind === 'textSplit') return { splits: [source], tokenizer: tok.op.tokenizer };
  if (source.kind === 'textSplits') return { splits: source.splits, tokenizer: tok.op.tokenizer };
  return null;
}

async function runFusedWordCount(
  splits: TextSplitPlan[],
  tokenizer: Tokenizer,
  sink: ShuffleSink,
  ctx: TaskContext,
): Promise<SinkOutcome> {
  const counter = new TokenCounter(tokenizer);
  for (const split of splits) {
    const invalidBefore = counter.invalidUtf8;
    await countSplit(split, counter, ctx);
    ctx.addInvalidUtf8(split, counter.invalidUtf8 - invalidBefore);
  }
  return writeTokenCounts(sink, counter, ctx);
}

async function countSplit(split: TextSplitPlan, counter: TokenCounter, ctx: TaskContext): Promise<void> {
  // Chunks cut at line ends (and a huge line after a space or tab): memory stays bounded, and no
  // split-sized buffer or copy is made.
  await forEachTextChunk(
    split,
    ctx,
    FUSED_READ_BYTES,
    (bytes, start, end) => {
      let pos = start;
      while (pos < end) {
        let chunkEnd = end;
        if (end - pos > FUSED_CHUNK_BYTES) {
          const nl = bytes.indexOf(10, pos + FUSED_CHUNK_BYTES);
          if (nl >= 0 && nl < end) chunkEnd = nl + 1;
        }
        counter.addBytes(bytes, pos, chunkEnd);
        ctx.recordsRead = counter.lines;
        ctx.reportProgress();
        pos = chunkEnd;
      }
    },
    true,
  );
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function toReason(error: unknown, operator: string): TaskFailureReason {
  if (error instanceof TaskFailure) return error.reason;
  if (error instanceof NotSerializableError) {
    return { kind: 'notSerializable', operator: error.operator, message: error.message };
  }
  // Anything else is an engine-side bug or an environment error; keep it visible with its message.
  return { kind: 'exception', operator, message: `Internal executor error in ${operator}: ${errorMessage(error)}` };
}

/**
 * Runs one task over one partition. Never throws: every failure comes back as a typed reason in a
 * `{ status: 'failed' }` result, since Comlink would flatten an Error to name/message/stack.
 */
export async function runTask(task: TaskDescription, env: TaskEnv): Promise<TaskResult> {
  const started = env.now();
  let ctx: TaskContext | null = null;
  const metrics = (): TaskMetrics => ({
    recordsRead: ctx?.recordsRead ?? 0,
    bytesRead: ctx?.bytesRead ?? 0,
    recordsWritten: ctx?.recordsWritten ?? 0,
    bytesWritten: ctx?.bytesWritten ?? 0,
    durationMs: env.now() - started,
    ...(ctx && ctx.invalidUtf8.size > 0 ? { invalidUtf8: [...ctx.invalidUtf8.values()] } : {}),
  });
  let operator = 'executor';
  try {
    if (task.chaos.delayMs > 0) await sleep(task.chaos.delayMs);
    if (task.chaos.injectFailure) {
      return {
        status: 'failed',
        taskId: task.taskId,
        executorId: env.executorId,
        reason: {
          kind: 'injected',
          message: 'Injected failure (chaos): this attempt was made to fail on purpose.',
        },
        metrics: metrics(),
      };
    }
    receiveBroadcasts(task.broadcasts, env);
    const accumulatorUpdates = new Map<number, number | bigint>();
    const fns = bindHandles(compileFunctions(task.functions), env, accumulatorUpdates);
    ctx = new TaskContext(task, env, fns);
    operator = operatorLabel(task.plan, fns);
    const { sink, plan } = task;
    let outcome: SinkOutcome;
    const fused = fusedWordCount(plan, sink);
    if (fused && sink.kind === 'shuffleWrite') {
      outcome = await runFusedWordCount(fused.splits, fused.tokenizer, sink, ctx);
    } else {
      const flow: Flow = { stopped: false };
      const target =
        sink.kind === 'shuffleWrite'
          ? shuffleWriter(sink, operator, ctx)
          : resultSink(sink.action, plan, operator, ctx, flow);
      try {
        await pushPlan(plan, ctx, target.push, flow);
      } catch (error) {
        if (error !== STOP) throw error;
      }
      outcome = await target.finish();
    }
    return {
      status: 'success',
      taskId: task.taskId,
      executorId: env.executorId,
      output: outcome.output,
      blocks: ctx.blocks,
      checksum: outcome.checksum,
      metrics: metrics(),
      ...(accumulatorUpdates.size > 0 ? { accumulatorUpdates: [...accumulatorUpdates] } : {}),
    };
  } catch (error) {
    return {
      status: 'failed',
      taskId: task.taskId,
      executorId: env.executorId,
      reason: toReason(error, operator),
      metrics: metrics(),
    };
  }
}
