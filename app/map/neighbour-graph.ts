/**
 * The k-nearest-neighbour graph UMAP is built on, computed exactly by the native kernel (`knnAsync`, off
 * the JS thread) instead of umap-js's approximate NN-descent. The kernel ranks by inner product of unit
 * rows (cosine similarity s); UMAP wants distances, and we hand it the cosine distance 1 − s, the same
 * metric umap-js's own `cosine` distance function computes, so only the search differs, not the geometry.
 */
import type { EmbeddingMatrix, Kernels } from '../kernels/contract.ts';

export interface NeighbourGraph {
  /** Neighbours per row. */
  k: number;
  /** n×k row indices, nearest first; a row is never its own neighbour. */
  indices: Uint32Array;
  /** n×k cosine distances 1 − ⟨row, neighbour⟩, ascending. */
  distances: Float32Array;
}

export async function neighbourGraph(
  matrix: EmbeddingMatrix,
  k: number,
  kernels: Pick<Kernels, 'knnAsync'>,
): Promise<NeighbourGraph> {
  const { indices, similarities } = await kernels.knnAsync(matrix, k);
  // Rounding can put a unit row's similarity a hair above 1; a distance is never negative.
  const distances = similarities.map((s) => Math.max(0, 1 - s));
  return { k, indices, distances };
}

/** The graph as the nested arrays umap-js's `setPrecomputedKNN` takes. */
export function nestedRows(graph: NeighbourGraph): { indices: number[][]; distances: number[][] } {
  const n = graph.indices.length / graph.k;
  const rows = <T extends Uint32Array | Float32Array>(flat: T): number[][] =>
    Array.from({ length: n }, (_, i) => Array.from(flat.subarray(i * graph.k, (i + 1) * graph.k)));
  return { indices: rows(graph.indices), distances: rows(graph.distances) };
}
