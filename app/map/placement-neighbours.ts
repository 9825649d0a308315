/**
 * The k nearest laid-out photos of many new ones, for placement (place.ts), approximately and fast: an
 * inverted file (Jégou, Douze, Schmid, "Product quantization for nearest neighbor search", 2011, §4 —
 * the coarse quantiser alone, without the product codes). `lists` centres are trained by spherical
 * k-means on a seeded sample of the map; the kernels' `invertedFileSearch` then, in one threaded native
 * pass reading the f16 map in place, puts every map row in the list of its nearest centre and searches
 * each new photo exactly among the rows of its PROBES nearest lists.
 *
 * Why this and not a walk over the layout's neighbour graph: the graph is not stored with the map, and
 * rebuilding it costs far more than the search. The inverted file needs nothing stored: its cost is one
 * pass of every map row against the centres (n·lists dot products) plus each new photo against about
 * PROBES/lists of the rows (nq·n·PROBES/lists), least at lists = √(nq·PROBES): for 1,000 new photos
 * about 180·n dot products instead of the exact search's 1,000·n. Few new photos (under
 * EXACT_BELOW_QUERIES) or a small map search exactly, which is then as cheap. Neighbour recall@15 against the exact search, 0.97 on 1,000 held-out real embeddings on a
 * 10,000-photo map (8 probes; 4 probes 0.93, 16 probes 0.99, untrained sampled centres 0.93 at 8):
 * test/unit/map/placement-neighbours.test.ts.
 */
import type { EmbeddingMatrix, Kernels, Neighbours } from '../kernels/contract.ts';
import { gatherRows, rowsAsF32 } from '../explain/feature-values.ts';
import { drawWithoutReplacement } from '../util/draw-without-replacement.ts';

/** Lists each new photo searches. */
export const PROBES = 8;
/** Below this many new photos the exact search costs no more than building the lists. */
export const EXACT_BELOW_QUERIES = 256;
/** Rows per list on average at the least: smaller lists leave a photo's neighbours split over too many. */
const MIN_LIST_ROWS = 64;
const SEED = 0x5eed;
/** k-means on this many sampled rows per list, for this many rounds: a small share of the assignment's cost. */
const TRAIN_ROWS_PER_LIST = 32;
const TRAIN_ITERATIONS = 4;

export type PlacementKernels = Pick<Kernels, 'knn' | 'f16ToF32' | 'invertedFileSearch'>;

/** How nq new photos are searched among n laid out: exactly, or in an inverted file of `lists` lists. */
export function placementPlan(n: number, nq: number): { exact: true } | { exact: false; lists: number } {
  const lists = Math.round(Math.sqrt(nq * PROBES));
  return nq < EXACT_BELOW_QUERIES || n < lists * MIN_LIST_ROWS ? { exact: true } : { exact: false, lists };
}

/** nq×k nearest rows of `base` for `queries` (nq×d, unit rows), best first; exact when it is as cheap. */
export function placementNeighbours(
  base: EmbeddingMatrix,
  k: number,
  queries: Float32Array,
  nq: number,
  kernels: PlacementKernels,
): Neighbours {
  const plan = placementPlan(base.n, nq);
  if (plan.exact) return kernels.knn(base, k, queries, nq);
  // The assignment of every row, the probing and the per-list searches are one threaded native pass
  // (native/src/inverted_file.cc), reading the map's rows where they are.
  const centres = trainCentres(base, plan.lists, kernels);
  return kernels.invertedFileSearch(base, k, queries, nq, centres, plan.lists, PROBES);
}

/**
 * The lists' centres: spherical k-means (Lloyd's iterations, centres kept unit length) on a seeded sample
 * of TRAIN_ROWS_PER_LIST rows per list, started from `lists` of those rows. Sampled rows alone would do,
 * but trained centres split the map more evenly and along its gaps, so fewer probed lists find the same
 * neighbours.
 */
function trainCentres(base: EmbeddingMatrix, lists: number, kernels: PlacementKernels): Float32Array {
  const { d } = base;
  const sampleSize = Math.min(base.n, lists * TRAIN_ROWS_PER_LIST);
  // Seeded: the same map gives the same lists.
  const sample = rowsAsF32(gatherRows(base, drawWithoutReplacement(base.n, sampleSize, SEED)), kernels);
  const centres = sample.slice(0, lists * d);
  const sums = new Float64Array(lists * d);
  for (let iteration = 0; iteration < TRAIN_ITERATIONS; iteration++) {
    const nearest = kernels.knn({ dtype: 'f32', data: centres, n: lists, d }, 1, sample, sampleSize).indices;
    sums.fill(0);
    nearest.forEach((c, row) => {
      for (let j = 0; j < d; j++) sums[c * d + j]! += sample[row * d + j]!;
    });
    for (let c = 0; c < lists; c++) {
      let norm = 0;
      for (let j = 0; j < d; j++) norm += sums[c * d + j]! ** 2;
      if (norm === 0) continue; // an empty list keeps its centre
      norm = Math.sqrt(norm);
      for (let j = 0; j < d; j++) centres[c * d + j] = sums[c * d + j]! / norm;
    }
  }
  return centres;
}
