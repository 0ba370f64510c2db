import { readAlignedSplit, type AlignedSplit } from '../common/lineSplits';
import type { PartitionPlan } from '../protocol/plan';
import type { TaskContext } from './taskContext';
import { TaskFailure, errorMessage } from './taskFailure';

type TextSplitPlan = Extract<PartitionPlan, { kind: 'textSplit' }>;

function unreadable(plan: TextSplitPlan, detail: string): TaskFailure {
  return new TaskFailure({
    kind: 'inputUnreadable',
    fileName: plan.fileName,
    message:
      `The input file '${plan.fileName}' was deleted or cannot be read (${detail}): lineage ends at the source, ` +
      'so it cannot be recomputed. Add the file again and rerun.',
  });
}

/** Reads the whole lines of a text split from the stored input Blob. */
export async function readTextSplit(plan: TextSplitPlan, ctx: TaskContext): Promise<AlignedSplit> {
  let blob: Blob | undefined;
  try {
    blob = await ctx.env.inputs.getBlob(plan.inputId);
  } catch (error) {
    throw unreadable(plan, errorMessage(error));
  }
  if (!blob) throw unreadable(plan, 'it is no longer in the input store');
  const source = blob;
  const read = async (start: number, end: number): Promise<Uint8Array> => {
    try {
      return new Uint8Array(await source.slice(start, end).arrayBuffer());
    } catch (error) {
      // Chromium reports a stored Blob whose backing file vanished as NotReadableError.
      throw unreadable(plan, errorMessage(error));
    }
  };
  const split = await readAlignedSplit(read, Math.min(plan.fileSize, source.size), plan.start, plan.end);
  ctx.bytesRead += split.bytes.length;
  return split;
}
