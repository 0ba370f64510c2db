import { describe, expect, it } from 'vitest';
import { ALIGN_CHUNK_BYTES, fileLines, planSplits } from '../common/lineSplits';
import { TokenCounter, referenceCountTokens } from '../common/tokenizer';
import type { PartitionPlan, TaskDescription } from '../protocol';
import { forEachTextChunk, readTextSplit } from './readTextSplit';
import { TaskContext } from './taskContext';
import type { TaskEnv } from './taskEnv';

type TextSplitPlan = Extract<PartitionPlan, { kind: 'textSplit' }>;

function ctxFor(bytes: Uint8Array): TaskContext {
  const env: TaskEnv = {
    app: 'app-test',
    executorId: 1,
    blocks: { putBlocks: async () => undefined, getBlocks: async (ids) => ids.map(() => undefined) },
    inputs: { getBlob: async () => new Blob([bytes as BlobPart]) },
    memory: new Map(),
    progress: () => undefined,
    now: () => 0,
  };
  const task = { taskId: 1, partition: 0, functions: [] } as unknown as TaskDescription;
  return new TaskContext(task, env, []);
}

const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

/** The lines forEachTextChunk hands on (chunks joined), as fileLines would split them. */
async function chunkedText(bytes: Uint8Array, plan: TextSplitPlan, chunkBytes: number): Promise<string> {
  const parts: string[] = [];
  const lastBytes: number[] = [];
  await forEachTextChunk(plan, ctxFor(bytes), chunkBytes, (b, s, e) => {
    expect(e).toBeGreaterThan(s);
    lastBytes.push(b[e - 1]);
    parts.push(decoder.decode(b.subarray(s, e)));
  });
  // whole lines only: every piece but the last ends with '\n'
  expect(lastBytes.slice(0, -1).every((b) => b === 10)).toBe(true);
  return parts.join('');
}

describe('forEachTextChunk', () => {
  it('hands on exactly the lines of readTextSplit, for any chunk size and split', async () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    const alphabet = ['a', 'b', ' ', '\n', '\r\n', 'é', '\n\n'];
    for (let round = 0; round < 60; round++) {
      let text = round % 5 === 0 ? '\uFEFF' : '';
      const len = Math.floor(random() * 80);
      for (let i = 0; i < len; i++) text += alphabet[Math.floor(random() * alphabet.length)];
      const bytes = new TextEncoder().encode(text);
      for (const numSplits of [1, 2, 3, 7]) {
        const all: string[] = [];
        for (const s of planSplits([bytes.length], numSplits)) {
          const plan: TextSplitPlan = { kind: 'textSplit', rddId: 0, inputId: 'x', fileName: 'x', fileSize: bytes.length, start: s.start, end: s.end };
          const split = await readTextSplit(plan, ctxFor(bytes));
          let from = split.start;
          if (split.offset + split.start === 0 && split.bytes[0] === 0xef && split.bytes[1] === 0xbb && split.bytes[2] === 0xbf) from += 3;
          const expected = decoder.decode(split.bytes.subarray(from, split.end));
          for (const chunkBytes of [1, 2, 3, 5, 16, 1 << 20]) {
            expect(await chunkedText(bytes, plan, chunkBytes), `round ${round}, split ${s.start}-${s.end}, chunk ${chunkBytes}`).toBe(expected);
          }
          all.push(expected);
        }
        expect(fileLines(all.join(''))).toEqual(fileLines(decoder.decode(bytes).replace(/^\uFEFF/, '')));
      }
    }
  });

  it('with soft breaks, hands a huge line on in bounded pieces cut after a space, counting the same', async () => {
    const words = ['Alpha', 'beta', 'ΟΔΟΣ', 'don’t', '東京', 'γάμμα\tdelta'];
    const text = Array.from({ length: 6000 }, (_, i) => words[i % words.length]).join(' ') + '\nlast line\n';
    const bytes = new TextEncoder().encode(text);
    for (const numSplits of [1, 3]) {
      const counter = new TokenCounter('words');
      let largest = 0;
      for (const s of planSplits([bytes.length], numSplits)) {
        const plan: TextSplitPlan = { kind: 'textSplit', rddId: 0, inputId: 'x', fileName: 'x', fileSize: bytes.length, start: s.start, end: s.end };
        await forEachTextChunk(plan, ctxFor(bytes), 1024, (b, start, end) => {
          largest = Math.max(largest, end - start);
          counter.addBytes(b, start, end);
        }, true);
      }
      // Past its end a split reads ALIGN_CHUNK_BYTES at a time while it finishes its last line.
      expect(largest).toBeLessThanOrEqual(2 * 1024 + ALIGN_CHUNK_BYTES);
      expect(new Map([...counter.toMap()].sort()), `${numSplits} splits`).toEqual(new Map([...referenceCountTokens(text, 'words')].sort()));
    }
  });
});
