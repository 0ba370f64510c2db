// One dedicated Web Worker, no engine: the single-thread baselines of the benchmark.
//   single: the engine's own byte-level tokenizer (src/common/tokenizer.ts) over the whole Blob
//   naive:  TextDecoder + String.split(/\s+/) + Map, the way most people would write it
// The Blob is read in line-aligned chunks: a 512 MiB text is longer than V8's maximum string length,
// and reading in slices keeps the baseline's memory comparable to the engine's.
import { concatBytes } from '../src/common/concatBytes';
import { TokenCounter } from '../src/common/tokenizer';
import { hasBomAt } from '../src/common/utf8';
import type { Tokenizer } from '../src/protocol';

/** `returnCounts`: send the counts back (the two-worker ceiling merges two halves). */
export type SingleRequest =
  { kind: 'single'; blob: Blob; tokenizer: Tokenizer; returnCounts?: boolean } | { kind: 'naive'; blob: Blob };
export interface SingleResponse {
  ms: number;
  distinct: number;
  total: number;
  counts?: Map<string, number>;
  error?: string;
}

const CHUNK = 16 << 20;
const NEWLINE = 10;

/**
 * Calls visit(bytes, start, end) with whole lines only (the last one may lack '\n'), reading the next
 * chunk while this one is visited and copying only the line that straddles two chunks.
 */
async function forEachLineChunk(
  blob: Blob,
  visit: (bytes: Uint8Array, start: number, end: number) => void,
): Promise<void> {
  const read = async (pos: number) =>
    new Uint8Array(await blob.slice(pos, Math.min(blob.size, pos + CHUNK)).arrayBuffer());
  let carry: Uint8Array | null = null;
  let next = read(0);
  for (let pos = 0; pos < blob.size; pos += CHUNK) {
    const chunk = await next;
    if (pos + CHUNK < blob.size) {
      next = read(pos + CHUNK);
      next.catch(() => undefined); // seen when awaited
    }
    let from = 0;
    if (carry) {
      const nl = chunk.indexOf(NEWLINE);
      if (nl < 0) {
        carry = concatBytes(carry, chunk);
        continue;
      }
      const joined = concatBytes(carry, chunk.subarray(0, nl + 1));
      visit(joined, 0, joined.length);
      from = nl + 1;
      carry = null;
    }
    const end = Math.max(from, chunk.lastIndexOf(NEWLINE) + 1);
    if (end > from) visit(chunk, from, end);
    if (end < chunk.length) carry = chunk.slice(end);
  }
  if (carry) visit(carry, 0, carry.length);
}

async function single(blob: Blob, tokenizer: Tokenizer, returnCounts: boolean): Promise<Omit<SingleResponse, 'ms'>> {
  const counter = new TokenCounter(tokenizer);
  let first = true;
  await forEachLineChunk(blob, (bytes, start, end) => {
    if (first && hasBomAt(bytes, start)) start += 3;
    first = false;
    counter.addBytes(bytes, start, end);
  });
  const counts = new Map<string, number>();
  counter.addTo(counts);
  let total = 0;
  counts.forEach((n) => (total += n));
  return { distinct: counts.size, total, ...(returnCounts ? { counts } : {}) };
}

async function naive(blob: Blob): Promise<Omit<SingleResponse, 'ms'>> {
  const counts = new Map<string, number>();
  const decoder = new TextDecoder();
  await forEachLineChunk(blob, (bytes, start, end) => {
    const text = decoder.decode(bytes.subarray(start, end));
    for (const w of text.split(/\s+/)) {
      if (w !== '') counts.set(w, (counts.get(w) ?? 0) + 1);
    }
  });
  let total = 0;
  counts.forEach((n) => (total += n));
  return { distinct: counts.size, total };
}

self.onmessage = async (e: MessageEvent<SingleRequest>) => {
  const req = e.data;
  const t0 = performance.now();
  try {
    const r =
      req.kind === 'single' ? await single(req.blob, req.tokenizer, req.returnCounts === true) : await naive(req.blob);
    self.postMessage({ ...r, ms: performance.now() - t0 } satisfies SingleResponse);
  } catch (err) {
    self.postMessage({
      ms: performance.now() - t0,
      distinct: -1,
      total: -1,
      error: String(err),
    } satisfies SingleResponse);
  }
};
