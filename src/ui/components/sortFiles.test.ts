import { describe, expect, it } from 'vitest';
import type { StoredInputInfo } from '../engineTypes';
import { sortFiles } from './sortFiles';

const file = (name: string, size: number): StoredInputInfo => ({ id: name, name, size, type: '', lastModified: 0 });

describe('sortFiles', () => {
  const files = [file('ca10', 5), file('ca2', 9), file('B.txt', 5), file('a.txt', 1)];

  it('sorts names as a person reads them: numbers by value, case ignored', () => {
    expect(sortFiles(files, 'name').map((f) => f.name)).toEqual(['a.txt', 'B.txt', 'ca2', 'ca10']);
  });

  it('sorts by size, largest first, keeping the added order of equal sizes', () => {
    expect(sortFiles(files, 'size').map((f) => f.name)).toEqual(['ca2', 'ca10', 'B.txt', 'a.txt']);
  });

  it('keeps the added order and never changes its input', () => {
    expect(sortFiles(files, 'added')).toEqual(files);
    expect(sortFiles(files, 'added')).not.toBe(files);
  });
});
