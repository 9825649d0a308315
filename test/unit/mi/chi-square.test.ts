import { describe, expect, it } from 'vitest';
import { chiSquareSurvival } from '../../../app/mi/chi-square.ts';

describe('chiSquareSurvival', () => {
  it('matches the closed forms for 2 degrees of freedom (e^{−x/2}) and 1 (erfc √(x/2), at tabulated points)', () => {
    for (const x of [0.01, 0.5, 2, 5.99, 13.8, 40]) expect(chiSquareSurvival(x, 2)).toBeCloseTo(Math.exp(-x / 2), 12);
    // Textbook critical values of χ²₁: 3.841459 at 5%, 6.634897 at 1%, 10.827566 at 0.1%.
    expect(chiSquareSurvival(3.841459, 1)).toBeCloseTo(0.05, 6);
    expect(chiSquareSurvival(6.634897, 1)).toBeCloseTo(0.01, 6);
    expect(chiSquareSurvival(10.827566, 1)).toBeCloseTo(0.001, 7);
  });

  it('matches reference values (SciPy chi2.sf) on both sides of the series/fraction switch', () => {
    const cases: [number, number, number][] = [
      [10, 5, 0.07523524614651217],
      [60, 56, 0.3328690840455234],
      [100, 56, 0.0002748447240776812],
      [0.5, 7, 0.9994464813904249],
      [200, 150, 0.003973185970821635],
      [1e-3, 3, 0.9999915920809419],
    ];
    for (const [x, k, p] of cases) expect(Math.abs(chiSquareSurvival(x, k) - p) / p).toBeLessThan(1e-9);
  });

  it('is 1 at or below 0 and refuses non-positive degrees of freedom', () => {
    expect(chiSquareSurvival(0, 4)).toBe(1);
    expect(() => chiSquareSurvival(1, 0)).toThrow(/positive degrees of freedom/);
  });
});
