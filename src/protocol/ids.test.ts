import { describe, expect, it } from 'vitest';
import {
  appOfBlock,
  checkpointBlockId,
  datasetBlockId,
  isAppId,
  newAppId,
  parseBlockId,
  rddBlockId,
  rddPrefix,
  shuffleBlockId,
  shufflePrefix,
} from './ids';

describe('block ids', () => {
  it('name their app and parse back to their parts', () => {
    expect(shuffleBlockId('app-a1', 3, 4, 5)).toBe('shuffle/app-a1/3/4/5');
    expect(parseBlockId(shuffleBlockId('app-a1', 3, 4, 5))).toEqual({
      kind: 'shuffle',
      app: 'app-a1',
      shuffle: 3,
      map: 4,
      reduce: 5,
    });
    expect(parseBlockId(rddBlockId('app-b2', 7, 0))).toEqual({ kind: 'rdd', app: 'app-b2', rdd: 7, partition: 0 });
    expect(parseBlockId(checkpointBlockId('app-b2', 7, 1))).toEqual({
      kind: 'checkpoint',
      app: 'app-b2',
      rdd: 7,
      partition: 1,
    });
    expect(parseBlockId(datasetBlockId('app-b2', 'runs/2024', 3))).toEqual({
      kind: 'dataset',
      app: 'app-b2',
      dataset: 'runs/2024',
      partition: 3,
    });
    expect(appOfBlock(rddBlockId('app-c3', 1, 1))).toBe('app-c3');
  });

  it('do not parse ids without an app (written before apps existed) or with damaged parts', () => {
    for (const id of [
      'shuffle/0/0/0',
      'rdd/3/0',
      'checkpoint/4/0',
      'dataset/x/0',
      'shuffle/app-a/0/0',
      'rdd/app-a/1/x',
      'nope',
    ]) {
      expect(parseBlockId(id), id).toBeNull();
    }
  });

  it('prefixes of one app never match another app whose id starts the same', () => {
    expect(shuffleBlockId('app-a10', 1, 0, 0).startsWith(shufflePrefix('app-a1', 1))).toBe(false);
    expect(rddBlockId('app-a1', 12, 0).startsWith(rddPrefix('app-a1', 1))).toBe(false);
    expect(rddBlockId('app-a1', 1, 0).startsWith(rddPrefix('app-a1', 1))).toBe(true);
  });

  it('new app ids are distinct and valid', () => {
    const ids = new Set(Array.from({ length: 100 }, () => newAppId()));
    expect(ids.size).toBe(100);
    for (const id of ids) expect(isAppId(id)).toBe(true);
  });
});
