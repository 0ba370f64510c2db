import { describe, expect, it } from 'vitest';
import { checkpointBlockId, pickBlockIds, rddBlockId, shuffleBlockId, type AppId } from './ids';

const ids = [
  shuffleBlockId('app-a', 0, 0, 0),
  shuffleBlockId('app-a', 1, 2, 0),
  rddBlockId('app-a', 3, 0),
  shuffleBlockId('app-b', 1, 0, 1),
  checkpointBlockId('app-b', 2, 0),
  'shuffle/0/0/0', // written by an older version: belongs to no set
];

describe('pickBlockIds: keep these, delete the rest', () => {
  it("picks an app's blocks (an engine deleting its own when it stops), whatever their kind", () => {
    expect(pickBlockIds(ids, { apps: new Set<AppId>(['app-a']) }, 'in')).toEqual(ids.slice(0, 3));
  });

  it("picks the blocks of some shuffles of an app (a discarded run's), and only those", () => {
    expect(
      pickBlockIds(
        ids,
        {
          shuffles: [
            { app: 'app-a', shuffle: 1 },
            { app: 'app-b', shuffle: 7 },
          ],
        },
        'in',
      ),
    ).toEqual([shuffleBlockId('app-a', 1, 2, 0)]);
  });

  it('keeps live apps and held shuffles, and gives everything else, unreadable ids included', () => {
    expect(
      pickBlockIds(ids, { apps: new Set<AppId>(['app-a']), shuffles: [{ app: 'app-b', shuffle: 1 }] }, 'out'),
    ).toEqual([checkpointBlockId('app-b', 2, 0), 'shuffle/0/0/0']);
  });

  it('an empty set picks nothing in and everything out', () => {
    expect(pickBlockIds(ids, {}, 'in')).toEqual([]);
    expect(pickBlockIds(ids, {}, 'out')).toEqual(ids);
  });
});
