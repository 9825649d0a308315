/**
 * Estimators against the closed form of a standard bivariate normal, I = −½ log2(1 − ρ²) bits.
 * Tolerances come from the estimators' spread, measured over 30 seeds at N = 2000 (bits):
 * KSG (k = 3) sd ≈ 0.024 at every ρ, i.e. ≈ 1.1/√N; binned (B = 8) Miller–Madow sd ≈ 0.004–0.022
 * growing with ρ, both shrinking as 1/√N.
 */
import { describe, expect, it } from 'vitest';
import { ksgMutualInformationBits } from '../../../app/mi/ksg.ts';
import { equalFrequencyBins } from '../../../app/mi/equal-frequency-bins.ts';
import { mutualInformationBits, type EntropyEstimator } from '../../../app/mi/entropy.ts';
import { gaussianMiBits, gaussianPairs, tabulate } from './helpers/random.ts';
import { discretizedGaussianMiBits } from './helpers/discretized-gaussian.ts';

const RHOS = [0.3, 0.6, 0.9];

const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length;

describe('KSG against the closed form', () => {
  it.each(RHOS)('estimates ρ = %s within 0.03 bits (mean of 8 runs, N = 4000)', (rho) => {
    // sd of one run ≈ 1.1/√4000 = 0.017, of the mean of 8 ≈ 0.006: 0.03 bits is 5 sd, leaving room for
    // KSG's small positive bias at high ρ (≈ 0.014 bits at N = 2000, less at 4000).
    const estimates = [1, 2, 3, 4, 5, 6, 7, 8].map((seed) => {
      const { x, y } = gaussianPairs(4000, rho, 100 * seed);
      return ksgMutualInformationBits(x, y, 3);
    });
    expect(Math.abs(mean(estimates) - gaussianMiBits(rho))).toBeLessThan(0.03);
  });

  it('gives ≈ 0 for independent variables, within 4 sd of the mean of 10 runs', () => {
    const n = 2000;
    const estimates = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((seed) => {
      const { x, y } = gaussianPairs(n, 0, seed);
      return ksgMutualInformationBits(x, y, 3);
    });
    expect(Math.abs(mean(estimates))).toBeLessThan((4 * 1.1) / Math.sqrt(10 * n));
  });
});

describe('binned plug-in against the closed form', () => {
  const n = 20_000;
  const bins = 8;

  function binnedMi(rho: number, estimator: EntropyEstimator): number {
    const { x, y } = gaussianPairs(n, rho, 7);
    return mutualInformationBits(
      tabulate(equalFrequencyBins(x, bins), bins, equalFrequencyBins(y, bins), bins),
      { x: bins, y: bins },
      estimator,
    );
  }

  it.each(RHOS)(
    'estimates ρ = %s: below the truth by the binning loss, within 0.03 bits of the binned truth',
    (rho) => {
      // Binning can only lose information (data processing), so the binned estimator converges to the MI of
      // the discretised Gaussian, computed here by quadrature — 0.007, 0.038, 0.19 bits below the closed
      // form for ρ = 0.3, 0.6, 0.9 at 8 bins. Around that target: sd ≈ 0.007 bits at N = 20000 (0.03 ≈ 4 sd),
      // plus the plug-in's upward bias (B−1)²/(2N ln 2) = 0.0018 bits, which Miller–Madow removes.
      const truth = gaussianMiBits(rho);
      const binnedTruth = discretizedGaussianMiBits(rho, bins);
      expect(binnedTruth).toBeLessThan(truth);
      const estimate = binnedMi(rho, 'miller-madow');
      expect(Math.abs(estimate - binnedTruth)).toBeLessThan(0.03);
      expect(Math.abs(estimate - truth)).toBeLessThan(truth - binnedTruth + 0.03);
      expect(binnedMi(rho, 'plugin')).toBeGreaterThan(estimate);
    },
  );
});
