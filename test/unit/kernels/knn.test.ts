// The exact k-nearest-neighbour kernel: native against the TypeScript reference (exact on grid data,
// where every sum is representable, so ties must break identically), and both against closed-form truth
// (points on a circle, whose neighbours are known).
import { afterAll, describe, expect, it } from 'vitest';
import { forcePortableKernels, kernels } from '../../../app/kernels/index.ts';
import { referenceKernels as ref } from '../../../app/kernels/reference.ts';
import { gridValues, matrixOf, unitRows } from './fixtures.ts';

const shapes = [
  { n: 2, d: 3, k: 1 }, // the smallest graph
  { n: 37, d: 7, k: 10 }, // d below one SIMD step, odd row count (tile tails)
  { n: 301, d: 33, k: 17 }, // several row blocks, d not a multiple of 8
  { n: 150, d: 512, k: 149 }, // k = every other row
];

describe.each([false, true])('native kNN vs reference, portable loops: %s', (portable) => {
  forcePortableKernels(portable);
  afterAll(() => forcePortableKernels(false));

  describe.each(['f32', 'f16', 'i8'] as const)('%s matrix', (dtype) => {
    it.each(shapes)('the kNN graph and explicit queries agree exactly on grid data (n=$n d=$d k=$k)', (shape) => {
      forcePortableKernels(portable);
      const { n, d, k } = shape;
      const matrix = matrixOf(dtype, gridValues(n * d, n * 3 + d), n, d);
      expect(kernels.knn(matrix, k)).toEqual(ref.knn(matrix, k));
      const queries = gridValues(5 * d, d + 1);
      expect(kernels.knn(matrix, Math.min(k, n), queries, 5)).toEqual(ref.knn(matrix, Math.min(k, n), queries, 5));
    });
  });
});

describe('kNN truth', () => {
  // n points evenly spaced on a unit circle in the first two of d dimensions: the neighbours of point i
  // are i±1, then i±2 (each pair tied up to rounding, so compared as sets), with cos(2π/n) and cos(4π/n) as similarities.
  const n = 41;
  const d = 19;
  const circle = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    circle[i * d] = Math.cos((2 * Math.PI * i) / n);
    circle[i * d + 1] = Math.sin((2 * Math.PI * i) / n);
  }
  const byOrder = (i: number, steps: number[]) => steps.map((s) => (i + s + n) % n);

  it.each([
    ['native', kernels],
    ['reference', ref],
  ] as const)('%s: each point on a circle has its ring neighbours, nearest first', (_name, impl) => {
    const { indices, similarities } = impl.knn({ dtype: 'f32', data: circle, n, d }, 4);
    for (let i = 0; i < n; i++) {
      const sorted = (ids: Iterable<number>) => [...ids].sort((a, b) => a - b);
      expect(sorted(indices.subarray(i * 4, i * 4 + 2))).toEqual(sorted(byOrder(i, [-1, 1])));
      expect(sorted(indices.subarray(i * 4 + 2, i * 4 + 4))).toEqual(sorted(byOrder(i, [-2, 2])));
      expect(similarities[i * 4]).toBeCloseTo(Math.cos((2 * Math.PI) / n), 5);
      expect(similarities[i * 4 + 2]).toBeCloseTo(Math.cos((4 * Math.PI) / n), 5);
    }
  });

  it('a duplicated row is its twin’s nearest neighbour but never its own', () => {
    const rows = unitRows(50, 16, 3);
    rows.copyWithin(10 * 16, 20 * 16, 21 * 16); // row 10 := row 20
    const { indices, similarities } = kernels.knn({ dtype: 'f32', data: rows, n: 50, d: 16 }, 3);
    expect(indices[10 * 3]).toBe(20);
    expect(indices[20 * 3]).toBe(10);
    expect(similarities[10 * 3]).toBeCloseTo(1, 6);
    for (let i = 0; i < 50; i++) expect([...indices.subarray(i * 3, i * 3 + 3)]).not.toContain(i);
  });

  it('continuous unit rows: native similarities within 1e-5 of the reference, ids equal where not near-tied', () => {
    const n = 400;
    const d = 96;
    const matrix = { dtype: 'f32' as const, data: unitRows(n, d, 11), n, d };
    const ours = kernels.knn(matrix, 10);
    const theirs = ref.knn(matrix, 10);
    for (let j = 0; j < n * 10; j++) {
      expect(Math.abs(ours.similarities[j]! - theirs.similarities[j]!)).toBeLessThan(1e-5);
      const gapBelow = j % 10 === 9 ? Infinity : theirs.similarities[j]! - theirs.similarities[j + 1]!;
      const gapAbove = j % 10 === 0 ? Infinity : theirs.similarities[j - 1]! - theirs.similarities[j]!;
      if (Math.min(gapAbove, gapBelow) > 1e-5) expect(ours.indices[j]).toBe(theirs.indices[j]);
    }
  });

  it('async gives the sync result', async () => {
    const matrix = matrixOf('f16', gridValues(3000 * 24, 5), 3000, 24);
    expect(await kernels.knnAsync(matrix, 7)).toEqual(kernels.knn(matrix, 7));
  });

  it.each([
    [
      'k = 0',
      (impl: typeof ref) => impl.knn(matrixOf('f32', gridValues(12, 1), 3, 4), 0),
      /between 1 and the other rows \(2\), got 0/,
    ],
    [
      'k above the other rows',
      (impl: typeof ref) => impl.knn(matrixOf('f32', gridValues(12, 1), 3, 4), 3),
      /between 1 and the other rows \(2\), got 3/,
    ],
    [
      'queries of the wrong length',
      (impl: typeof ref) => impl.knn(matrixOf('f32', gridValues(12, 1), 3, 4), 1, new Float32Array(5), 2),
      /queries must hold 2×4 = 8 values, got 5/,
    ],
  ])('both backends refuse %s with the same message', (_what, call, message) => {
    expect(() => call(ref)).toThrow(message);
    expect(() => call(kernels)).toThrow(message);
  });
});
