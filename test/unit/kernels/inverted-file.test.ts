// The inverted-file search kernel (native/src/inverted_file.cc) against the TypeScript reference, with the
// AVX2/F16C loops and the portable ones: exact agreement on grid data (every sum representable, so the
// lists, the probes and the ties must come out the same), and on continuous random unit rows the same
// neighbours with similarities within f16/f32 rounding. Plus truths that need no reference: with every
// list probed the answer is the exact search's, and a query whose lists are too small searches all rows.
import { afterAll, describe, expect, it } from 'vitest';
import type { EmbeddingMatrix } from '../../../app/kernels/contract.ts';
import { forcePortableKernels, kernels } from '../../../app/kernels/index.ts';
import { referenceKernels as ref } from '../../../app/kernels/reference.ts';
import { gridValues, matrixOf, unitRows } from './fixtures.ts';

const shapes = [
  { n: 40, d: 7, nq: 5, lists: 3, probes: 1, k: 4 }, // d below one SIMD step
  { n: 700, d: 33, nq: 37, lists: 11, probes: 3, k: 10 }, // several row blocks, d not a multiple of 8
  { n: 2000, d: 64, nq: 70, lists: 20, probes: 4, k: 15 }, // several assignment tasks
  { n: 12, d: 16, nq: 6, lists: 8, probes: 2, k: 12 }, // k = n: some queries' lists too small, every row searched
];

describe.each([false, true])('native inverted file vs reference, portable loops: %s', (portable) => {
  forcePortableKernels(portable);
  afterAll(() => forcePortableKernels(false));

  describe.each(['f32', 'f16', 'i8'] as const)('%s matrix', (dtype) => {
    it.each(shapes)('agrees exactly on grid data (n=$n d=$d nq=$nq lists=$lists probes=$probes k=$k)', (shape) => {
      forcePortableKernels(portable);
      const { n, d, nq, lists, probes, k } = shape;
      const matrix = matrixOf(dtype, gridValues(n * d, n * 5 + d), n, d);
      const queries = gridValues(nq * d, d + 3);
      const centres = gridValues(lists * d, lists + 17);
      const ours = kernels.invertedFileSearch(matrix, k, queries, nq, centres, lists, probes);
      expect(ours).toEqual(ref.invertedFileSearch(matrix, k, queries, nq, centres, lists, probes));
    });
  });

  it.each([
    ['f32', 1e-5],
    ['f16', 1e-5],
  ] as const)('continuous unit rows (%s): the same neighbours, similarities within %s', async (dtype, tolerance) => {
    forcePortableKernels(portable);
    const n = 3000;
    const d = 48;
    const nq = 120;
    const lists = 16;
    const k = 15;
    const matrix: EmbeddingMatrix = matrixOf(dtype, unitRows(n, d, 21), n, d);
    const queries = unitRows(nq, d, 22);
    const centres = unitRows(lists, d, 23);
    const ours = kernels.invertedFileSearch(matrix, k, queries, nq, centres, lists, 4);
    const theirs = ref.invertedFileSearch(matrix, k, queries, nq, centres, lists, 4);
    expect(ours.indices).toEqual(theirs.indices);
    for (let j = 0; j < nq * k; j++)
      expect(Math.abs(ours.similarities[j]! - theirs.similarities[j]!)).toBeLessThanOrEqual(tolerance);
    // The async twin runs the same job off the JS thread.
    expect(await kernels.invertedFileSearchAsync(matrix, k, queries, nq, centres, lists, 4)).toEqual(ours);
  });
});

describe('inverted file truth', () => {
  const n = 1500;
  const d = 32;
  const nq = 50;
  const k = 10;
  const matrix: EmbeddingMatrix = { dtype: 'f16', data: kernels.f32ToF16(unitRows(n, d, 31)), n, d };
  const queries = unitRows(nq, d, 32);

  it.each([
    ['native', kernels],
    ['reference', ref],
  ] as const)('%s: probing every list gives the exact search', (_name, impl) => {
    const lists = 9;
    const centres = unitRows(lists, d, 33);
    expect(impl.invertedFileSearch(matrix, k, queries, nq, centres, lists, lists)).toEqual(
      impl.knn(matrix, k, queries, nq),
    );
  });

  it.each([
    ['native', kernels],
    ['reference', ref],
  ] as const)('%s: a query probing an empty list searches every row', (_name, impl) => {
    // Centre 1 points away from every row (their first coordinate is +1), so its list is empty; the
    // query probes it alone and still gets its exact k nearest.
    const rows = new Float32Array(20 * 4);
    for (let i = 0; i < 20; i++) rows.set([1, Math.cos(i), Math.sin(i), 0], i * 4);
    const few: EmbeddingMatrix = { dtype: 'f32', data: rows, n: 20, d: 4 };
    const centres = Float32Array.from([1, 0, 0, 0, -1, 0, 0, 0]);
    const query = Float32Array.from([-1, 0.1, 0, 0]);
    const found = impl.invertedFileSearch(few, 5, query, 1, centres, 2, 1);
    expect(found).toEqual(impl.knn(few, 5, query, 1));
  });

  it('refuses probes beyond the lists and k beyond the rows, naming them', () => {
    const centres = unitRows(3, d, 34);
    for (const impl of [kernels, ref]) {
      expect(() => impl.invertedFileSearch(matrix, k, queries, nq, centres, 3, 4)).toThrow(
        /probes must be between 1 and the lists \(3\), got 4/,
      );
      expect(() => impl.invertedFileSearch(matrix, n + 1, queries, nq, centres, 3, 2)).toThrow(
        /k must be between 1 and the rows \(1500\), got 1501/,
      );
    }
  });
});
