// The seeded sample alignment is measured on (Huh et al.'s N = 1,024): distinct, in range, the same for
// a seed, every row when the library is smaller, and uniform: each row is drawn with probability N/n.
import { describe, expect, it } from 'vitest';
import { DEFAULT_SAMPLE, sampleRows } from '../../../app/alignment/sample.ts';

describe('sampleRows', () => {
  it('draws N distinct rows in increasing order, the same ones for the same seed', () => {
    const rows = sampleRows(5000, DEFAULT_SAMPLE, 1);
    expect(rows).toHaveLength(1024);
    expect(new Set(rows).size).toBe(1024);
    expect(rows.every((row, i) => row >= 0 && row < 5000 && (i === 0 || row > rows[i - 1]!))).toBe(true);
    expect(sampleRows(5000, DEFAULT_SAMPLE, 1)).toEqual(rows);
    expect(sampleRows(5000, DEFAULT_SAMPLE, 2)).not.toEqual(rows);
  });

  it('takes every row when the library has no more than N', () => {
    expect(sampleRows(7, 10)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(sampleRows(10, 10)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('draws every row with probability N/n (counts over 4,000 seeds within 5 binomial standard deviations)', () => {
    const [n, size, seeds] = [40, 10, 4000];
    const counts = new Array<number>(n).fill(0);
    for (let seed = 1; seed <= seeds; seed++) for (const row of sampleRows(n, size, seed)) counts[row]!++;
    const p = size / n;
    const expected = seeds * p;
    const sd = Math.sqrt(seeds * p * (1 - p));
    for (const count of counts) expect(Math.abs(count - expected)).toBeLessThan(5 * sd);
  });
});
