import { describe, expect, it } from 'vitest';
import { rangeBoundsFromSample, sampleSizePerMap } from './rangeBounds';

describe('range bounds from a sample of keys', () => {
  it('picks evenly spaced keys of the sorted sample, one fewer than the reducers', () => {
    expect(rangeBoundsFromSample([9, 1, 8, 2, 7, 3, 6, 4, 5, 0], 4, true)).toEqual([2, 5, 7]);
  });

  it('descending sorts reverse the sample first', () => {
    expect(rangeBoundsFromSample([9, 1, 8, 2, 7, 3, 6, 4, 5, 0], 4, false)).toEqual([7, 4, 2]);
  });

  it('drops repeated bounds, so skewed keys yield fewer partitions with data', () => {
    expect(rangeBoundsFromSample(['a', 'a', 'a', 'a', 'a', 'b'], 3, true)).toEqual(['a']);
  });

  it('needs no bounds for one reducer or an empty sample', () => {
    expect(rangeBoundsFromSample([3, 1, 2], 1, true)).toEqual([]);
    expect(rangeBoundsFromSample([], 4, true)).toEqual([]);
  });

  it('orders composite keys as the shuffle does (the word count sorts by [-count, word])', () => {
    expect(
      rangeBoundsFromSample(
        [
          [-1, 'b'],
          [-3, 'a'],
          [-1, 'a'],
          [-2, 'c'],
        ],
        2,
        true,
      ),
    ).toEqual([[-1, 'a']]);
  });

  it('oversamples 3× the keys per reduce partition, spread over the map partitions', () => {
    expect(sampleSizePerMap(2, 4)).toBe(30);
    expect(sampleSizePerMap(3, 7)).toBe(26);
    expect(sampleSizePerMap(2, 0)).toBe(120);
  });
});
