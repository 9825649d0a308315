import { describe, expect, it } from 'vitest';
import { infoNceBoundFromLogits, infoNceBoundFromLosses } from '../../../app/mi/infonce.ts';
import { isEidosError } from '../../../app/contract/errors.ts';
import { gaussianMiBits, gaussianPairs } from './helpers/random.ts';

/** Logits of the optimal critic log p(y|x)/p(y) for a standard bivariate normal, on one batch. */
function optimalCriticLogits(x: Float64Array, y: Float64Array, rho: number): Float64Array {
  const n = x.length;
  const variance = 1 - rho * rho;
  const logits = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const residual = y[j]! - rho * x[i]!;
      logits[i * n + j] = -(residual * residual) / (2 * variance) + (y[j]! * y[j]!) / 2 - 0.5 * Math.log(variance);
    }
  }
  return logits;
}

describe('InfoNCE bound', () => {
  it('computes log N − L by hand on a 2×2 batch', () => {
    // Logits [[a,0],[0,a]]: each row's loss is −log(e^a/(e^a + 1)) = log(1 + e^{−a}).
    // Bound = log2 2 − log2(1 + e^{−a}); a = 0 gives 0 bits.
    const a = 1.5;
    expect(infoNceBoundFromLogits([a, 0, 0, a], 2)).toBeCloseTo(1 - Math.log2(1 + Math.exp(-a)), 12);
    expect(infoNceBoundFromLogits([0, 0, 0, 0], 2)).toBeCloseTo(0, 12);
    expect(infoNceBoundFromLosses([Math.log(1 + Math.exp(-a))], 2)).toBeCloseTo(1 - Math.log2(1 + Math.exp(-a)), 12);
  });

  it('stays stable for CLIP-sized logits', () => {
    // A logit scale of 100 makes e^s overflow without the max shift; a confident diagonal → ≈ log2 N.
    const n = 3;
    const logits = [100, 20, 20, 20, 100, 20, 20, 20, 100];
    expect(infoNceBoundFromLogits(logits, n)).toBeCloseTo(Math.log2(n), 9);
  });

  it('stays below the true MI of a Gaussian, even with the optimal critic', () => {
    // ρ = 0.6: I = 0.3219 bits. The bound holds in expectation, so average 20 batches of N = 128 and
    // allow 3 standard errors above; with I ≪ log2 N = 7 bits it should also be fairly tight.
    const rho = 0.6;
    const bounds = Array.from({ length: 20 }, (_, batch) => {
      const { x, y } = gaussianPairs(128, rho, 1000 + batch);
      return infoNceBoundFromLogits(optimalCriticLogits(x, y, rho), 128);
    });
    const mean = bounds.reduce((a, b) => a + b, 0) / bounds.length;
    const sd = Math.sqrt(bounds.reduce((a, b) => a + (b - mean) ** 2, 0) / (bounds.length - 1));
    expect(mean).toBeLessThanOrEqual(gaussianMiBits(rho) + (3 * sd) / Math.sqrt(bounds.length));
    expect(mean).toBeGreaterThan(gaussianMiBits(rho) - 0.1);
  });

  it('can never exceed log2 N, so a small batch under-reports a large MI', () => {
    // ρ = 0.99: I ≈ 2.83 bits, but a batch of 4 can show at most 2 bits.
    const rho = 0.99;
    for (let batch = 0; batch < 10; batch++) {
      const { x, y } = gaussianPairs(4, rho, 2000 + batch);
      expect(infoNceBoundFromLogits(optimalCriticLogits(x, y, rho), 4)).toBeLessThanOrEqual(2);
    }
    expect(gaussianMiBits(rho)).toBeGreaterThan(2);
  });

  it('rejects a logits matrix that is not N×N', () => {
    let error: unknown;
    try {
      infoNceBoundFromLogits([1, 2, 3], 2);
    } catch (e) {
      error = e;
    }
    expect(isEidosError(error, 'BAD_ARGUMENT')).toBe(true);
  });
});
