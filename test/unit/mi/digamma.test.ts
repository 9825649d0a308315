import { describe, expect, it } from 'vitest';
import { digamma } from '../../../app/mi/digamma.ts';
import { isEidosError } from '../../../app/contract/errors.ts';

const EULER_GAMMA = 0.5772156649015329;

describe('digamma', () => {
  it('equals −γ + H_{n−1} at positive integers', () => {
    let harmonic = 0; // H_{n−1}
    for (let n = 1; n <= 60; n++) {
      expect(digamma(n)).toBeCloseTo(-EULER_GAMMA + harmonic, 13);
      harmonic += 1 / n;
    }
  });

  it('equals −γ − 2 ln 2 at ½ (Gauss digamma theorem)', () => {
    expect(digamma(0.5)).toBeCloseTo(-EULER_GAMMA - 2 * Math.LN2, 13);
  });

  it('satisfies ψ(x + 1) = ψ(x) + 1/x at non-integers, across the series switch-over', () => {
    for (const x of [0.013, 0.37, 2.9, 9.4, 9.999, 10.5, 123.4]) {
      expect(digamma(x + 1) - digamma(x)).toBeCloseTo(1 / x, 11);
    }
  });

  it('approaches ln x − 1/(2x) for large x', () => {
    const x = 1e6;
    expect(digamma(x)).toBeCloseTo(Math.log(x) - 1 / (2 * x) - 1 / (12 * x * x), 12);
  });

  it('rejects x ≤ 0', () => {
    for (const x of [0, -1.5, Number.NaN]) {
      let error: unknown;
      try {
        digamma(x);
      } catch (e) {
        error = e;
      }
      expect(isEidosError(error, 'BAD_ARGUMENT')).toBe(true);
    }
  });
});
