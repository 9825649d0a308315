/**
 * The library map's 2-D layout: UMAP (L. McInnes, J. Healy, J. Melville, "UMAP: Uniform Manifold
 * Approximation and Projection for Dimension Reduction", 2018, arXiv:1802.03426) through umap-js, on the
 * exact kNN graph of neighbour-graph.ts, seeded: the same photos and seed give the same coordinates.
 * Coordinates are rescaled into the unit square (aspect kept) so every door draws them the same way.
 */
import { UMAP } from 'umap-js';
import type { EmbeddingMatrix, Kernels } from '../kernels/contract.ts';
import { mulberry32 } from '../util/mulberry32.ts';
import { neighbourGraph, nestedRows } from './neighbour-graph.ts';

export interface LayoutOptions {
  seed: number;
  /** UMAP's n_neighbors: 15, the reference implementation's default (local vs. global structure). */
  neighbours?: number;
  /** UMAP's min_dist: 0.1, its default (how tightly similar photos pack). */
  minDist?: number;
  /** Optimisation epochs; default umap-js's rule (500 up to 2,500 points, down to 200 above 10,000). */
  epochs?: number;
}

export const LAYOUT_DEFAULTS = { neighbours: 15, minDist: 0.1 } as const;

export interface LayoutTimings {
  knnMs: number;
  optimiseMs: number;
}

/** n×2 coordinates (x0, y0, x1, y1, …) in [0, 1]², row order of the matrix. */
export async function fitLayout(
  matrix: EmbeddingMatrix,
  options: LayoutOptions,
  kernels: Pick<Kernels, 'knnAsync'>,
  timings?: LayoutTimings,
): Promise<Float32Array> {
  const { n } = matrix;
  if (n <= 2) return fallbackLayout(n);
  const neighbours = Math.min(options.neighbours ?? LAYOUT_DEFAULTS.neighbours, n - 1);
  let started = performance.now();
  const graph = nestedRows(await neighbourGraph(matrix, neighbours, kernels));
  if (timings) timings.knnMs = performance.now() - started;
  started = performance.now();
  const umap = new UMAP({
    nComponents: 2,
    nNeighbors: neighbours,
    minDist: options.minDist ?? LAYOUT_DEFAULTS.minDist,
    random: mulberry32(options.seed),
    ...(options.epochs ? { nEpochs: options.epochs } : {}),
  });
  umap.setPrecomputedKNN(graph.indices, graph.distances);
  // umap-js reads only the number of points from X once the graph is given; no vectors are copied.
  const epochs = umap.initializeFit(Array.from({ length: n }, () => []));
  for (let epoch = 0; epoch < epochs; epoch++) umap.step();
  const coordinates = unitSquare(umap.getEmbedding());
  if (timings) timings.optimiseMs = performance.now() - started;
  return coordinates;
}

/** One or two photos: nothing to optimise; they sit in the middle, apart. */
function fallbackLayout(n: number): Float32Array {
  return n === 1 ? Float32Array.of(0.5, 0.5) : Float32Array.of(0.25, 0.5, 0.75, 0.5).subarray(0, 2 * n);
}

/** Translates and scales uniformly so the points fill [0, 1] along their longer side, centred on the other. */
export function unitSquare(points: readonly (readonly number[])[]): Float32Array {
  let minX = Infinity,
    minY = Infinity,
    maxX = -Infinity,
    maxY = -Infinity;
  for (const [x = 0, y = 0] of points) {
    minX = Math.min(minX, x);
    maxX = Math.max(maxX, x);
    minY = Math.min(minY, y);
    maxY = Math.max(maxY, y);
  }
  const span = Math.max(maxX - minX, maxY - minY) || 1;
  const offsetX = (1 - (maxX - minX) / span) / 2;
  const offsetY = (1 - (maxY - minY) / span) / 2;
  const out = new Float32Array(points.length * 2);
  points.forEach(([x = 0, y = 0], i) => {
    out[2 * i] = offsetX + (x - minX) / span;
    out[2 * i + 1] = offsetY + (y - minY) / span;
  });
  return out;
}
