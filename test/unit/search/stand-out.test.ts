import { describe, expect, it } from 'vitest';
import { standOutPoint } from '../../../app/evaluation/stand-out-curve.ts';
import { rowsAbove, STAND_OUT_FLOOR_BITS, standOutBits } from '../../../app/search/pmi.ts';

describe('the stand-out cut-off', () => {
  it('is 55% of the query information, never below 1 bit; a query under 1 bit picks out nothing', () => {
    expect(standOutBits(0)).toBe(Infinity);
    expect(standOutBits(0.99)).toBe(Infinity);
    expect(standOutBits(STAND_OUT_FLOOR_BITS)).toBe(1);
    expect(standOutBits(1.5)).toBe(1);
    expect(standOutBits(8)).toBeCloseTo(4.4, 12);
    expect(standOutBits(9.97)).toBeCloseTo(0.55 * 9.97, 12);
  });

  it('keeps the rows strictly above it, −∞ never', () => {
    const scores = Float32Array.from([4, 4.5, -Infinity, 9, 3.99]);
    expect(Array.from(rowsAbove(scores, 4))).toEqual([1, 3]);
    expect(Array.from(rowsAbove(scores, -Infinity))).toEqual([0, 1, 3, 4]);
  });
});

describe('standOutPoint', () => {
  it('counts targets standing out and the median number of others standing out without them', () => {
    const scores = [
      // target at 5 bits of a 8-bit query: stands out under ½·8 = 4; without it, 2 others above 4.
      { queryBits: 8, targetBits: 5, othersWithout: Float32Array.from([4.5, 6, 1]), queryBitsWithout: 8 },
      // target at 3 of 8: does not; without it the query has 6 bits, cut-off 3: one other above.
      { queryBits: 8, targetBits: 3, othersWithout: Float32Array.from([3.5, 2, 0]), queryBitsWithout: 6 },
      // a vague query: the 1-bit floor; none above.
      { queryBits: 0.5, targetBits: 1.2, othersWithout: Float32Array.from([0.9, 1, -2]), queryBitsWithout: 0.4 },
      { queryBits: 10, targetBits: 9, othersWithout: Float32Array.from([5.1, 5.2, 5.3]), queryBitsWithout: 10 },
    ];
    const half = (bits: number) => Math.max(1, bits / 2);
    expect(standOutPoint(scores, half)).toEqual({
      targetStandsOut: 75,
      medianWithoutTarget: 1.5,
      meanWithoutTarget: 6 / 4,
    });
  });
});
