/**
 * Placing new photos on an existing map without moving the old ones: each new photo goes to the weighted
 * mean of its k nearest old photos' coordinates, the weights being UMAP's fuzzy membership strengths
 * w_j = exp(−max(0, d_j − ρ)/σ) with ρ the nearest distance and σ set so that Σ w_j = log2 k
 * (McInnes et al. 2018, §3 and "smooth_knn_dist"). This is the starting point UMAP's own `transform`
 * uses; its further epochs refine within the same neighbourhood, which a map at screen scale does not
 * show, and skipping them keeps placement to one neighbour search of the new rows among the old instead
 * of an optimisation over the whole graph. The search is approximate for many new photos on a large
 * map (placement-neighbours.ts: an inverted file, recall@15 0.97 against the exact search on real
 * embeddings) and exact otherwise.
 */
import type { EmbeddingMatrix } from '../kernels/contract.ts';
import { LAYOUT_DEFAULTS } from './layout.ts';
import { placementNeighbours, type PlacementKernels } from './placement-neighbours.ts';

/**
 * `queries` (nq×d, unit rows) placed among `base`'s rows, whose coordinates are `baseXY` (n×2).
 * Returns nq×2 coordinates.
 */
export function placePoints(
  base: EmbeddingMatrix,
  baseXY: Float32Array,
  queries: Float32Array,
  nq: number,
  kernels: PlacementKernels,
  neighbours: number = LAYOUT_DEFAULTS.neighbours,
): Float32Array {
  const out = new Float32Array(nq * 2);
  if (nq === 0) return out;
  const k = Math.min(neighbours, base.n);
  const { indices, similarities } = placementNeighbours(base, k, queries, nq, kernels);
  const weights = new Float64Array(k);
  for (let q = 0; q < nq; q++) {
    const distances = Array.from(similarities.subarray(q * k, q * k + k), (s) => Math.max(0, 1 - s));
    membershipWeights(distances, weights);
    let x = 0,
      y = 0,
      total = 0;
    for (let j = 0; j < k; j++) {
      const row = indices[q * k + j]!;
      x += weights[j]! * baseXY[2 * row]!;
      y += weights[j]! * baseXY[2 * row + 1]!;
      total += weights[j]!;
    }
    out[2 * q] = x / total;
    out[2 * q + 1] = y / total;
  }
  return out;
}

/** UMAP's smooth kNN weights for ascending distances: binary search on σ for Σ w = log2 k. */
export function membershipWeights(distances: readonly number[], out: Float64Array): void {
  const k = distances.length;
  const rho = distances[0] ?? 0;
  const target = Math.log2(Math.max(k, 2));
  const sum = (sigma: number): number => {
    let total = 0;
    for (const d of distances) total += Math.exp(-Math.max(0, d - rho) / sigma);
    return total;
  };
  let lo = 0;
  let hi = Infinity;
  let sigma = 1;
  for (let iteration = 0; iteration < 64; iteration++) {
    const value = sum(sigma);
    if (Math.abs(value - target) < 1e-5) break;
    if (value > target) {
      hi = sigma;
      sigma = (lo + hi) / 2;
    } else {
      lo = sigma;
      sigma = hi === Infinity ? sigma * 2 : (lo + hi) / 2;
    }
  }
  distances.forEach((d, j) => (out[j] = Math.exp(-Math.max(0, d - rho) / sigma)));
}
