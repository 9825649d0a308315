import { describe, expect, it } from 'vitest';
import { ksgMutualInformationBits } from '../../../app/mi/ksg.ts';
import { gaussianPairs } from './helpers/random.ts';
import { thrownCode } from '../../helpers/errors.ts';

describe('KSG estimator', () => {
  it('is symmetric in x and y', () => {
    const { x, y } = gaussianPairs(500, 0.5, 3);
    expect(ksgMutualInformationBits(y, x)).toBeCloseTo(ksgMutualInformationBits(x, y), 12);
  });

  it('matches a brute-force evaluation of the KSG formula', () => {
    // Direct O(N²) evaluation of ψ(k) + ψ(N) − ⟨ψ(n_x+1) + ψ(n_y+1)⟩ with harmonic numbers for ψ.
    const { x, y } = gaussianPairs(300, 0.6, 5);
    const k = 4;
    const n = x.length;
    const psiInt = (m: number): number => {
      let h = -0.5772156649015329;
      for (let j = 1; j < m; j++) h += 1 / j;
      return h;
    };
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const distances: number[] = [];
      for (let j = 0; j < n; j++)
        if (j !== i) distances.push(Math.max(Math.abs(x[i]! - x[j]!), Math.abs(y[i]! - y[j]!)));
      const epsilon = distances.sort((a, b) => a - b)[k - 1]!;
      let nx = 0;
      let ny = 0;
      for (let j = 0; j < n; j++) {
        if (j === i) continue;
        if (Math.abs(x[i]! - x[j]!) < epsilon) nx++;
        if (Math.abs(y[i]! - y[j]!) < epsilon) ny++;
      }
      sum += psiInt(nx + 1) + psiInt(ny + 1);
    }
    const expected = (psiInt(k) + psiInt(n) - sum / n) / Math.LN2;
    expect(ksgMutualInformationBits(x, y, k)).toBeCloseTo(expected, 10);
  });

  it('rejects mismatched lengths, too few samples and exact duplicates', () => {
    expect(thrownCode(() => ksgMutualInformationBits([1, 2, 3], [1, 2]))).toBe('BAD_ARGUMENT');
    expect(thrownCode(() => ksgMutualInformationBits([1, 2, 3], [1, 2, 3], 3))).toBe('BAD_ARGUMENT');
    expect(thrownCode(() => ksgMutualInformationBits([1, 1, 1, 1, 2], [0, 0, 0, 0, 1], 3))).toBe('BAD_ARGUMENT');
  });
});
