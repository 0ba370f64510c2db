import { hasBomAt, utf8Decoder } from './utf8';

/** A byte range of one input file; lines belong to the split that holds their first byte. */
export interface Split {
  file: number;
  start: number;
  end: number;
}

/** Big inputs get more splits, so that one task never holds more than this (measured: smaller splits cost more than they balance, as every split builds and ships its own table of distinct words). */
export const MAX_SPLIT_BYTES = 32 * 1024 * 1024;
/** How far past its end a split reads per step while looking for the end of its last line. */
export const ALIGN_CHUNK_BYTES = 64 * 1024;

/**
 * Plans byte-range splits, at least `minPartitions` in total: each non-empty file gets splits in
 * proportion to its size (at least one, at most one per byte, none above MAX_SPLIT_BYTES). Empty files
 * hold no lines and get no split. If there are fewer bytes than minPartitions, empty splits (no lines)
 * pad the plan so the partition count the caller asked for still holds.
 */
export function planSplits(fileSizes: readonly number[], minPartitions: number): Split[] {
  const wanted = Math.max(1, Math.floor(minPartitions));
  const total = fileSizes.reduce((a, b) => a + b, 0);
  const splits: Split[] = [];
  if (fileSizes.length === 0) return splits;
  const goal = total / wanted;
  fileSizes.forEach((size, file) => {
    if (size <= 0) return;
    const n = Math.min(size, Math.max(1, Math.ceil(size / goal - 1e-9), Math.ceil(size / MAX_SPLIT_BYTES)));
    for (let k = 0; k < n; k++) {
      splits.push({ file, start: Math.floor((size * k) / n), end: Math.floor((size * (k + 1)) / n) });
    }
  });
  const last = fileSizes.length - 1;
  while (splits.length < wanted) splits.push({ file: last, start: fileSizes[last], end: fileSizes[last] });
  return splits;
}

/**
 * Groups consecutive splits into partitions of about total / minPartitions bytes, so that many small
 * files do not each cost a task (Hadoop's CombineFileInputFormat). A split of that size or more stays
 * alone, and so does an empty padding split, which keeps the partition count the caller asked for.
 */
export function groupSplits(splits: readonly Split[], minPartitions: number): Split[][] {
  const total = splits.reduce((n, s) => n + s.end - s.start, 0);
  const target = Math.min(MAX_SPLIT_BYTES, total / Math.max(1, Math.floor(minPartitions)));
  const groups: Split[][] = [];
  let current: Split[] = [];
  let bytes = 0;
  for (const split of splits) {
    const size = split.end - split.start;
    if (current.length > 0 && (size === 0 || bytes + size > target)) {
      groups.push(current);
      current = [];
      bytes = 0;
    }
    current.push(split);
    bytes += size;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

export type ReadRange = (start: number, end: number) => Promise<Uint8Array>;

/** The whole lines of a split: bytes[start, end), where bytes[0] is at file offset `offset`. */
export interface AlignedSplit {
  bytes: Uint8Array;
  offset: number;
  start: number;
  end: number;
}

const NEWLINE = 10;

/**
 * Reads the line-aligned content of split [start, end) of a file: every line whose first byte lies in
 * [start, end), the last one finished past `end` in ALIGN_CHUNK_BYTES steps up to its '\n' or EOF.
 * A line starts at 0 or right after a '\n', so a split with start > 0 skips up to and including the
 * first '\n' at position >= start - 1.
 */
export async function readAlignedSplit(
  read: ReadRange,
  fileSize: number,
  start: number,
  end: number,
  chunkBytes: number = ALIGN_CHUNK_BYTES,
): Promise<AlignedSplit> {
  end = Math.min(end, fileSize);
  if (start >= end) return { bytes: new Uint8Array(0), offset: start, start: 0, end: 0 };
  const offset = start > 0 ? start - 1 : 0;
  const head = await read(offset, end);
  let first = 0;
  if (start > 0) {
    const nl = head.indexOf(NEWLINE);
    // A '\n' at end - 1 would start a line at `end`, which belongs to the next split.
    if (nl < 0 || nl >= head.length - 1) return { bytes: head, offset, start: 0, end: 0 };
    first = nl + 1;
  }
  const nl = head.indexOf(NEWLINE, head.length - 1);
  if (nl >= 0 || end >= fileSize) {
    return { bytes: head, offset, start: first, end: nl >= 0 ? nl + 1 : head.length };
  }
  const parts = [head];
  let length = head.length;
  let pos = end;
  let last = head.length;
  while (pos < fileSize) {
    const chunk = await read(pos, Math.min(fileSize, pos + chunkBytes));
    if (chunk.length === 0) break;
    parts.push(chunk);
    pos += chunk.length;
    const at = chunk.indexOf(NEWLINE);
    if (at >= 0) {
      last = length + at + 1;
      length += chunk.length;
      break;
    }
    length += chunk.length;
    last = length;
  }
  const bytes = new Uint8Array(length);
  let o = 0;
  for (const p of parts) {
    bytes.set(p, o);
    o += p.length;
  }
  return { bytes, offset, start: first, end: last };
}

/**
 * Lines of bytes[start, end) as strings, without '\n' or a trailing '\r'. `atFileStart` says that
 * bytes[start] is file offset 0, where a BOM is dropped.
 */
export function splitLines(bytes: Uint8Array, start: number, end: number, atFileStart: boolean): string[] {
  if (atFileStart && end - start >= 3 && hasBomAt(bytes, start)) start += 3;
  if (start >= end) return [];
  const lines = utf8Decoder.decode(bytes.subarray(start, end)).split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (l.charCodeAt(l.length - 1) === 13) lines[i] = l.slice(0, -1);
  }
  return lines;
}

/**
 * The lines of a whole decoded file, the definition splits must reproduce: split on '\n', a final
 * empty piece (text ending in '\n') is not a line, an empty file has no lines, a trailing '\r' is dropped.
 */
export function fileLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}

/**
 * Visits the lines of bytes[start, end) like splitLines, without building the array: the range is
 * decoded once and walked by '\n' indexes. `visit` returns false to stop early. Returns the decoded
 * text and where it starts in `bytes` (after a dropped BOM), e.g. for counting replaced sequences.
 */
export function forEachLine(
  bytes: Uint8Array,
  start: number,
  end: number,
  atFileStart: boolean,
  visit: (line: string) => boolean,
): { text: string; start: number } {
  if (atFileStart && end - start >= 3 && hasBomAt(bytes, start)) start += 3;
  if (start >= end) return { text: '', start };
  const text = utf8Decoder.decode(bytes.subarray(start, end));
  const n = text.length;
  let pos = 0;
  while (pos < n) {
    let nl = text.indexOf('\n', pos);
    if (nl < 0) nl = n;
    const stop = nl > pos && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
    if (!visit(text.slice(pos, stop))) break;
    pos = nl + 1;
  }
  return { text, start };
}
