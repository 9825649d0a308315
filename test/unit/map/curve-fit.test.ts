// UMAP's a/b curve against umap-learn's find_ab_params (scipy curve_fit), whose values for the default
// spread 1 are published in its docs and tests: min_dist 0.1 → a ≈ 1.577, b ≈ 0.895; 0.001 → 1.929, 0.7915.
import { describe, expect, it } from 'vitest';
import { fitCurve } from '../../../app/map/curve-fit.ts';

describe('a/b curve fit', () => {
  it.each([
    [0.1, 1.577, 0.8951],
    [0.001, 1.929, 0.7915],
  ])('min_dist %f gives umap-learn’s a and b', (minDist, a, b) => {
    const fitted = fitCurve(minDist);
    expect(fitted.a).toBeCloseTo(a, 3);
    expect(fitted.b).toBeCloseTo(b, 3);
  });

  it('follows the target: 1/(1 + a·x^2b) ≈ 1 inside min_dist, exp(−(x − min_dist)) beyond', () => {
    const { a, b } = fitCurve(0.1);
    for (const x of [0.5, 1, 2]) expect(1 / (1 + a * x ** (2 * b))).toBeCloseTo(Math.exp(-(x - 0.1)), 1);
  });

  it('refuses a min_dist beyond the spread', () => {
    expect(() => fitCurve(2)).toThrow(/min_dist/);
  });
});
