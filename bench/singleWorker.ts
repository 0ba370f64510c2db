// One dedicated Web Worker, no engine: the single-thread baselines of the benchmark.
//   single: the engine's own byte-level tokenizer (src/common/tokenizer.ts) over the whole Blob
//   naive:  TextDecoder + String.split(/\s+/) + Map, the way most people would write it
// The Blob is read in line-aligned chunks: a 512 MiB text is longer than V8's maximum string length,
// and reading in slices keeps the baseline's memory comparable to the engine's.
import { TokenCounter, hasBomAt } from '../src/common/tokenizer';
import type { Tokenizer } from '../src/protocol';

export type SingleRequest = { kind: 'single'; blob: Blob; tokenizer: Tokenizer } | { kind: 'naive'; blob: Blob };
export interface SingleResponse {
  ms: number;
  distinct: number;
  total: number;
  error?: string;
}

const CHUNK = 16 << 20;
const NEWLINE = 10;

/** Calls visit(bytes, end) with buffers whose [0, end) holds whole lines only (the last one may lack '\n'). */
async function forEachLineChunk(blob: Blob, visit: (bytes: Uint8Array, end: number) => void): Promise<void> {
  let carry = new Uint8Array(0);
  for (let pos = 0; pos < blob.size; pos += CHUNK) {
    const chunk = new Uint8Array(await blob.slice(pos, Math.min(blob.size, pos + CHUNK)).arrayBuffer());
    let bytes = chunk;
    if (carry.length > 0) {
      bytes = new Uint8Array(carry.length + chunk.length);
      bytes.set(carry);
      bytes.set(chunk, carry.length);
    }
    const last = bytes.lastIndexOf(NEWLINE);
    if (last < 0) {
      carry = bytes;
      continue;
    }
    visit(bytes, last + 1);
    carry = bytes.slice(last + 1);
  }
  if (carry.length > 0) visit(carry, carry.length);
}

async function single(blob: Blob, tokenizer: Tokenizer): Promise<Omit<SingleResponse, 'ms'>> {
  const counter = new TokenCounter(tokenizer);
  let first = true;
  await forEachLineChunk(blob, (bytes, end) => {
    const start = first && hasBomAt(bytes, 0) ? 3 : 0;
    first = false;
    counter.addBytes(bytes, start, end);
  });
  const counts = new Map<string, number>();
  counter.addTo(counts);
  let total = 0;
  counts.forEach((n) => (total += n));
  return { distinct: counts.size, total };
}

async function naive(blob: Blob): Promise<Omit<SingleResponse, 'ms'>> {
  const counts = new Map<string, number>();
  const decoder = new TextDecoder();
  await forEachLineChunk(blob, (bytes, end) => {
    const text = decoder.decode(bytes.subarray(0, end));
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
    const r = req.kind === 'single' ? await single(req.blob, req.tokenizer) : await naive(req.blob);
    self.postMessage({ ...r, ms: performance.now() - t0 } satisfies SingleResponse);
  } catch (err) {
    self.postMessage({ ms: performance.now() - t0, distinct: -1, total: -1, error: String(err) } satisfies SingleResponse);
  }
};
