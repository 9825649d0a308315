/**
 * The scoring kernels' contract, written once: the native addon (native/src/*.cc) and the TypeScript
 * reference (reference.ts) both implement `Kernels`, and parity tests hold them to the same results.
 * Math: docs/architecture.md "Scores". All matrices are row-major; rows are images, columns embedding dims.
 */

/** The library's N×D embedding matrix in one buffer. Rows are L2-normalised image embeddings. */
export type EmbeddingMatrix =
  | { dtype: 'f32'; data: Float32Array; n: number; d: number }
  /** IEEE binary16 bit patterns (see `f32ToF16`). */
  | { dtype: 'f16'; data: Uint16Array; n: number; d: number }
  /** Row i ≈ scales[i] · data[i·d … i·d+d): a fast approximate first pass, re-ranked exactly. */
  | { dtype: 'i8'; data: Int8Array; n: number; d: number; scales: Float32Array };

export type EmbeddingDtype = EmbeddingMatrix['dtype'];

/** The k best entries, best first. */
export interface TopK {
  indices: Uint32Array;
  values: Float32Array;
}

/** One query's fused pass over the library. */
export interface SearchPassResult extends TopK {
  /**
   * log Σ_j exp s(q,j) over ALL n rows (the mask restricts only the top-k: PMI stays relative to the
   * whole library). The query-side PMI of row i is `s(q,i) − (lse − log n)`.
   */
  lse: number;
  /**
   * H(p(·|q)) in nats, p = softmax of s over all n rows (NaN when lse is not finite): the query's
   * information is log2 n − entropy / ln 2 (docs/architecture.md "Scores").
   */
  entropy: number;
  /** s(q,i) = τ·⟨q, row i⟩ for every row, when asked for. */
  scores?: Float32Array;
}

/** Each query's k nearest rows by inner product (cosine, the rows being unit vectors), best first. */
export interface Neighbours {
  k: number;
  /** nq×k row indices, query-major, best first in the `topK` order (ties to the lower index). */
  indices: Uint32Array;
  /** nq×k inner products ⟨query, row⟩ matching `indices`. */
  similarities: Float32Array;
}

/**
 * A long kernel's progress and cancellation, shared with the thread running it (native/src/progress.h):
 * an Int32Array, usually on a SharedArrayBuffer. [0] cancel (set 1 to stop the job at its next step; it
 * then rejects with "cancelled"), [1] phase (1 the neighbour search, 2 the layout's epochs), [2] steps
 * done, [3] steps in the phase, written by the job as it goes.
 */
export type JobControl = Int32Array;

/** The kNN graph UMAP lays out: n×k other rows per row, nearest first, and their distances. */
export interface LayoutGraph {
  k: number;
  indices: Uint32Array;
  /** n×k distances, ascending per row (cosine distance 1 − s for the map). */
  distances: Float32Array;
}

/** UMAP's optimisation settings (umap-learn's names in the comments). */
export interface UmapSettings {
  /** Seeds the initial positions (when no `init`) and the negative samples. */
  seed: number;
  /** n_epochs. */
  epochs: number;
  /** The curve 1/(1 + a·d^2b) fitted to min_dist and spread (app/map/curve-fit.ts). */
  a: number;
  b: number;
  /** n×2 starting positions (rescaled to [0, 10]² as umap-learn does); default uniform random, seeded. */
  init?: Float32Array;
}

/** The arguments of `Kernels.invertedFileSearch` (see there), named once for its sync and async forms. */
export type InvertedFileArgs = [
  matrix: EmbeddingMatrix,
  k: number,
  queries: Float32Array,
  nq: number,
  centres: Float32Array,
  lists: number,
  probes: number,
];

/** The arguments of `Kernels.resampleImage` (see there), named once for the backends and their checks. */
export type ResampleArgs = [
  src: Uint8Array,
  width: number,
  height: number,
  channels: number,
  outWidth: number,
  outHeight: number,
  filter: 'bicubic' | 'bilinear',
  window?: ResampleWindow,
];

/** The part of a resized picture `resampleImage` computes (a model's centre crop), in output pixels. */
export interface ResampleWindow {
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface Kernels {
  /** Dot products ⟨query_q, row_i⟩ of nq queries (nq×d, row-major) with every row: nq×n, query-major. */
  scores(matrix: EmbeddingMatrix, queries: Float32Array, nq: number): Float32Array;

  /** log Σ exp(scale·values), computed stably (max-shifted, accumulated in double). −∞ when empty. */
  logSumExp(values: Float32Array, scale: number): number;

  /**
   * The k largest values (fewer when fewer are eligible), descending; ties go to the lower index and
   * NaN ranks as −∞, so every implementation returns the same ids. `mask[i] = 0` excludes entry i.
   */
  topK(values: Float32Array, k: number, mask?: Uint8Array): TopK;

  /**
   * The search hot path in one pass over the matrix: s(q,i) = τ·⟨query, row i⟩, their log-sum-exp and
   * the top-k of s (mask as in `topK`). Pass `wantScores` to also get the full score vector.
   */
  searchPass(
    matrix: EmbeddingMatrix,
    query: Float32Array,
    tau: number,
    k: number,
    mask?: Uint8Array,
    wantScores?: boolean,
  ): SearchPassResult;

  /**
   * L_b = log Σ_i exp s(b,i) over the matrix's rows, for each of the nb bank queries (nb×d). This is the
   * state an incremental prior update keeps: see prior-update.ts.
   */
  bankLogSumExp(matrix: EmbeddingMatrix, bank: Float32Array, nb: number, tau: number): Float64Array;

  /**
   * The image prior log p̂(i) = log( (1/nb) Σ_b exp(s(b,i) − L_b) ) for each row of `matrix`. `bankLse`
   * holds the library-wide L_b (from `bankLogSumExp` over the whole library, possibly merged from
   * parts); when omitted it is computed over `matrix` itself, i.e. `matrix` is the whole library.
   */
  logPrior(matrix: EmbeddingMatrix, bank: Float32Array, nb: number, tau: number, bankLse?: Float64Array): Float32Array;

  /**
   * Contingency counts for MI: `binned` is F×N feature-major bin ids (< bins), `y` the 0/1 labels.
   * Result F×bins×2, entry (f·bins + b)·2 + y.
   */
  countTables(binned: Uint8Array, f: number, n: number, y: Uint8Array, bins: number): Uint32Array;

  /**
   * Joint counts of every feature with the selected feature `s` (for conditional MI).
   * Result F×bins×bins×2, entry ((f·bins + b_f)·bins + b_s)·2 + y.
   */
  pairCountTables(binned: Uint8Array, f: number, n: number, y: Uint8Array, bins: number, s: number): Uint32Array;

  /**
   * For each of nq queries (nq×d), the k rows with the largest inner product, best first. Without
   * `queries` the rows are their own queries (row i as its true values, i8 scale applied) and each row is
   * left out of its own list: the exact kNN graph. k must be between 1 and the eligible rows.
   */
  knn(matrix: EmbeddingMatrix, k: number, queries?: Float32Array, nq?: number): Neighbours;

  /** The large calls again, computed off the JS thread (the native path uses a worker; same results). */
  scoresAsync(matrix: EmbeddingMatrix, queries: Float32Array, nq: number): Promise<Float32Array>;
  searchPassAsync(
    matrix: EmbeddingMatrix,
    query: Float32Array,
    tau: number,
    k: number,
    mask?: Uint8Array,
    wantScores?: boolean,
  ): Promise<SearchPassResult>;
  logPriorAsync(
    matrix: EmbeddingMatrix,
    bank: Float32Array,
    nb: number,
    tau: number,
    bankLse?: Float64Array,
  ): Promise<Float32Array>;

  knnAsync(matrix: EmbeddingMatrix, k: number, queries?: Float32Array, nq?: number): Promise<Neighbours>;

  /**
   * An inverted file's search (Jégou et al. 2011, the coarse quantiser alone), in one pass: every row of
   * `matrix` joins the list of its nearest of the `lists` centres (lists×d, f32; largest ⟨row, centre⟩ with
   * the row's true values, ties to the lower centre); each of the nq queries (nq×d) probes the `probes`
   * centres with the largest ⟨query, centre⟩ (ties to the lower) and gets the k rows with the largest
   * inner product among the rows of those lists, best first in the `topK` order. A query whose probed
   * lists hold fewer than k rows in all searches every row. k must be between 1 and the rows; probes
   * between 1 and lists. The result does not depend on the thread count.
   */
  invertedFileSearch(...args: InvertedFileArgs): Neighbours;
  invertedFileSearchAsync(...args: InvertedFileArgs): Promise<Neighbours>;

  /**
   * The k-nearest-neighbour graph (self excluded) found approximately by NN-descent, seeded and the same
   * on any thread count; the same shape as `knn`'s graph. The reference answers exactly (it is the truth
   * the native search is held to: recall@k ≥ 0.95, test/unit/kernels/nn-descent.test.ts).
   */
  nnDescent(matrix: EmbeddingMatrix, k: number, seed: number, control?: JobControl): Neighbours;
  nnDescentAsync(matrix: EmbeddingMatrix, k: number, seed: number, control?: JobControl): Promise<Neighbours>;

  /**
   * UMAP's layout of a kNN graph: umap-learn's fuzzy simplicial set and optimize_layout_euclidean
   * (native/src/umap.cc says how it is threaded and why the result does not depend on the threads).
   * Returns n×2 coordinates (x0, y0, x1, y1, …) in UMAP's own units.
   */
  umapLayout(graph: LayoutGraph, settings: UmapSettings, control?: JobControl): Float32Array;
  umapLayoutAsync(graph: LayoutGraph, settings: UmapSettings, control?: JobControl): Promise<Float32Array>;

  /**
   * Pillow's antialiased resampling (`Image.resize` with BICUBIC, Catmull-Rom a = −0.5, or BILINEAR; the
   * kernel stretched by the scale when shrinking) of `width` × `height` 8-bit pixels of `channels`
   * interleaved channels (1–4) to `outWidth` × `outHeight`, aspect not kept; each value rounded half up
   * and clamped to 0–255 (app/kernels/resample-reference.ts spells out the arithmetic). With `window`,
   * only that part of the resized picture is computed and returned (window.width × window.height pixels):
   * a model's centre crop of a panorama resized to 224 high need not be 100,000 pixels wide first.
   */
  resampleImage(...args: ResampleArgs): Uint8Array;

  /** IEEE binary32 → binary16 bit patterns, round-to-nearest-even (overflow → ±inf, NaN stays NaN). */
  f32ToF16(src: Float32Array): Uint16Array;

  /** IEEE binary16 bit patterns → binary32 (exact). */
  f16ToF32(src: Uint16Array): Float32Array;
}

export type KernelBackend = 'native-cpu' | 'metal' | 'typescript';

/** The operations doctor reports on: the contract's methods, an async twin counted as its operation. */
export type KernelOperation = Exclude<keyof Kernels, `${string}Async`>;

export interface KernelStatus {
  /** The kernels loaded: the native addon (its C++ threads) or the TypeScript reference. */
  backend: Exclude<KernelBackend, 'metal'>;
  threads: number;
  /** Why the faster backend is not in use, when it is not. */
  reason?: string;
  /**
   * macOS builds: the GPU, its qualifying families (Apple7, Mac2) and what it serves, with how the last
   * matrix reached it (wrapped in place or copied); or why the C++ threads serve instead; or, until its
   * start (device, kernels, known-answer check) has finished, that it is starting.
   */
  metal?:
    | { device: string; families: string; serves: string; lastMatrix?: string; lastFailure?: string }
    | { unavailable: string }
    | { starting: string };
  /** Per operation (async twins included), the backend its last completed call ran on; absent: none yet. */
  lastRun: Partial<Record<KernelOperation, KernelBackend>>;
}
