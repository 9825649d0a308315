// NN-descent (native/src/nn_descent.cc) against the exact kNN graph, its truth (the reference kernels'
// nnDescent is the exact search): recall@15 on real CLIP embeddings, jittered up to 3,000 photos.
import { describe, expect, it } from 'vitest';
import { kernels } from '../../../app/kernels/index.ts';
import { referenceKernels as ref } from '../../../app/kernels/reference.ts';
import type { EmbeddingMatrix, Neighbours } from '../../../app/kernels/contract.ts';
import { benchEmbeddings } from '../../helpers/map-embeddings.ts';
import { unitRows } from './fixtures.ts';

const K = 15;

function recall(found: Neighbours, truth: Neighbours, n: number): number {
  let hits = 0;
  for (let i = 0; i < n; i++) {
    const exact = new Set(truth.indices.subarray(i * K, (i + 1) * K));
    for (const j of found.indices.subarray(i * K, (i + 1) * K)) hits += exact.has(j) ? 1 : 0;
  }
  return hits / (n * K);
}

function f16(matrix: EmbeddingMatrix & { dtype: 'f32' }): EmbeddingMatrix {
  return { dtype: 'f16', data: kernels.f32ToF16(matrix.data), n: matrix.n, d: matrix.d };
}

describe('NN-descent', () => {
  const matrix = f16(benchEmbeddings(3000));

  it('finds ≥ 95 % of the exact 15 nearest neighbours of real f16 embeddings, nearest first', async () => {
    const exact = await kernels.knnAsync(matrix, K);
    const approximate = await kernels.nnDescentAsync(matrix, K, 1);
    expect(recall(approximate, exact, matrix.n)).toBeGreaterThanOrEqual(0.95);
    for (let i = 0; i < matrix.n; i++) {
      const row = approximate.indices.subarray(i * K, (i + 1) * K);
      expect(row.includes(i)).toBe(false);
      expect(new Set(row).size).toBe(K);
      for (let j = 1; j < K; j++)
        expect(approximate.similarities[i * K + j]!).toBeLessThanOrEqual(approximate.similarities[i * K + j - 1]!);
    }
  });

  it('finds ≥ 95 % of them on 10,000 photos, five jittered copies of each real one', { timeout: 120_000 }, async () => {
    // The structure where a start from random projection trees left NN-descent stuck at 0.94: each
    // photo's 4 copies are its nearest, the other 11 neighbours are copies of other photos.
    const large = f16(benchEmbeddings(10_000));
    const exact = await kernels.knnAsync(large, K);
    const approximate = await kernels.nnDescentAsync(large, K, 1);
    expect(recall(approximate, exact, large.n)).toBeGreaterThanOrEqual(0.95);
  });

  it('is seeded: the same seed gives the same graph', async () => {
    const first = await kernels.nnDescentAsync(matrix, K, 7);
    const again = await kernels.nnDescentAsync(matrix, K, 7);
    expect(Array.from(again.indices)).toEqual(Array.from(first.indices));
  });

  it('finds most neighbours even among structureless random directions (a hard case)', () => {
    // 2,000 Gaussian directions in 16-d: no clusters to help; exact by the reference.
    const n = 2000;
    const random = { dtype: 'f32' as const, data: unitRows(n, 16, 4), n, d: 16 };
    expect(recall(kernels.nnDescent(random, K, 1), ref.nnDescent(random, K, 1), n)).toBeGreaterThanOrEqual(0.9);
  });

  it('refuses a k it cannot fill', () => {
    const tiny = { dtype: 'f32' as const, data: unitRows(5, 4, 1), n: 5, d: 4 };
    expect(() => kernels.nnDescent(tiny, 5, 1)).toThrow(/k must be between 1 and the other rows \(4\)/);
  });
});
