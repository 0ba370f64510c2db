import { describe, expect, it } from 'vitest';
import { ALIGN_CHUNK_BYTES, fileLines, planSplits } from '../common/lineSplits';
import { TokenCounter, referenceCountTokens } from '../common/tokenizer';
import type { PartitionPlan, TaskDescription } from '../protocol';
import { forEachTextChunk, readTextSplit } from './readTextSplit';
import { TaskContext } from './taskContext';
import type { TaskEnv } from './taskEnv';

type TextSplitPlan = Extract<PartitionPlan, { kind: 'textSplit' }>;

/**
 * The slice-and-read surface of a Blob over bytes in memory: node's Blob reads cost far more than the
 * reader's own work, and the reader under test only slices and reads.
 */
function memoryBlob(bytes: Uint8Array): Blob {
  const slice = (start = 0, end = bytes.length) => ({ arrayBuffer: async () => bytes.slice(start, end).buffer });
  return { size: bytes.length, slice } as unknown as Blob;
}

function ctxFor(bytes: Uint8Array): TaskContext {
  const env: TaskEnv = {
    app: 'app-test',
    executorId: 1,
    blocks: { putBlocks: async () => undefined, getBlocks: async (ids) => ids.map(() => undefined) },
    inputs: { getBlob: async () => memoryBlob(bytes) },
    memory: new Map(),
    broadcasts: new Map(),
    progress: () => undefined,
    now: () => 0,
  };
  const task = { taskId: 1, partition: 0, functions: [] } as unknown as TaskDescription;
  return new TaskContext(task, env, []);
}

const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

/**
 * What forEachTextChunk hands on (pieces joined), or why it is wrong: a piece that is empty or, except
 * the last, does not end a line. Returned rather than asserted per piece: the suite runs a few thousand
 * calls, and an expect() per call was most of this file's time.
 */
async function chunkedText(bytes: Uint8Array, plan: TextSplitPlan, chunkBytes: number): Promise<string> {
  const parts: string[] = [];
  const lastBytes: number[] = [];
  let empty = 0;
  await forEachTextChunk(plan, ctxFor(bytes), chunkBytes, (b, s, e) => {
    if (e <= s) empty++;
    lastBytes.push(b[e - 1]);
    parts.push(decoder.decode(b.subarray(s, e)));
  });
  if (empty > 0) return `<${empty} empty pieces>`;
  if (!lastBytes.slice(0, -1).every((b) => b === 10))
    return '<a piece other than the last does not end with a newline>';
  return parts.join('');
}

describe('forEachTextChunk', () => {
  it('hands on exactly the lines of readTextSplit, for any chunk size and split', async () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    const alphabet = ['a', 'b', ' ', '\n', '\r\n', 'é', '\n\n'];
    // The boundary cases by name, then random texts (a broader random sweep belongs in a soak run).
    const texts = ['', '\uFEFF', '\uFEFFa\n', '\n', '\n\n', '\r\n', 'a', 'ab\r\ncd\r\n', 'é\né', '\uFEFFé\r\n\r\né'];
    for (let round = 0; round < 12; round++) {
      let text = round % 4 === 0 ? '\uFEFF' : '';
      const len = Math.floor(random() * 60);
      for (let i = 0; i < len; i++) text += alphabet[Math.floor(random() * alphabet.length)];
      texts.push(text);
    }
    const wrong: string[] = [];
    for (const [round, text] of texts.entries()) {
      const bytes = new TextEncoder().encode(text);
      for (const numSplits of [1, 2, 3, 7]) {
        const all: string[] = [];
        for (const s of planSplits([bytes.length], numSplits)) {
          const plan: TextSplitPlan = {
            kind: 'textSplit',
            rddId: 0,
            inputId: 'x',
            fileName: 'x',
            fileSize: bytes.length,
            start: s.start,
            end: s.end,
          };
          const split = await readTextSplit(plan, ctxFor(bytes));
          let from = split.start;
          if (
            split.offset + split.start === 0 &&
            split.bytes[0] === 0xef &&
            split.bytes[1] === 0xbb &&
            split.bytes[2] === 0xbf
          )
            from += 3;
          const expected = decoder.decode(split.bytes.subarray(from, split.end));
          // 1 byte puts a chunk boundary at every offset; 2 and 3 at different phases of '\r\n' and 'é'.
          for (const chunkBytes of [1, 2, 3, 16, 1 << 20]) {
            const got = await chunkedText(bytes, plan, chunkBytes);
            if (got !== expected)
              wrong.push(
                `text ${round} ${JSON.stringify(text)}, split ${s.start}-${s.end}, chunk ${chunkBytes}: ${JSON.stringify(got)}`,
              );
          }
          all.push(expected);
        }
        expect(fileLines(all.join(''))).toEqual(fileLines(decoder.decode(bytes).replace(/^\uFEFF/, '')));
      }
    }
    expect(wrong).toEqual([]);
  });

  it('with soft breaks, hands a huge line on in bounded pieces cut after a space, counting the same', async () => {
    const words = ['Alpha', 'beta', 'ΟΔΟΣ', 'don’t', '東京', 'γάμμα\tdelta'];
    const text = Array.from({ length: 6000 }, (_, i) => words[i % words.length]).join(' ') + '\nlast line\n';
    const bytes = new TextEncoder().encode(text);
    for (const numSplits of [1, 3]) {
      const counter = new TokenCounter('words');
      let largest = 0;
      for (const s of planSplits([bytes.length], numSplits)) {
        const plan: TextSplitPlan = {
          kind: 'textSplit',
          rddId: 0,
          inputId: 'x',
          fileName: 'x',
          fileSize: bytes.length,
          start: s.start,
          end: s.end,
        };
        await forEachTextChunk(
          plan,
          ctxFor(bytes),
          1024,
          (b, start, end) => {
            largest = Math.max(largest, end - start);
            counter.addBytes(b, start, end);
          },
          true,
        );
      }
      // Past its end a split reads ALIGN_CHUNK_BYTES at a time while it finishes its last line.
      expect(largest).toBeLessThanOrEqual(2 * 1024 + ALIGN_CHUNK_BYTES);
      expect(new Map([...counter.toMap()].sort()), `${numSplits} splits`).toEqual(
        new Map([...referenceCountTokens(text, 'words')].sort()),
      );
    }
  });
});
