/**
 * The feature values of the labelled sample, feature-major (F×M, `values[f·M + i]`), the layout the
 * binning and the count kernels read:
 * - concepts: cos(candidate i, concept prompt f), from ONE native `scores` call with the concepts as the
 *   queries against a matrix of just the M candidate rows (scores are query-major: already F×M);
 * - dims: embedding coordinate f of candidate i (a transpose of the candidate rows).
 */
import { EidosError } from '../contract/errors.ts';
import type { EmbeddingMatrix, Kernels } from '../kernels/contract.ts';
import { allocateMatrix } from '../kernels/matrix.ts';
import type { ConceptScores, ExplainFeatures, ExtraFeature } from './types.ts';

export interface FeatureValues {
  values: Float32Array;
  featureCount: number;
  name(feature: number): string;
}

export function featureValues(
  matrix: EmbeddingMatrix,
  rows: Uint32Array,
  features: ExplainFeatures,
  kernels: Pick<Kernels, 'scores' | 'f16ToF32'>,
  extra: readonly ExtraFeature[] = [],
): FeatureValues {
  const main = mainFeatureValues(matrix, rows, features, kernels);
  if (extra.length === 0) return main;
  // The extra features' values at the sample's rows, appended feature-major after the main ones.
  const m = rows.length;
  const values = new Float32Array((main.featureCount + extra.length) * m);
  values.set(main.values);
  extra.forEach((feature, e) => {
    const at = (main.featureCount + e) * m;
    rows.forEach((row, i) => (values[at + i] = feature.values[row]!));
  });
  return {
    values,
    featureCount: main.featureCount + extra.length,
    name: (f) => (f < main.featureCount ? main.name(f) : extra[f - main.featureCount]!.name),
  };
}

function mainFeatureValues(
  matrix: EmbeddingMatrix,
  rows: Uint32Array,
  features: ExplainFeatures,
  kernels: Pick<Kernels, 'scores' | 'f16ToF32'>,
): FeatureValues {
  if (features.kind === 'concepts') {
    const { names, embeddings, scored } = features;
    const reused = scored && names.length > 0 ? fromScored(scored, rows, names.length) : undefined;
    return {
      values: reused ?? conceptScores(matrix, rows, names, embeddings, kernels),
      featureCount: names.length,
      name: (f) => names[f]!,
    };
  }
  const candidates = gatherRows(matrix, rows);
  return { values: transposeToF32(candidates, kernels), featureCount: matrix.d, name: (f) => `dim ${f}` };
}

/** cos(row, concept) for the given library rows and every concept: C×M, concept-major (ONE native `scores` call). */
export function conceptScores(
  matrix: EmbeddingMatrix,
  rows: Uint32Array,
  names: string[],
  embeddings: Float32Array,
  kernels: Pick<Kernels, 'scores'>,
): Float32Array {
  return kernels.scores(gatherRows(matrix, rows), unitRows(embeddings, names, matrix.d), names.length);
}

/** The sample's C×M values copied out of scores computed earlier, or undefined when a row is missing there. */
function fromScored(scored: ConceptScores, rows: Uint32Array, conceptCount: number): Float32Array | undefined {
  const r = scored.rows.length;
  if (scored.values.length !== conceptCount * r) return undefined;
  const at = new Uint32Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const position = lowerBound(scored.rows, rows[i]!);
    if (position === r || scored.rows[position] !== rows[i]) return undefined;
    at[i] = position;
  }
  const m = rows.length;
  const out = new Float32Array(conceptCount * m);
  for (let c = 0; c < conceptCount; c++) for (let i = 0; i < m; i++) out[c * m + i] = scored.values[c * r + at[i]!]!;
  return out;
}

function lowerBound(sorted: Uint32Array, value: number): number {
  let lo = 0,
    hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The candidate rows as a matrix of their own, same dtype (the kernels then read only M rows, not N). */
export function gatherRows(matrix: EmbeddingMatrix, rows: Uint32Array): EmbeddingMatrix {
  const { d } = matrix;
  const out = allocateMatrix(matrix.dtype, rows.length, d);
  rows.forEach((row, i) => out.data.set(matrix.data.subarray(row * d, (row + 1) * d), i * d));
  if (matrix.dtype === 'i8' && out.dtype === 'i8') rows.forEach((row, i) => (out.scales[i] = matrix.scales[row]!));
  return out;
}

/** A matrix's rows as f32 values, row-major (i8 rows with their scale applied; f32 rows as they are, not copied). */
export function rowsAsF32(matrix: EmbeddingMatrix, kernels: Pick<Kernels, 'f16ToF32'>): Float32Array {
  if (matrix.dtype === 'f32') return matrix.data;
  if (matrix.dtype === 'f16') return kernels.f16ToF32(matrix.data);
  return Float32Array.from(matrix.data, (q, at) => q * matrix.scales[Math.floor(at / matrix.d)]!);
}

function transposeToF32(candidates: EmbeddingMatrix, kernels: Pick<Kernels, 'f16ToF32'>): Float32Array {
  const { n, d } = candidates;
  const rowMajor = rowsAsF32(candidates, kernels);
  const out = new Float32Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) out[j * n + i] = rowMajor[i * d + j]!;
  return out;
}

/**
 * The prompts as unit vectors, so the kernel's dot products are cosines whatever the caller passed
 * (the encoder normalises already; a copy costs C×d, nothing next to the scores).
 */
function unitRows(embeddings: Float32Array, names: string[], d: number): Float32Array {
  if (names.length === 0 || embeddings.length !== names.length * d) {
    throw new EidosError(
      'BAD_ARGUMENT',
      `concept embeddings hold ${embeddings.length} values for ${names.length} names of dimension ${d}; ` +
        'pass one embedding per name (C×d, row-major) from the same model as the library.',
    );
  }
  const out = new Float32Array(embeddings.length);
  for (let c = 0; c < names.length; c++) {
    const row = embeddings.subarray(c * d, (c + 1) * d);
    let norm = 0;
    for (const v of row) norm += v * v;
    norm = Math.sqrt(norm);
    if (!(norm > 0) || !Number.isFinite(norm)) {
      throw new EidosError(
        'BAD_ARGUMENT',
        `the embedding of concept "${names[c]}" has norm ${norm}; re-embed the concept prompts.`,
      );
    }
    for (let j = 0; j < d; j++) out[c * d + j] = row[j]! / norm;
  }
  return out;
}
