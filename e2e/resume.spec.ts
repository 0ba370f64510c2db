import { test, expect } from './fixtures';
import { brownFiles, referenceCounts } from './corpus';

const corpus = brownFiles(60);
const files = [0, 1].map((i) => ({
  name: `brown-${i}.txt`,
  text: corpus
    .slice(i * 30, i * 30 + 30)
    .map((f) => f.text)
    .join('\n'),
}));
const expected = referenceCounts(files);

test('a reload during the map stage: the run resumes and computes only the missing map partitions', async ({
  harness,
}) => {
  const name = `resume-${Math.random().toString(36).slice(2)}`;
  // Session 1: start a journaled word count and reload once 3 map tasks have finished.
  const before = await harness.evaluate(
    async ({ files, name }) => {
      const ctx = window.emberflow.createContext({ workers: 2, name });
      const inputs = await ctx.inputs.add(files.map((f) => new File([f.text], f.name)));
      ctx.configure({ taskDelayMs: 250 });
      return new Promise<{ mapTasks: number; done: number }>((resolve) => {
        let done = 0;
        let mapTasks = 0;
        ctx.events.subscribe((e) => {
          if (e.type === 'stage.submitted' && e.stageId === 0 && e.attempt === 0) mapTasks = e.partitions.length;
          if (e.type === 'task.ended' && e.stageId === 0 && e.outcome === 'success' && ++done === 3) {
            // Reload only once the journal holds those outputs (each is one small IndexedDB put).
            const poll = () => {
              const open = indexedDB.open(`emberflow-${name}`);
              open.onsuccess = () => {
                const db = open.result;
                const count = db.transaction('mapOutputs').objectStore('mapOutputs').count();
                count.onsuccess = () => {
                  db.close();
                  if (count.result >= 3) resolve({ mapTasks, done });
                  else setTimeout(poll, 10);
                };
              };
            };
            poll();
          }
        });
        void ctx
          .runWordCount({ inputs, tokenizer: 'words', inputSplits: 10, shufflePartitions: 3 })
          .catch(() => undefined);
      });
    },
    { files, name },
  );
  expect(before.mapTasks).toBeGreaterThan(6);
  await harness.reload();
  await harness.waitForFunction(() => typeof window.emberflow === 'object');

  // Session 2: the interrupted run is offered; resuming runs only the map partitions not journaled.
  const after = await harness.evaluate(async (name) => {
    const ctx = window.emberflow.createContext({ workers: 2, name });
    const events: { type: string; [k: string]: unknown }[] = [];
    ctx.events.subscribe((e) => {
      if (e.type !== 'executor.heartbeat') events.push(JSON.parse(JSON.stringify(e)));
    });
    try {
      const runs = await ctx.interruptedRuns();
      const rows = await ctx.resumeRun(runs[0]!.runId);
      const again = await ctx.interruptedRuns();
      return { interrupted: runs.length, rows, events, again: again.length };
    } finally {
      await ctx.stop();
    }
  }, name);
  expect(after.interrupted).toBe(1);
  expect(after.again).toBe(0);
  expect(after.rows).toEqual(expected);
  const note = after.events.find(
    (e) => e.type === 'log' && String(e.message).startsWith('Resuming the interrupted run'),
  );
  const survived = Number(String(note?.message).match(/(\d+) map outputs? of (\d+) journaled/)?.[1]);
  expect(survived).toBeGreaterThanOrEqual(3);
  expect(survived).toBeLessThan(before.mapTasks);
  const mapStage = after.events.find((e) => e.type === 'stage.submitted' && e.stageId === 0);
  expect((mapStage!.partitions as number[]).length).toBe(before.mapTasks - survived);
  const mapTasksRun = after.events.filter((e) => e.type === 'task.started' && e.stageId === 0).length;
  expect(mapTasksRun).toBe(before.mapTasks - survived);
});
