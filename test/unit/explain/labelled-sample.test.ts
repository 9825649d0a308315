import { describe, expect, it } from 'vitest';
import { kernels } from '../../../app/kernels/index.ts';
import { labelledSample } from '../../../app/explain/labelled-sample.ts';
import { uniformSource } from '../mi/helpers/random.ts';

const N = 5000;
const uniform = uniformSource(3);
const scores = Float32Array.from({ length: N }, () => uniform());

describe('labelled sample (top-k + seeded background)', () => {
  it('labels exactly the k best rows 1, best first, and samples the rest without repeats', () => {
    const sample = labelledSample(scores, 50, 400, 9, kernels);
    const byScore = [...scores.keys()].sort((a, b) => scores[b]! - scores[a]!);
    expect([...sample.rows.subarray(0, 50)]).toEqual(byScore.slice(0, 50));
    expect([...sample.labels]).toEqual([...new Array(50).fill(1), ...new Array(400).fill(0)]);
    const background = [...sample.rows.subarray(50)];
    expect(new Set(background).size).toBe(400);
    const top = new Set(byScore.slice(0, 50));
    expect(background.some((row) => top.has(row))).toBe(false);
    expect(background).toEqual([...background].sort((a, b) => a - b));
  });

  it('is the same for the same seed and differs for another', () => {
    const a = labelledSample(scores, 10, 100, 1, kernels).rows;
    expect(labelledSample(scores, 10, 100, 1, kernels).rows).toEqual(a);
    expect(labelledSample(scores, 10, 100, 2, kernels).rows).not.toEqual(a);
  });

  it('takes every other row when the background asked for is larger than the library', () => {
    const sample = labelledSample(scores.subarray(0, 30), 5, 1000, 1, kernels);
    expect(sample.background).toBe(25);
    expect(new Set(sample.rows).size).toBe(30);
  });

  it('draws the background uniformly (χ² over 10 strata of the rest, many seeds)', () => {
    // Each of 10 equal strata of the 4950 non-top rows should get 10 % of the draws: χ² with 9 df,
    // p = 0.001 critical value 27.88.
    const small = scores.subarray(0, 1000);
    const counts = new Array<number>(10).fill(0);
    for (let seed = 0; seed < 200; seed++) {
      const sample = labelledSample(small, 10, 50, seed, kernels);
      for (const row of sample.rows.subarray(10)) counts[Math.floor(row / 100)]!++;
    }
    // Strata are by row index, so the top-10 rows remove a few slots; expected counts follow the slots.
    const top = new Set(labelledSample(small, 10, 1, 0, kernels).rows.subarray(0, 10));
    const slots = counts.map((_, s) => 100 - [...top].filter((row) => Math.floor(row / 100) === s).length);
    const total = counts.reduce((x, y) => x + y, 0);
    const chi2 = counts.reduce(
      (sum, c, s) => sum + (c - (total * slots[s]!) / 990) ** 2 / ((total * slots[s]!) / 990),
      0,
    );
    expect(chi2).toBeLessThan(27.88);
  });
});
