/**
 * "Why these results" for one query: the query's per-row scores (full PMI in bits) from search, the
 * concept vocabulary embedded once per model (the search's concept bank, cached in the index), then MI feature selection
 * (app/explain). Shapes the answer as the API's ExplainResponse.
 */
import { mediaPath } from '../contract/media-route.ts';
import type { ExplainResponse } from '../contract/types.ts';
import { EidosError } from '../contract/errors.ts';
import { EXPLAIN_DEFAULTS, explainRanking } from '../explain/explain.ts';
import type { EmbeddingMatrix } from '../kernels/contract.ts';
import { SELECTION_SIGNIFICANCE } from '../mi/select-features.ts';
import { wordFeatures, type TextEvidence } from '../search/text-bits.ts';

export interface ScoredLibrary {
  matrix: EmbeddingMatrix;
  /** Full PMI of the query for every row, in bits. */
  rowScores: Float32Array;
  /** The file id of each row. */
  fileIds: ArrayLike<number>;
  queryBits: number;
  /** The query's words found in photos' text (added into rowScores): candidates beside the concepts. */
  text?: TextEvidence;
}

export interface ExplainOptions {
  query: string;
  features?: 'concepts' | 'dims';
  /** Features to select. */
  k?: number;
}

/** Fewer photos than this leave too few top results and too small a background to measure information. */
export const MIN_EXPLAIN_PHOTOS = 20;

/**
 * How many top results to explain: the usual 50, but at most a quarter of a small library, so the
 * rest still forms a background at least three times as large to compare them with.
 */
export function explainedTopCount(libraryRows: number): number {
  if (libraryRows < MIN_EXPLAIN_PHOTOS) {
    throw new EidosError(
      'BAD_ARGUMENT',
      `"Why these results" needs at least ${MIN_EXPLAIN_PHOTOS} indexed photos to compare the top results with the rest; this library has ${libraryRows}. Index more photos first.`,
    );
  }
  return Math.min(EXPLAIN_DEFAULTS.k, Math.floor(libraryRows / 4));
}

export async function explainQuery(
  scored: ScoredLibrary,
  options: ExplainOptions,
  concepts: () => Promise<{ names: string[]; embeddings: Float32Array }>,
  tau: number,
): Promise<ExplainResponse> {
  const k = explainedTopCount(scored.matrix.n);
  const features =
    options.features === 'dims' ? { kind: 'dims' as const } : { kind: 'concepts' as const, ...(await concepts()) };
  const words = scored.text ? wordFeatures(scored.text, scored.matrix.n) : [];
  const conceptCount = features.kind === 'concepts' ? features.names.length : scored.matrix.d;
  const result = explainRanking({
    matrix: scored.matrix,
    rowScores: scored.rowScores,
    scoreKind: 'pmi-bits',
    features,
    extraFeatures: words,
    tau,
    queryInformationBits: scored.queryBits,
    k,
    ...(options.k ? { maxFeatures: options.k } : {}),
  });
  return {
    query: options.query,
    features: result.selected.map((f) => ({
      name: f.name,
      kind: f.feature >= conceptCount ? 'text' : features.kind === 'dims' ? 'dim' : 'concept',
      bits: f.marginalBits,
      gainBits: f.gainBits,
      cumulativeBits: f.cumulativeBits,
      pValue: f.pValue,
      direction: f.direction,
    })),
    photos: result.results.map((r) => {
      const id = String(scored.fileIds[r.row]);
      return {
        id,
        thumbnailUrl: mediaPath(id, 'thumb'),
        bits: r.score,
        values: r.values.map((v) => v.value),
        percentiles: r.values.map((v) => v.percentile),
      };
    }),
    positives: result.sample.topK,
    background: result.sample.background,
    estimator: `plug-in with Miller–Madow correction, ${result.sample.bins} equal-frequency bins, greedy ${result.sample.criterion.toUpperCase()}, stopping at the first pick whose G-test p-value (Bonferroni-adjusted) exceeds ${SELECTION_SIGNIFICANCE}`,
    queryBits: result.queryInformationBits,
    infoNceBits: result.infoNce.bits,
    ...(words.length > 0
      ? {
          words: words.map((w) => ({
            name: w.name,
            word: w.word,
            bits: w.bits,
            inTop: result.results.filter((r) => w.values[r.row] === 1).length,
          })),
        }
      : {}),
    labelEntropyBits: result.labelEntropyBits,
    elapsedMs: result.timings.totalMs,
  };
}
