// Mutual-kNN alignment and linear CKA against truth: identical and rotated representations give 1,
// independent ones give k/(n − 1) with the spread of randomly drawn neighbourhoods, a known shared
// subspace gives the value a separate simulation (brute-force kNN) and the closed form (CKA) predict,
// and every number matches a direct implementation (sorted kNN lists, CKA from n×n Gram matrices).
import { describe, expect, it } from 'vitest';
import { alignRepresentations } from '../../../app/alignment/align.ts';
import { chanceAlignment } from '../../../app/alignment/mutual-knn.ts';
import { mulberry32 } from '../../../app/util/mulberry32.ts';
import {
  bruteForceKnn,
  bruteForceMutualKnn,
  columns,
  concat,
  f32Matrix,
  gaussian,
  gramCka,
  mean,
  multiply,
  randomNeighbourhoodAlignment,
  randomRotation,
  sd,
  unitRows,
} from './simulate.ts';

const K = 10;

describe('a representation against itself and its rotation', () => {
  const n = 300;
  const d = 24;
  const x = unitRows(gaussian(n * d, 11), d);

  it('identical embeddings give mutual-kNN alignment exactly 1, CKA exactly 1, a [1, 1] interval', async () => {
    const result = await alignRepresentations(f32Matrix(x, d), f32Matrix(x, d));
    expect(result.mutualKnn).toBe(1);
    expect(result.cka).toBe(1);
    expect([result.interval.low, result.interval.high]).toEqual([1, 1]);
    expect(result.overlapHistogram[K]).toBe(n);
    expect(result.chance).toBe(K / (n - 1));
  });

  it('an orthogonal rotation gives alignment 1 and CKA 1', async () => {
    const rotated = multiply(x, randomRotation(d, 5), d);
    const result = await alignRepresentations(f32Matrix(x, d), f32Matrix(rotated, d));
    expect(result.mutualKnn).toBe(1);
    expect(result.cka).toBeCloseTo(1, 5);
  });
});

describe('agreement with direct implementations', () => {
  it('per-item overlaps and the mean match sorted brute-force kNN lists; CKA matches the n×n Gram formula', async () => {
    const n = 150;
    const [da, db] = [20, 7];
    // Related but different: B sees 5 of A's coordinates plus 2 of its own.
    const a = unitRows(gaussian(n * da, 21), da);
    const b = unitRows(concat(columns(a, da, [0, 1, 2, 3, 4]), 5, gaussian(n * 2, 22), 2), db);
    const result = await alignRepresentations(f32Matrix(a, da), f32Matrix(b, db), { disagreements: n });
    const listsA = bruteForceKnn(a, da, K);
    const listsB = bruteForceKnn(b, db, K);
    expect(result.mutualKnn).toBeCloseTo(bruteForceMutualKnn(listsA, listsB, K), 12);
    for (const item of result.disagreements) {
      expect(item.neighboursA).toEqual(listsA[item.item]);
      expect(item.neighboursB).toEqual(listsB[item.item]);
      expect(item.overlap).toBe(listsA[item.item]!.filter((j) => listsB[item.item]!.includes(j)).length);
    }
    // The list is every item, lowest overlap first.
    const overlaps = result.disagreements.map((item) => item.overlap);
    expect(overlaps).toEqual([...overlaps].sort((p, q) => p - q));
    expect(result.cka).toBeCloseTo(gramCka(a, da, b, db), 5);
  });
});

/** The p-quantile of χ²(ν) by the Wilson–Hilferty approximation (z the standard normal quantile). */
const chiSquareQuantile = (z: number, nu: number): number => nu * (1 - 2 / (9 * nu) + z * Math.sqrt(2 / (9 * nu))) ** 3;

describe('independent random embeddings', () => {
  it('give k/(n − 1) in expectation, with the spread of independently drawn random neighbourhoods', async () => {
    const [n, d, trials] = [200, 32, 40];
    const ours: number[] = [];
    for (let t = 0; t < trials; t++) {
      const a = unitRows(gaussian(n * d, 1000 + t), d);
      const b = unitRows(gaussian(n * d, 2000 + t), d);
      ours.push((await alignRepresentations(f32Matrix(a, d), f32Matrix(b, d), { resamples: 10 })).mutualKnn);
    }
    // The simulation: no embeddings and no kNN, just uniform random neighbour sets.
    const random = mulberry32(7);
    const simulated = Array.from({ length: 4000 }, () => randomNeighbourhoodAlignment(n, K, random));
    const chance = chanceAlignment(K, n);
    expect(mean(simulated)).toBeCloseTo(chance, 3);
    // Mean: within 4 standard errors of k/(n − 1), the standard error from the simulated spread.
    expect(Math.abs(mean(ours) - chance)).toBeLessThan((4 * sd(simulated)) / Math.sqrt(trials));
    // Spread: the ratio of variances inside the two-sided 99.9 % range of χ²(trials − 1)/(trials − 1).
    const ratio = sd(ours) ** 2 / sd(simulated) ** 2;
    expect(ratio).toBeGreaterThan(chiSquareQuantile(-3.29, trials - 1) / (trials - 1));
    expect(ratio).toBeLessThan(chiSquareQuantile(3.29, trials - 1) / (trials - 1));
  });
});

describe('two representations sharing a known subspace', () => {
  // A: d iid N(0, 1) coordinates; B: the first s of them plus d − s coordinates of its own.
  const [n, d, s] = [400, 16, 8];
  const draw = (seed: number) => {
    const a = gaussian(n * d, seed);
    const b = concat(
      columns(
        a,
        d,
        Array.from({ length: s }, (_, j) => j),
      ),
      s,
      gaussian(n * (d - s), seed + 1),
      d - s,
    );
    return { a, b };
  };

  it('CKA matches its closed form s/d, corrected for n samples', async () => {
    const values: number[] = [];
    for (let t = 0; t < 12; t++) {
      const { a, b } = draw(100 + 2 * t);
      values.push((await alignRepresentations(f32Matrix(a, d), f32Matrix(b, d), { resamples: 10 })).cka);
    }
    // Population CKA = ‖Σ_AB‖²/(‖Σ_A‖‖Σ_B‖) = s/d. With n samples (centred sums S = XᵀHY),
    // E S²_jj = (n−1)² + 2(n−1) on a shared coordinate and (n−1) on any other pair, so to first order
    // CKA ≈ [s(1 + 2/(n−1)) + (d² − s)/(n−1)] / [d(1 + 2/(n−1)) + (d² − d)/(n−1)].
    const m = n - 1;
    const predicted = (s * (1 + 2 / m) + (d * d - s) / m) / (d * (1 + 2 / m) + (d * d - d) / m);
    expect(Math.abs(mean(values) - predicted)).toBeLessThan((4 * sd(values)) / Math.sqrt(values.length));
    expect(predicted).toBeCloseTo(s / d, 1);
  });

  it('mutual-kNN alignment matches a brute-force simulation of the same construction', async () => {
    const ours: number[] = [];
    const simulated: number[] = [];
    for (let t = 0; t < 12; t++) {
      const mine = draw(500 + 2 * t);
      ours.push(
        (
          await alignRepresentations(f32Matrix(unitRows(mine.a, d), d), f32Matrix(unitRows(mine.b, d), d), {
            resamples: 10,
          })
        ).mutualKnn,
      );
      // Independent draws, neighbours by sorting: no code under test.
      const other = draw(900 + 2 * t);
      simulated.push(
        bruteForceMutualKnn(bruteForceKnn(unitRows(other.a, d), d, K), bruteForceKnn(unitRows(other.b, d), d, K), K),
      );
    }
    const standardError = Math.sqrt(sd(ours) ** 2 / ours.length + sd(simulated) ** 2 / simulated.length);
    expect(Math.abs(mean(ours) - mean(simulated))).toBeLessThan(4 * standardError);
    // Far from both ends: the shared half carries real but partial agreement.
    expect(mean(simulated)).toBeGreaterThan(5 * chanceAlignment(K, n));
    expect(mean(simulated)).toBeLessThan(0.8);
  });
});

describe('bad input', () => {
  it('refuses a k that leaves nothing to compare, naming the item count', async () => {
    const x = unitRows(gaussian(8 * 4, 3), 4);
    await expect(alignRepresentations(f32Matrix(x, 4), f32Matrix(x, 4), { k: 7 })).rejects.toThrow(/there are 8/);
  });
});
