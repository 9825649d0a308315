import { describe, expect, it } from 'vitest';
import { binFeatureMatrix, equalFrequencyBins } from '../../../app/mi/equal-frequency-bins.ts';
import { isEidosError } from '../../../app/contract/errors.ts';
import { uniformSource } from './helpers/random.ts';

describe('equal-frequency bins', () => {
  it('splits distinct values into equally filled bins by rank', () => {
    // Ranks 0…7 into 4 bins: ⌊r·4/8⌋ = 0,0,1,1,2,2,3,3.
    expect([...equalFrequencyBins([0.7, 0.1, 0.5, 0.3, 0.8, 0.2, 0.4, 0.6], 4)]).toEqual([3, 0, 2, 1, 3, 0, 1, 2]);
  });

  it('gives bin sizes that differ by at most one when N is not a multiple of B', () => {
    const uniform = uniformSource(1);
    const values = Array.from({ length: 1003 }, uniform);
    const sizes = new Array<number>(7).fill(0);
    for (const b of equalFrequencyBins(values, 7)) sizes[b]!++;
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    expect(sizes.reduce((a, b) => a + b)).toBe(1003);
  });

  it('is monotone: a larger value never gets a smaller bin', () => {
    const uniform = uniformSource(2);
    const values = Array.from({ length: 500 }, () => Math.round(uniform() * 50)); // many ties
    const bins = equalFrequencyBins(values, 8);
    // Along sorted order, bins never decrease and never change inside a run of equal values.
    const order = values.map((_, i) => i).sort((a, b) => values[a]! - values[b]!);
    for (let r = 1; r < order.length; r++) {
      const [previous, current] = [order[r - 1]!, order[r]!];
      if (values[previous] === values[current]) expect(bins[current]).toBe(bins[previous]);
      else expect(bins[current]!).toBeGreaterThanOrEqual(bins[previous]!);
    }
  });

  it('puts equal values in the same bin whatever their order', () => {
    const values = [2, 1, 2, 3, 2, 1, 2, 4];
    const reversed = [...values].reverse();
    const forward = equalFrequencyBins(values, 4);
    const backward = [...equalFrequencyBins(reversed, 4)].reverse();
    expect([...forward]).toEqual(backward);
    // Sorted: 1,1,2,2,2,2,3,4; the 2s start at rank 2 → bin ⌊2·4/8⌋ = 1; 3 at rank 6 → 3; 4 at rank 7 → 3.
    expect([...forward]).toEqual([1, 0, 1, 3, 1, 0, 1, 3]);
  });

  it('leaves bins empty under heavy ties instead of splitting a value', () => {
    // 6 zeros of 10 into 4 bins: zeros → bin 0; next value at rank 6 → ⌊6·4/10⌋ = 2; bin 1 stays empty.
    const bins = equalFrequencyBins([0, 0, 0, 0, 0, 0, 1, 2, 3, 4], 4);
    expect([...bins]).toEqual([0, 0, 0, 0, 0, 0, 2, 2, 3, 3]);
  });

  it('puts a constant feature in bin 0', () => {
    expect([...equalFrequencyBins([5, 5, 5], 3)]).toEqual([0, 0, 0]);
  });

  it('bins a feature-major matrix row by row', () => {
    const matrix = [3, 1, 2, 0, /* feature 1 */ 10, 40, 30, 20];
    expect([...binFeatureMatrix(matrix, 2, 4, 2)]).toEqual([1, 0, 1, 0, 0, 1, 1, 0]);
  });

  it('rejects non-finite values and impossible bin counts', () => {
    for (const call of [
      () => equalFrequencyBins([1, Number.NaN], 2),
      () => equalFrequencyBins([1, 2], 0),
      () => equalFrequencyBins([1, 2], 257),
      () => binFeatureMatrix([1, 2, 3], 2, 2, 2),
    ]) {
      let error: unknown;
      try {
        call();
      } catch (e) {
        error = e;
      }
      expect(isEidosError(error, 'BAD_ARGUMENT')).toBe(true);
    }
  });
});
