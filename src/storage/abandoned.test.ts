import { describe, expect, it } from 'vitest';
import { rddBlockId, shuffleBlockId, type AppId } from '../protocol/ids';
import type { StoredRun } from '../protocol/storage';
import { abandonedBlocks, interruptedRuns } from './abandoned';

const run = (
  runId: string,
  app: AppId,
  blockApp: AppId,
  status: StoredRun['status'],
  shuffleIds: number[],
): StoredRun => ({
  runId,
  app,
  blockApp,
  status,
  startedAt: 0,
  options: { inputs: [], tokenizer: 'words', inputSplits: 2, shufflePartitions: 2 },
  shuffleIds,
  rangeBounds: null,
});

describe('liveness of runs and blocks', () => {
  it('a running run is interrupted only if its app is not live', () => {
    const runs = [
      run('live', 'app-a', 'app-a', 'running', [0]),
      run('dead', 'app-b', 'app-b', 'running', [0]),
      run('done', 'app-c', 'app-c', 'succeeded', [0]),
    ];
    expect(interruptedRuns(runs, new Set<AppId>(['app-a'])).map((r) => r.runId)).toEqual(['dead']);
    expect(interruptedRuns(runs, new Set<AppId>(['app-a', 'app-b'])).map((r) => r.runId)).toEqual([]);
  });

  it("abandoned blocks are dead apps' blocks, except the shuffles a running run reads", () => {
    const ids = [
      shuffleBlockId('app-live', 0, 0, 0),
      rddBlockId('app-live', 1, 0),
      shuffleBlockId('app-dead', 0, 0, 0),
      shuffleBlockId('app-dead', 1, 0, 0),
      rddBlockId('app-dead', 0, 0),
      shuffleBlockId('app-old', 0, 0, 0),
      'shuffle/0/0/0',
    ];
    // app-dead's run was resumed by app-live (running, blocks still under app-dead); app-old's run finished.
    const runs = [
      run('resumed', 'app-live', 'app-dead', 'running', [1]),
      run('finished', 'app-old', 'app-old', 'succeeded', [0]),
    ];
    expect(abandonedBlocks(ids, runs, new Set<AppId>(['app-live']))).toEqual([
      shuffleBlockId('app-dead', 0, 0, 0),
      rddBlockId('app-dead', 0, 0),
      shuffleBlockId('app-old', 0, 0, 0),
      'shuffle/0/0/0',
    ]);
  });
});
