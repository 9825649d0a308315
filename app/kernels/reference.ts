/**
 * Plain TypeScript implementations of the kernel contract: the parity oracle for the native addon and
 * the fallback when it cannot load. Written for obviousness: double-precision accumulation, no tricks.
 */
import type { EmbeddingMatrix, InvertedFileArgs, Kernels, Neighbours, SearchPassResult, TopK } from './contract.ts';
import { floatToHalfBits, halfBitsToFloat } from './f16.ts';
import { recordingRuns } from './backend-log.ts';
import * as check from './validate.ts';
import { resampleImage } from './resample-reference.ts';
import { umapLayout } from './umap-reference.ts';

let halfTable: Float32Array | undefined;
/** All 65536 binary16 values decoded once (a cache of `halfBitsToFloat`). */
function halfValues(): Float32Array {
  if (halfTable === undefined) {
    halfTable = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) halfTable[h] = halfBitsToFloat(h);
  }
  return halfTable;
}

/** ⟨row i, queries[q·d …]⟩ in double precision. */
function rowDot(matrix: EmbeddingMatrix, i: number, queries: Float32Array, q: number): number {
  const { d } = matrix;
  const row = i * d;
  const at = q * d;
  let sum = 0;
  if (matrix.dtype === 'f16') {
    const values = halfValues();
    for (let j = 0; j < d; j++) sum += values[matrix.data[row + j]!]! * queries[at + j]!;
    return sum;
  }
  for (let j = 0; j < d; j++) sum += matrix.data[row + j]! * queries[at + j]!;
  return matrix.dtype === 'i8' ? sum * matrix.scales[i]! : sum;
}

function scores(matrix: EmbeddingMatrix, queries: Float32Array, nq: number): Float32Array {
  check.checkMatrix(matrix);
  check.checkQueries('queries', queries, nq, matrix.d);
  const out = new Float32Array(nq * matrix.n);
  for (let q = 0; q < nq; q++) {
    for (let i = 0; i < matrix.n; i++) out[q * matrix.n + i] = rowDot(matrix, i, queries, q);
  }
  return out;
}

function logSumExp(values: Float32Array, scale: number): number {
  check.checkFinite('scale', scale);
  let max = -Infinity;
  for (const v of values) max = Math.max(max, scale * v);
  if (max === -Infinity || Number.isNaN(max)) return max;
  if (max === Infinity) return Infinity;
  let sum = 0;
  for (const v of values) sum += Math.exp(scale * v - max);
  return max + Math.log(sum);
}

/** The ranking order shared by every backend: larger value first, NaN as −∞, then lower index. */
export function ranksBefore(a: number, i: number, b: number, j: number): boolean {
  const x = Number.isNaN(a) ? -Infinity : a;
  const y = Number.isNaN(b) ? -Infinity : b;
  return x > y || (x === y && i < j);
}

function topK(values: Float32Array, k: number, mask?: Uint8Array): TopK {
  check.checkCount('k', k);
  check.checkMask(mask, values.length);
  const eligible: number[] = [];
  for (let i = 0; i < values.length; i++) if (mask === undefined || mask[i] !== 0) eligible.push(i);
  eligible.sort((i, j) => (ranksBefore(values[i]!, i, values[j]!, j) ? -1 : 1));
  const indices = Uint32Array.from(eligible.slice(0, k));
  return { indices, values: Float32Array.from(indices, (i) => values[i]!) };
}

function searchPass(
  matrix: EmbeddingMatrix,
  query: Float32Array,
  tau: number,
  k: number,
  mask?: Uint8Array,
  wantScores = false,
): SearchPassResult {
  check.checkMatrix(matrix);
  check.checkQueries('query', query, 1, matrix.d);
  check.checkFinite('tau', tau);
  const all = scores(matrix, query, 1);
  for (let i = 0; i < all.length; i++) all[i] = tau * all[i]!;
  const best = topK(all, k, mask);
  const lse = logSumExp(all, 1);
  const result: SearchPassResult = { lse, entropy: softmaxEntropy(all, lse), ...best };
  if (wantScores) result.scores = all;
  return result;
}

/** H = lse − Σ_j p_j·s_j with p = softmax(s); rows at −∞ have p = 0 and add nothing. */
function softmaxEntropy(scores: Float32Array, lse: number): number {
  if (!Number.isFinite(lse)) return NaN;
  let expected = 0;
  for (const s of scores) if (s !== -Infinity) expected += Math.exp(s - lse) * s;
  return lse - expected;
}

function checkBank(matrix: EmbeddingMatrix, bank: Float32Array, nb: number, tau: number): void {
  check.checkMatrix(matrix);
  check.checkQueries('bank', bank, nb, matrix.d);
  check.checkFinite('tau', tau);
}

function bankLogSumExp(matrix: EmbeddingMatrix, bank: Float32Array, nb: number, tau: number): Float64Array {
  checkBank(matrix, bank, nb, tau);
  const all = scores(matrix, bank, nb);
  return Float64Array.from({ length: nb }, (_, b) => logSumExp(all.subarray(b * matrix.n, (b + 1) * matrix.n), tau));
}

function logPrior(
  matrix: EmbeddingMatrix,
  bank: Float32Array,
  nb: number,
  tau: number,
  bankLse?: Float64Array,
): Float32Array {
  checkBank(matrix, bank, nb, tau);
  const lse = bankLse ?? bankLogSumExp(matrix, bank, nb, tau);
  check.checkBankLse(lse, nb);
  const all = scores(matrix, bank, nb);
  const out = new Float32Array(matrix.n);
  const perBank = new Float32Array(nb);
  for (let i = 0; i < matrix.n; i++) {
    for (let b = 0; b < nb; b++) perBank[b] = tau * all[b * matrix.n + i]! - lse[b]!;
    out[i] = logSumExp(perBank, 1) - Math.log(nb);
  }
  return out;
}

/** Row i's true values in f32 (decoded; i8 scaled), as a self-kNN query. */
function rowValues(matrix: EmbeddingMatrix, i: number): Float32Array {
  const { d } = matrix;
  if (matrix.dtype === 'f16')
    return Float32Array.from(matrix.data.subarray(i * d, (i + 1) * d), (h) => halfValues()[h]!);
  const row = Float32Array.from(matrix.data.subarray(i * d, (i + 1) * d));
  if (matrix.dtype === 'i8') for (let j = 0; j < d; j++) row[j]! *= matrix.scales[i]!;
  return row;
}

function knn(matrix: EmbeddingMatrix, k: number, queries?: Float32Array, nq?: number): Neighbours {
  check.checkMatrix(matrix);
  check.checkCount('k', k);
  const self = queries === undefined;
  const count = self ? matrix.n : (nq as number);
  if (!self) check.checkQueries('queries', queries, count, matrix.d);
  check.checkNeighbourCount(k, self ? Math.max(0, matrix.n - 1) : matrix.n, self);
  const indices = new Uint32Array(count * k);
  const similarities = new Float32Array(count * k);
  for (let q = 0; q < count; q++) {
    const query = self ? rowValues(matrix, q) : queries.subarray(q * matrix.d, (q + 1) * matrix.d);
    const dots = scores(matrix, query, 1);
    const mask = new Uint8Array(matrix.n).fill(1);
    if (self) mask[q] = 0;
    const best = topK(dots, k, mask);
    indices.set(best.indices, q * k);
    similarities.set(best.values, q * k);
  }
  return { k, indices, similarities };
}

/** The inverted file's search, spelled out: each row's list, each query's probed lists, then an exact top-k. */
function invertedFileSearch(...[matrix, k, queries, nq, centres, lists, probes]: InvertedFileArgs): Neighbours {
  check.checkMatrix(matrix);
  check.checkCount('k', k);
  check.checkQueries('queries', queries, nq, matrix.d);
  check.checkCount('lists', lists);
  check.checkQueries('centres', centres, lists, matrix.d);
  check.checkCount('probes', probes);
  check.checkInvertedFile(lists, probes);
  check.checkNeighbourCount(k, matrix.n, false);
  const centreMatrix: EmbeddingMatrix = { dtype: 'f32', data: centres, n: lists, d: matrix.d };
  const owner = Uint32Array.from(
    { length: matrix.n },
    (_, i) => topK(scores(centreMatrix, rowValues(matrix, i), 1), 1).indices[0]!,
  );
  const indices = new Uint32Array(nq * k);
  const similarities = new Float32Array(nq * k);
  for (let q = 0; q < nq; q++) {
    const query = queries.subarray(q * matrix.d, (q + 1) * matrix.d);
    const probed = new Set(topK(scores(centreMatrix, query, 1), probes).indices);
    const mask = Uint8Array.from(owner, (list) => (probed.has(list) ? 1 : 0));
    if (mask.reduce((sum, m) => sum + m, 0) < k) mask.fill(1);
    const best = topK(scores(matrix, query, 1), k, mask);
    indices.set(best.indices, q * k);
    similarities.set(best.values, q * k);
  }
  return { k, indices, similarities };
}

function countTables(binned: Uint8Array, f: number, n: number, y: Uint8Array, bins: number): Uint32Array {
  check.checkBins(binned, f, n, y, bins);
  const out = new Uint32Array(f * bins * 2);
  for (let feature = 0; feature < f; feature++) {
    for (let i = 0; i < n; i++) {
      const bin = binned[feature * n + i]!;
      const label = y[i]!;
      if (bin >= bins) check.badBin(feature, i, bin, bins);
      if (label > 1) check.badLabel(i, label);
      out[(feature * bins + bin) * 2 + label]!++;
    }
  }
  return out;
}

function pairCountTables(
  binned: Uint8Array,
  f: number,
  n: number,
  y: Uint8Array,
  bins: number,
  s: number,
): Uint32Array {
  check.checkBins(binned, f, n, y, bins);
  check.checkFeature(s, f);
  const out = new Uint32Array(f * bins * bins * 2);
  for (let feature = 0; feature < f; feature++) {
    for (let i = 0; i < n; i++) {
      const bin = binned[feature * n + i]!;
      const selected = binned[s * n + i]!;
      const label = y[i]!;
      if (bin >= bins) check.badBin(feature, i, bin, bins);
      if (selected >= bins) check.badBin(s, i, selected, bins);
      if (label > 1) check.badLabel(i, label);
      out[((feature * bins + bin) * bins + selected) * 2 + label]!++;
    }
  }
  return out;
}

/** The reference; each call records 'typescript' as the backend that ran its operation (backend-log.ts). */
export const referenceKernels: Kernels = recordingRuns(
  {
    scores,
    logSumExp,
    topK,
    searchPass,
    bankLogSumExp,
    logPrior,
    countTables,
    pairCountTables,
    scoresAsync: async (...args) => scores(...args),
    searchPassAsync: async (...args) => searchPass(...args),
    logPriorAsync: async (...args) => logPrior(...args),
    knn,
    knnAsync: async (...args) => knn(...args),
    invertedFileSearch,
    invertedFileSearchAsync: async (...args) => invertedFileSearch(...args),
    // The reference's neighbour search is exact: the truth NN-descent's recall is measured against.
    nnDescent: (matrix, k) => knn(matrix, k),
    nnDescentAsync: async (matrix, k) => knn(matrix, k),
    umapLayout,
    umapLayoutAsync: async (...args) => umapLayout(...args),
    resampleImage,
    f32ToF16: (src) => Uint16Array.from(src, floatToHalfBits),
    f16ToF32: (src) => Float32Array.from(src, halfBitsToFloat),
  },
  'typescript',
);
