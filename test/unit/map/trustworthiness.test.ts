// scikit-learn's trustworthiness (app/map/trustworthiness.ts) on cases worked out by hand.
import { describe, expect, it } from 'vitest';
import { trustworthiness } from '../../../app/map/trustworthiness.ts';

/** Distances along a line, as the original space. */
const onLine = (points: number[]) => (i: number) => points.map((p) => Math.abs(p - points[i]!));
const layoutOf = (xs: number[]) => Float32Array.from(xs.flatMap((x) => [x, 0]));

describe('trustworthiness', () => {
  it('is 1 when the layout keeps every neighbourhood', () => {
    const points = [0, 1, 2.5, 4.5, 7, 11];
    expect(trustworthiness(onLine(points), layoutOf(points), 2)).toBe(1);
  });

  it('matches the sum worked by hand when the layout swaps neighbours', () => {
    // Original 0, 1, 2.5, 4.5; layout 0, 1, 4, 2.2. With k = 1 the layout's nearest neighbours are
    // 0→1, 1→0, 2→3, 3→1, whose original ranks are 1, 1, 2 (from 2.5: 1 at 1.5, then 3 at 2) and
    // 2 (from 4.5: 2 at 2, then 1 at 3.5). Penalty Σ max(0, r − 1) = 2; T = 1 − 2/(4·1·(8 − 3 − 1))·2 = 0.75.
    expect(trustworthiness(onLine([0, 1, 2.5, 4.5]), layoutOf([0, 1, 4, 2.2]), 1)).toBeCloseTo(0.75, 12);
  });

  it('refuses a k of half the points or more', () => {
    expect(() => trustworthiness(onLine([0, 1, 2, 3]), layoutOf([0, 1, 2, 3]), 2)).toThrow(/k < n\/2/);
  });
});
