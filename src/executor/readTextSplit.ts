import { concatBytes } from '../common/concatBytes';
import { ALIGN_CHUNK_BYTES, readAlignedSplit, type AlignedSplit, type ReadRange } from '../common/lineSplits';
import { hasBomAt } from '../common/utf8';
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

async function openSplit(plan: TextSplitPlan, ctx: TaskContext): Promise<{ read: ReadRange; fileSize: number }> {
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
  return { read, fileSize: Math.min(plan.fileSize, source.size) };
}

/** Reads the whole lines of a text split from the stored input Blob. */
export async function readTextSplit(plan: TextSplitPlan, ctx: TaskContext): Promise<AlignedSplit> {
  const { read, fileSize } = await openSplit(plan, ctx);
  const split = await readAlignedSplit(read, fileSize, plan.start, plan.end);
  ctx.bytesRead += split.bytes.length;
  return split;
}

const NEWLINE = 10;

function lastSpaceOrTab(bytes: Uint8Array): number {
  for (let i = bytes.length - 1; i >= 0; i--) if (bytes[i] === 0x20 || bytes[i] === 0x09) return i;
  return -1;
}

/**
 * The same lines as readTextSplit, read in chunks of about `chunkBytes` instead of one buffer of the
 * whole split: `visit(bytes, start, end)` gets whole lines only (a line cut by a chunk boundary is
 * carried over and handed on joined), so peak memory is a chunk and no split-sized copy is made.
 * A BOM at file offset 0 is skipped.
 *
 * With `softBreaks`, a line longer than a chunk is handed on in pieces cut after an ASCII space or tab,
 * so that memory stays bounded even for a file that is one huge line. Only a consumer for which such a
 * cut changes nothing may ask for it: the word tokenizers (no token contains a space or tab, and a
 * space or tab is never part of a multi-byte sequence nor case-mapping context).
 */
export async function forEachTextChunk(
  plan: TextSplitPlan,
  ctx: TaskContext,
  chunkBytes: number,
  visit: (bytes: Uint8Array, start: number, end: number) => void,
  softBreaks = false,
): Promise<void> {
  const { read, fileSize } = await openSplit(plan, ctx);
  const start = plan.start;
  const end = Math.min(plan.end, fileSize);
  if (start >= end) return;
  let carry: Uint8Array | null = null;
  /** Hands on the whole lines in chunk[from, to), the first one completing the carried partial line. */
  const feed = (chunk: Uint8Array, from: number, to: number): void => {
    if (carry) {
      const nl = chunk.indexOf(NEWLINE, from);
      const firstEnd = nl >= 0 && nl < to ? nl + 1 : to;
      const joined = concatBytes(carry, chunk.subarray(from, firstEnd));
      carry = null;
      visit(joined, 0, joined.length);
      from = firstEnd;
    }
    if (from < to) visit(chunk, from, to);
  };
  const keep = (chunk: Uint8Array, from: number): void => {
    if (from >= chunk.length) return;
    let kept: Uint8Array = carry ? concatBytes(carry, chunk.subarray(from)) : chunk.slice(from);
    if (softBreaks && kept.length > chunkBytes) {
      const cut = lastSpaceOrTab(kept) + 1;
      if (cut > 0) {
        visit(kept, 0, cut);
        kept = kept.slice(cut);
      }
    }
    carry = kept;
  };
  // A split with start > 0 begins after the first '\n' at or after start - 1 (see readAlignedSplit).
  let pos = start > 0 ? start - 1 : 0;
  let seeking = start > 0;
  let first = true;
  // (The first chunk of a file holds at least 3 bytes, so that a BOM is seen whole.)
  const chunkEnd = (at: number): number =>
    at >= end
      ? Math.min(fileSize, at + ALIGN_CHUNK_BYTES)
      : Math.min(fileSize, Math.max(Math.min(end, at + chunkBytes), first ? at + 3 : 0));
  let ahead: Promise<Uint8Array> | null = null;
  for (;;) {
    if (pos >= fileSize) {
      // EOF: a final line without '\n'.
      if (carry) visit(carry, 0, (carry as Uint8Array).length);
      return;
    }
    const chunk = await (ahead ?? read(pos, chunkEnd(pos)));
    ahead = null;
    ctx.bytesRead += chunk.length;
    if (chunk.length === 0) {
      if (carry) visit(carry, 0, (carry as Uint8Array).length);
      return;
    }
    const base = pos;
    pos += chunk.length;
    let from = first && start === 0 && hasBomAt(chunk, 0) ? 3 : 0;
    first = false;
    if (pos < end && pos < fileSize) {
      // The split goes on past this chunk: read the next one while this one is visited (the read is
      // done outside this thread). Its failure is seen when it is awaited, not as an unhandled rejection.
      ahead = read(pos, chunkEnd(pos));
      ahead.catch(() => undefined);
    }
    if (seeking) {
      const nl = chunk.indexOf(NEWLINE);
      if (nl < 0) {
        if (pos >= end) return; // no line starts inside [start, end)
        continue;
      }
      // A '\n' at end - 1 would start a line at `end`, which belongs to the next split.
      if (base + nl + 1 >= end) return;
      from = nl + 1;
      seeking = false;
    }
    // The last line of the split is the one holding byte end - 1; it ends at the first '\n' from there.
    const lastOwned = end - 1 - base;
    const nl = lastOwned < chunk.length ? chunk.indexOf(NEWLINE, Math.max(from, lastOwned)) : -1;
    let cut = nl >= 0 ? nl + 1 : chunk.lastIndexOf(NEWLINE) + 1;
    if (cut > from) feed(chunk, from, cut);
    else cut = from;
    if (nl >= 0) return;
    keep(chunk, cut);
  }
}
