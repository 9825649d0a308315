/**
 * The k nearest laid-out photos of many new ones, for placement (place.ts), approximately and fast: an
 * inverted file (Jégou, Douze, Schmid, "Product quantization for nearest neighbor search", 2011, §4 —
 * the coarse quantiser alone, without the product codes). `lists` centres are trained by spherical
 * k-means on a seeded sample of the map; every map row joins the list of its nearest centre; each new
 * photo then searches exactly (the native `knn`) only the rows of its PROBES nearest lists.
 *
 * Why this and not a walk over the layout's neighbour graph: the graph is not stored with the map, and
 * rebuilding it costs far more than the search. The inverted file needs nothing stored: its cost is one
 * pass of every map row against the centres (n·lists dot products) plus each new photo against about
 * PROBES/lists of the rows (nq·n·PROBES/lists), least at lists = √(nq·PROBES): for 1,000 new photos
 * about 180·n dot products instead of the exact search's 1,000·n (measured on 100,000 f16 rows: 0.4–0.5
 * of the exact search's CPU time, the rest being the decoding, gathering and merging around the
 * products). Few new photos (under EXACT_BELOW_QUERIES) or a small map search exactly, which is then as
 * cheap. Neighbour recall@15 against the exact search, 0.97 on 1,000 held-out real embeddings on a
 * 10,000-photo map (8 probes; 4 probes 0.93, 16 probes 0.99, untrained sampled centres 0.93 at 8):
 * test/unit/map/placement-neighbours.test.ts.
 */
import type { EmbeddingMatrix, Kernels, Neighbours } from '../kernels/contract.ts';
import { gatherRows } from '../explain/feature-values.ts';
import { allocateMatrix } from '../kernels/matrix.ts';
import { mulberry32 } from '../util/mulberry32.ts';

/** Lists each new photo searches. */
export const PROBES = 8;
/** Below this many new photos the exact search costs no more than building the lists. */
export const EXACT_BELOW_QUERIES = 256;
/** Rows per list on average at the least: smaller lists leave a photo's neighbours split over too many. */
const MIN_LIST_ROWS = 64;
/** Map rows assigned to their lists per native call (the rows are decoded to f32 per chunk: 128 MiB at d = 512). */
const ASSIGN_CHUNK = 65536;
const SEED = 0x5eed;
/** k-means on this many sampled rows per list, for this many rounds: a small share of the assignment's cost. */
const TRAIN_ROWS_PER_LIST = 32;
const TRAIN_ITERATIONS = 4;

type PlacementKernels = Pick<Kernels, 'knn' | 'f16ToF32'>;

/** How nq new photos are searched among n laid out: exactly, or in an inverted file of `lists` lists. */
export function placementPlan(n: number, nq: number): { exact: true } | { exact: false; lists: number } {
  const lists = Number(process.env.LISTS ?? 0) || Math.round(Math.sqrt(nq * PROBES));
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
  const { lists } = plan;
  const centres = trainCentres(base, lists, kernels);
  const inverted = invertedLists(base, centres, lists, kernels);
  const probes = kernels.knn({ dtype: 'f32', data: centres, n: lists, d: base.d }, PROBES, queries, nq).indices;
  const best = new TopLists(nq, k);
  // Each list is searched once, by all the new photos that probe it together (the kernel's blocked product).
  const probing = groupBy(probes, lists, (at) => Math.floor(at / PROBES));
  // One buffer for the rows of every list and one for its new photos, sized for the largest: each list's
  // are copied into the start of them (fresh buffers each time cost as much again in page faults).
  let largest = { rows: 0, askers: 0 };
  for (let list = 0; list < lists; list++)
    largest = {
      rows: Math.max(largest.rows, inverted.members(list).length),
      askers: Math.max(largest.askers, probing.members(list).length),
    };
  const listRows = allocateMatrix(base.dtype, largest.rows, base.d);
  const listQueries = new Float32Array(largest.askers * base.d);
  for (let list = 0; list < lists; list++) {
    const askers = probing.members(list);
    const rows = inverted.members(list);
    if (askers.length === 0 || rows.length === 0) continue;
    const found = kernels.knn(
      copyRows(base, rows, listRows),
      Math.min(k, rows.length),
      copyQueries(queries, base.d, askers, listQueries),
      askers.length,
    );
    const kk = Math.min(k, rows.length);
    askers.forEach((query, a) => {
      for (let j = 0; j < kk; j++)
        best.offer(query, found.similarities[a * kk + j]!, rows[found.indices[a * kk + j]!]!);
    });
  }
  // A new photo whose probed lists held fewer than k rows in all is searched exactly (rare: lists average ≥ 64 rows).
  const short = Array.from({ length: nq }, (_, q) => q).filter((q) => best.count(q) < k);
  if (short.length > 0) {
    const exact = kernels.knn(base, k, gatherQueries(queries, base.d, Uint32Array.from(short)), short.length);
    short.forEach((query, s) => best.replace(query, exact, s));
  }
  return best.neighbours();
}

/** `count` distinct rows of n, drawn by a seeded partial Fisher–Yates shuffle (the same map gives the same lists). */
function sampleRows(n: number, count: number): Uint32Array {
  const random = mulberry32(SEED);
  const pool = new Uint32Array(n);
  for (let i = 0; i < n; i++) pool[i] = i;
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(random() * (n - i));
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, count);
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
  const sample = rowsF32(gatherRows(base, sampleRows(base.n, sampleSize)), kernels);
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

/** Every row of `base` in the list of its nearest centre. */
function invertedLists(base: EmbeddingMatrix, centres: Float32Array, lists: number, kernels: PlacementKernels) {
  const owner = new Uint32Array(base.n);
  const centreMatrix: EmbeddingMatrix = { dtype: 'f32', data: centres, n: lists, d: base.d };
  for (let start = 0; start < base.n; start += ASSIGN_CHUNK) {
    const end = Math.min(base.n, start + ASSIGN_CHUNK);
    const chunk = rowsF32(sliceRows(base, start, end), kernels);
    owner.set(kernels.knn(centreMatrix, 1, chunk, end - start).indices, start);
  }
  return groupBy(owner, lists, (at) => at);
}

/**
 * Groups positions by a key: `keys[at]` < groups, `item(at)` what the group holds for position `at`.
 * A counting sort: members(g) lists group g's items in position order.
 */
function groupBy(keys: Uint32Array, groups: number, item: (at: number) => number) {
  const starts = new Uint32Array(groups + 1);
  for (const key of keys) starts[key + 1]!++;
  for (let g = 0; g < groups; g++) starts[g + 1]! += starts[g]!;
  const filled = starts.slice(0, groups);
  const items = new Uint32Array(keys.length);
  keys.forEach((key, at) => (items[filled[key]!++] = item(at)));
  return { members: (group: number): Uint32Array => items.subarray(starts[group]!, starts[group + 1]!) };
}

/** The k best (similarity, row) per query seen so far, best first. */
class TopLists {
  private readonly similarities: Float32Array;
  private readonly indices: Uint32Array;
  private readonly counts: Uint32Array;

  constructor(
    nq: number,
    private readonly k: number,
  ) {
    this.similarities = new Float32Array(nq * k);
    this.indices = new Uint32Array(nq * k);
    this.counts = new Uint32Array(nq);
  }

  count(query: number): number {
    return this.counts[query]!;
  }

  /** Insertion into the query's sorted list (k is small: 15); equal similarities keep the lower row first. */
  offer(query: number, similarity: number, row: number): void {
    const { k } = this;
    const at = query * k;
    const count = this.counts[query]!;
    const worse = (j: number): boolean =>
      this.similarities[at + j]! < similarity ||
      (this.similarities[at + j] === similarity && this.indices[at + j]! > row);
    if (count === k && !worse(k - 1)) return;
    let j = Math.min(count, k - 1);
    while (j > 0 && worse(j - 1)) {
      this.similarities[at + j] = this.similarities[at + j - 1]!;
      this.indices[at + j] = this.indices[at + j - 1]!;
      j--;
    }
    this.similarities[at + j] = similarity;
    this.indices[at + j] = row;
    if (count < k) this.counts[query] = count + 1;
  }

  /** The query's list replaced by row `from` of an exact search's answer. */
  replace(query: number, exact: Neighbours, from: number): void {
    const { k } = this;
    this.similarities.set(exact.similarities.subarray(from * k, (from + 1) * k), query * k);
    this.indices.set(exact.indices.subarray(from * k, (from + 1) * k), query * k);
    this.counts[query] = k;
  }

  neighbours(): Neighbours {
    return { k: this.k, indices: this.indices, similarities: this.similarities };
  }
}

/** The rows [start, end) of a matrix, as a matrix sharing its memory. */
function sliceRows(matrix: EmbeddingMatrix, start: number, end: number): EmbeddingMatrix {
  const { d } = matrix;
  if (matrix.dtype === 'i8')
    return {
      ...matrix,
      data: matrix.data.subarray(start * d, end * d),
      scales: matrix.scales.subarray(start, end),
      n: end - start,
    };
  if (matrix.dtype === 'f16') return { ...matrix, data: matrix.data.subarray(start * d, end * d), n: end - start };
  return { ...matrix, data: matrix.data.subarray(start * d, end * d), n: end - start };
}

/** A matrix's rows as f32 values (i8 rows with their scale applied). */
function rowsF32(matrix: EmbeddingMatrix, kernels: Pick<Kernels, 'f16ToF32'>): Float32Array {
  if (matrix.dtype === 'f32') return matrix.data;
  if (matrix.dtype === 'f16') return kernels.f16ToF32(matrix.data);
  return Float32Array.from(matrix.data, (q, at) => q * matrix.scales[Math.floor(at / matrix.d)]!);
}

/** `picked` rows of `from` copied to the start of `into`, as a matrix of those rows (a view of `into`). */
function copyRows(from: EmbeddingMatrix, picked: Uint32Array, into: EmbeddingMatrix): EmbeddingMatrix {
  const { d } = from;
  if (from.dtype === 'i8' && into.dtype === 'i8')
    picked.forEach((row, i) => {
      into.data.set(from.data.subarray(row * d, (row + 1) * d), i * d);
      into.scales[i] = from.scales[row]!;
    });
  else picked.forEach((row, i) => into.data.set(from.data.subarray(row * d, (row + 1) * d), i * d));
  return sliceRows(into, 0, picked.length);
}

/** `picked` query rows copied to the start of `into`; returns that part. */
function copyQueries(queries: Float32Array, d: number, picked: Uint32Array, into: Float32Array): Float32Array {
  picked.forEach((q, i) => into.set(queries.subarray(q * d, (q + 1) * d), i * d));
  return into.subarray(0, picked.length * d);
}

function gatherQueries(queries: Float32Array, d: number, picked: Uint32Array): Float32Array {
  return copyQueries(queries, d, picked, allocateMatrix('f32', picked.length, d).data);
}
