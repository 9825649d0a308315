import { describe, expect, it } from 'vitest';
import {
  conditionalMutualInformationBits,
  entropyBits,
  jointEntropyBits,
  mutualInformationBits,
  type EntropyEstimator,
} from '../../../app/mi/entropy.ts';
import { isEidosError } from '../../../app/contract/errors.ts';
import { categoricalSource, tabulate, uniformSource } from './helpers/random.ts';

const LOG2_3 = Math.log2(3);
const ESTIMATORS: EntropyEstimator[] = ['plugin', 'miller-madow'];

describe('entropy, by hand', () => {
  it('computes the entropy of a small table', () => {
    // counts 1,1,2 of 4: p = ¼, ¼, ½ → H = ¼·2 + ¼·2 + ½·1 = 1.5 bits.
    expect(entropyBits([1, 1, 2])).toBeCloseTo(1.5, 12);
    // Miller–Madow adds (m − 1)/(2N) nats = (3 − 1)/(2·4) = 0.25 nats = 0.25/ln 2 bits.
    expect(entropyBits([1, 1, 2], 'miller-madow')).toBeCloseTo(1.5 + 0.25 / Math.LN2, 12);
    // Empty cells do not count as occupied.
    expect(entropyBits([0, 1, 0, 1, 2, 0], 'miller-madow')).toBeCloseTo(1.5 + 0.25 / Math.LN2, 12);
  });

  it('computes a joint entropy as the entropy of the flattened table', () => {
    // [[3,1],[1,3]] of 8: two cells at 3/8, two at 1/8.
    // H = 2·(3/8)·log2(8/3) + 2·(1/8)·log2 8 = (3/4)(3 − log2 3) + 3/4 = 3 − (3/4)·log2 3.
    expect(jointEntropyBits([3, 1, 1, 3])).toBeCloseTo(3 - 0.75 * LOG2_3, 12);
  });

  it('gives 0 bits for an empty or single-cell table', () => {
    expect(entropyBits([0, 0])).toBe(0);
    expect(entropyBits([7], 'miller-madow')).toBe(0);
  });
});

describe('mutual information, by hand', () => {
  it('computes I(X;Y) of a symmetric 2×2 table', () => {
    // [[3,1],[1,3]]: p(x) = p(y) = ½. Cells 3/8 have ratio (3/8)/(¼) = 3/2, cells 1/8 have ratio ½.
    // I = 2·(3/8)·log2(3/2) + 2·(1/8)·log2(½) = (3/4)(log2 3 − 1) − ¼ = (3/4)·log2 3 − 1.
    // (Check: H(X) + H(Y) − H(X,Y) = 1 + 1 − (3 − (3/4)·log2 3), the same.)
    expect(mutualInformationBits([3, 1, 1, 3], { x: 2, y: 2 })).toBeCloseTo(0.75 * LOG2_3 - 1, 12);
  });

  it('computes I(X;Y) of a skewed 2×3 table', () => {
    // x=0: [2,2,0], x=1: [0,1,3]; N = 8, p(x) = ½,½, p(y) = 2/8, 3/8, 3/8.
    // (0,0) 2/8: ratio (2/8)/(½·2/8) = 2      → (1/4)·1
    // (0,1) 2/8: ratio (2/8)/(½·3/8) = 4/3    → (1/4)·(2 − log2 3)
    // (1,1) 1/8: ratio (1/8)/(½·3/8) = 2/3    → (1/8)·(1 − log2 3)
    // (1,2) 3/8: ratio (3/8)/(½·3/8) = 2      → (3/8)·1
    // I = 1/4 + 1/2 + 1/8 + 3/8 − (1/4 + 1/8)·log2 3 = 5/4 − (3/8)·log2 3 ≈ 0.6556 bits.
    expect(mutualInformationBits([2, 2, 0, 0, 1, 3], { x: 2, y: 3 })).toBeCloseTo(1.25 - 0.375 * LOG2_3, 12);
  });

  it('applies Miller–Madow to each entropy term', () => {
    // [[3,1],[1,3]]: occupied cells m_X = 2, m_Y = 2, m_XY = 4, N = 8.
    // Correction = [(2−1) + (2−1) − (4−1)]/(2·8) nats = −1/16 nats.
    const plugin = 0.75 * LOG2_3 - 1;
    expect(mutualInformationBits([3, 1, 1, 3], { x: 2, y: 2 }, 'miller-madow')).toBeCloseTo(
      plugin - 1 / 16 / Math.LN2,
      12,
    );
  });

  it('computes I(X;Y|Z) when Z switches between copy and independence', () => {
    // Z = 0 (8 samples): Y copies a fair bit X → I(X;Y|Z=0) = 1 bit.
    // Z = 1 (8 samples): X, Y independent fair bits, 2 per cell → I(X;Y|Z=1) = 0.
    // I(X;Y|Z) = ½·1 + ½·0 = 0.5 bits. Layout [x][z][y].
    const table = [4, 0, 2, 2, /* x=1 */ 0, 4, 2, 2];
    expect(conditionalMutualInformationBits(table, { x: 2, z: 2, y: 2 })).toBeCloseTo(0.5, 12);
    // Ignoring Z pools to [[6,2],[2,6]] = the 3:1 table above: (3/4)·log2 3 − 1.
    expect(mutualInformationBits([6, 2, 2, 6], { x: 2, y: 2 })).toBeCloseTo(0.75 * LOG2_3 - 1, 12);
  });

  it('rejects a table whose shape does not match its size', () => {
    let error: unknown;
    try {
      mutualInformationBits([1, 2, 3], { x: 2, y: 2 });
    } catch (e) {
      error = e;
    }
    expect(isEidosError(error, 'BAD_ARGUMENT')).toBe(true);
  });
});

/** A random [x][z][y] count table with some empty cells. */
function randomTriple(seed: number, nx: number, nz: number, ny: number): Uint32Array {
  const uniform = uniformSource(seed);
  return Uint32Array.from({ length: nx * nz * ny }, () => (uniform() < 0.2 ? 0 : Math.floor(uniform() * 20)));
}

describe('identities', () => {
  it('is symmetric: I(X;Y) = I(Y;X)', () => {
    const [nx, ny] = [4, 3];
    const table = randomTriple(1, nx, 1, ny);
    const transposed = new Uint32Array(nx * ny);
    for (let x = 0; x < nx; x++) for (let y = 0; y < ny; y++) transposed[y * nx + x] = table[x * ny + y]!;
    for (const estimator of ESTIMATORS) {
      expect(mutualInformationBits(transposed, { x: ny, y: nx }, estimator)).toBeCloseTo(
        mutualInformationBits(table, { x: nx, y: ny }, estimator),
        12,
      );
    }
  });

  it('obeys the chain rule I(X;Y,Z) = I(X;Z) + I(X;Y|Z)', () => {
    const [nx, nz, ny] = [3, 4, 2];
    for (const seed of [2, 3, 4]) {
      const table = randomTriple(seed, nx, nz, ny); // [x][z][y] = [x][(z,y)] for I(X;Y,Z)
      const xz = new Uint32Array(nx * nz);
      table.forEach((n, i) => (xz[Math.floor(i / ny)]! += n));
      for (const estimator of ESTIMATORS) {
        const whole = mutualInformationBits(table, { x: nx, y: nz * ny }, estimator);
        const parts =
          mutualInformationBits(xz, { x: nx, y: nz }, estimator) +
          conditionalMutualInformationBits(table, { x: nx, z: nz, y: ny }, estimator);
        expect(parts).toBeCloseTo(whole, 12);
      }
    }
  });

  it('gives exactly 0 when conditioning on a copy: I(X;Y|X) = 0', () => {
    const uniform = uniformSource(5);
    const [nx, ny] = [5, 2];
    const table = new Uint32Array(nx * nx * ny);
    for (let i = 0; i < 300; i++) {
      const x = Math.floor(uniform() * nx);
      const y = uniform() < 0.2 + 0.15 * x ? 1 : 0; // Y depends on X, so I(X;Y) > 0
      table[(x * nx + x) * ny + y]!++; // z = x
    }
    for (const estimator of ESTIMATORS) {
      expect(conditionalMutualInformationBits(table, { x: nx, z: nx, y: ny }, estimator)).toBe(0);
    }
  });
});

describe('bias', () => {
  it('keeps independent variables near 0 within the χ² spread for N', () => {
    // For independent X (8 levels) and Y (2 levels), 2N·ln2·I_plugin → χ² with (8−1)(2−1) = 7 degrees of
    // freedom (the G-test). So E[I_plugin] = 7/(2N ln 2), and each of the 200 draws stays below the χ²₇
    // quantile at 1 − 5e-6 (36.85), so all 200 do with probability > 0.999.
    const n = 2000;
    const df = 7;
    const uniform = uniformSource(6);
    const draws: number[] = [];
    for (let repeat = 0; repeat < 200; repeat++) {
      const x = Array.from({ length: n }, () => Math.floor(uniform() * 8));
      const y = Array.from({ length: n }, () => (uniform() < 0.5 ? 1 : 0));
      const table = tabulate(x, 8, y, 2);
      const plugin = mutualInformationBits(table, { x: 8, y: 2 });
      expect(plugin).toBeLessThan(36.85 / (2 * n * Math.LN2));
      expect(Math.abs(mutualInformationBits(table, { x: 8, y: 2 }, 'miller-madow'))).toBeLessThan(
        36.85 / (2 * n * Math.LN2),
      );
      draws.push(plugin);
    }
    // The mean of 200 draws: χ²₇ has sd √14, so the mean's sd is √14/√200 in χ² units; allow 4 sd.
    const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
    const unit = 1 / (2 * n * Math.LN2);
    expect(Math.abs(mean - df * unit)).toBeLessThan(4 * (Math.sqrt(2 * df) / Math.sqrt(200)) * unit);
  });

  it('moves entropy and MI toward the truth on average (Miller–Madow)', () => {
    // X uniform on {0,1,2,3}: H(X) = 2 bits. Y = [X ≥ 2], flipped with probability ¼:
    // I(X;Y) = H(Y) − H(Y|X) = 1 − h(¼), h(¼) = ¼·2 + ¾·log2(4/3) = ½ + ¾(2 − log2 3) = 2 − ¾·log2 3,
    // so I = (3/4)·log2 3 − 1 ≈ 0.1887 bits.
    const trueEntropy = 2;
    const trueMi = 0.75 * LOG2_3 - 1;
    const draw = categoricalSource([0.25, 0.25, 0.25, 0.25], 7);
    const flip = uniformSource(8);
    const n = 40;
    const sums = { hPlugin: 0, hMm: 0, iPlugin: 0, iMm: 0 };
    const repeats = 2000;
    for (let repeat = 0; repeat < repeats; repeat++) {
      const x = Array.from({ length: n }, draw);
      const y = x.map((v) => (v >= 2 !== flip() < 0.25 ? 1 : 0));
      const table = tabulate(x, 4, y, 2);
      const xCounts = [0, 1, 2, 3].map((v) => table[v * 2]! + table[v * 2 + 1]!);
      sums.hPlugin += entropyBits(xCounts);
      sums.hMm += entropyBits(xCounts, 'miller-madow');
      sums.iPlugin += mutualInformationBits(table, { x: 4, y: 2 });
      sums.iMm += mutualInformationBits(table, { x: 4, y: 2 }, 'miller-madow');
    }
    const error = (sum: number, truth: number): number => Math.abs(sum / repeats - truth);
    expect(error(sums.hMm, trueEntropy)).toBeLessThan(error(sums.hPlugin, trueEntropy) / 2);
    expect(error(sums.iMm, trueMi)).toBeLessThan(error(sums.iPlugin, trueMi) / 2);
  });
});
