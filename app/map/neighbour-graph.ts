/**
 * The k-nearest-neighbour graph UMAP is built on. Up to EXACT_UP_TO photos it is exact (the native
 * `knnAsync`, all pairs); above, approximate by NN-descent (`nnDescentAsync`), whose recall@15 against
 * the exact graph is ≥ 0.95 (test/unit/kernels/nn-descent.test.ts; test/bench/map.ts prints it at 10,000
 * and 100,000). Both rank by inner product of unit rows (cosine similarity s); UMAP wants distances, and
 * gets the cosine distance 1 − s, the metric umap-js's own `cosine` computes.
 */
import type { EmbeddingMatrix, JobControl, Kernels } from '../kernels/contract.ts';

/**
 * Where the exact search stops: all pairs cost n²·d multiply-adds, NN-descent about n·(2·20)²/2·d per
 * round for 5–8 rounds, so they cost the same near 5,000 photos (measured on this machine's 2 cores at
 * 10,000 f16 rows: exact 6.1 s, NN-descent 3.2 s at recall 0.9998; the gap doubles with every doubling
 * of n). Below, the exact graph is both cheaper and perfect.
 */
export const EXACT_UP_TO = 5000;

export interface NeighbourGraph {
  /** Neighbours per row. */
  k: number;
  /** n×k row indices, nearest first; a row is never its own neighbour. */
  indices: Uint32Array;
  /** n×k cosine distances 1 − ⟨row, neighbour⟩, ascending. */
  distances: Float32Array;
  exact: boolean;
}

export async function neighbourGraph(
  matrix: EmbeddingMatrix,
  k: number,
  kernels: Pick<Kernels, 'knnAsync' | 'nnDescentAsync'>,
  seed = 1,
  control?: JobControl,
): Promise<NeighbourGraph> {
  const exact = matrix.n <= EXACT_UP_TO;
  const { indices, similarities } = exact
    ? await kernels.knnAsync(matrix, k)
    : await kernels.nnDescentAsync(matrix, k, seed, control);
  // Rounding can put a unit row's similarity a hair above 1; a distance is never negative.
  const distances = similarities.map((s) => Math.max(0, 1 - s));
  return { k, indices, distances, exact };
}
