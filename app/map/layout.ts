/**
 * The library map's 2-D layout: UMAP (L. McInnes, J. Healy, J. Melville, "UMAP: Uniform Manifold
 * Approximation and Projection for Dimension Reduction", 2018, arXiv:1802.03426) in native code (the
 * `umapLayout` kernel: umap-learn's fuzzy simplicial set and optimize_layout_euclidean) on the kNN graph
 * of neighbour-graph.ts, seeded: the same photos and seed give the same coordinates, on any thread count.
 * Coordinates are rescaled into the unit square (aspect kept) so every door draws them the same way.
 */
import type { EmbeddingMatrix, JobControl, Kernels } from '../kernels/contract.ts';
import { fitCurve, type CurveParameters } from './curve-fit.ts';
import { neighbourGraph } from './neighbour-graph.ts';

export interface LayoutOptions {
  seed: number;
  /** UMAP's n_neighbors − 1: 15 other photos (umap-learn's lists count the point itself). */
  neighbours?: number;
  /** UMAP's min_dist: 0.1, its default (how tightly similar photos pack). */
  minDist?: number;
  /** Optimisation epochs; default umap-js's rule (epochsFor). */
  epochs?: number;
}

export const LAYOUT_DEFAULTS = { neighbours: 15, minDist: 0.1 } as const;

/** umap-js's epoch rule: 500 up to 2,500 points, 400, 300, then 200 above 7,500 (umap-learn: 200 above 10,000). */
export function epochsFor(n: number): number {
  return n <= 2500 ? 500 : n <= 5000 ? 400 : n <= 7500 ? 300 : 200;
}

export interface LayoutTimings {
  knnMs: number;
  optimiseMs: number;
}

const curves = new Map<number, CurveParameters>();
const curveFor = (minDist: number): CurveParameters =>
  curves.get(minDist) ?? (curves.set(minDist, fitCurve(minDist)), curves.get(minDist)!);

/** n×2 coordinates (x0, y0, x1, y1, …) in [0, 1]², row order of the matrix. */
export async function fitLayout(
  matrix: EmbeddingMatrix,
  options: LayoutOptions,
  kernels: Pick<Kernels, 'knnAsync' | 'nnDescentAsync' | 'umapLayoutAsync'>,
  timings?: LayoutTimings,
  control?: JobControl,
): Promise<Float32Array> {
  const { n } = matrix;
  if (n <= 2) return fallbackLayout(n);
  const neighbours = Math.min(options.neighbours ?? LAYOUT_DEFAULTS.neighbours, n - 1);
  let started = performance.now();
  const graph = await neighbourGraph(matrix, neighbours, kernels, options.seed, control);
  if (timings) timings.knnMs = performance.now() - started;
  started = performance.now();
  const { a, b } = curveFor(options.minDist ?? LAYOUT_DEFAULTS.minDist);
  const xy = await kernels.umapLayoutAsync(
    graph,
    { seed: options.seed, epochs: options.epochs ?? epochsFor(n), a, b },
    control,
  );
  const coordinates = unitSquare(xy);
  if (timings) timings.optimiseMs = performance.now() - started;
  return coordinates;
}

/** One or two photos: nothing to optimise; they sit in the middle, apart. */
function fallbackLayout(n: number): Float32Array {
  return n === 1 ? Float32Array.of(0.5, 0.5) : Float32Array.of(0.25, 0.5, 0.75, 0.5).subarray(0, 2 * n);
}

/** Translates and scales uniformly so the points (x, y interleaved) fill [0, 1] along their longer side, centred on the other. */
export function unitSquare(xy: Float32Array): Float32Array {
  let minX = Infinity,
    minY = Infinity,
    maxX = -Infinity,
    maxY = -Infinity;
  for (let i = 0; i < xy.length; i += 2) {
    minX = Math.min(minX, xy[i]!);
    maxX = Math.max(maxX, xy[i]!);
    minY = Math.min(minY, xy[i + 1]!);
    maxY = Math.max(maxY, xy[i + 1]!);
  }
  const span = Math.max(maxX - minX, maxY - minY) || 1;
  const offsetX = (1 - (maxX - minX) / span) / 2;
  const offsetY = (1 - (maxY - minY) / span) / 2;
  const out = new Float32Array(xy.length);
  for (let i = 0; i < xy.length; i += 2) {
    out[i] = offsetX + (xy[i]! - minX) / span;
    out[i + 1] = offsetY + (xy[i + 1]! - minY) / span;
  }
  return out;
}
