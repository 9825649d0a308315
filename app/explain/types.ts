/**
 * The explanation's boundary types: what the engine passes to `explainRanking` and what it gets back
 * (docs/architecture.md "Per-feature MI selection").
 */
import type { EmbeddingMatrix } from '../kernels/contract.ts';
import type { SelectionCriterion } from '../mi/select-features.ts';

export type ExplainFeatures =
  /** Cosine of each photo with each concept prompt: `embeddings` is C×d, row c the prompt of `names[c]`. */
  | { kind: 'concepts'; names: string[]; embeddings: Float32Array; scored?: ConceptScores }
  /** The raw embedding dimensions of the matrix. */
  | { kind: 'dims' };

/**
 * Concept scores computed once for rows that several explanations share (the map's regions): C×R, row-major
 * by concept, `values[c·R + r]` = cos(library row `rows[r]`, concept c); `rows` ascending. A sample row not
 * in `rows` is scored afresh.
 */
export interface ConceptScores {
  rows: Uint32Array;
  values: Float32Array;
}

/**
 * How `rowScores` relate to the model's logits s(q,i) = τ·cos(e_q, e_i):
 * - 'pmi-bits': s/ln 2 up to one additive constant per query (the query-side PMI in bits, or the logit in bits);
 * - 'cosine': cos(e_q, e_i) itself (the logits are τ·rowScores).
 */
export type RowScoreKind = 'pmi-bits' | 'cosine';

export interface ExplainInput {
  /** The library's N×D matrix (L2-normalised rows). */
  matrix: EmbeddingMatrix;
  /** The query's score per row (N values); −∞ allowed for rows that can never rank, NaN not. */
  rowScores: Float32Array;
  /** Default 'pmi-bits'. */
  scoreKind?: RowScoreKind;
  features: ExplainFeatures;
  /**
   * Candidates beside `features`, one value per library row (e.g. 1 where a photo's text holds a query
   * word, 0 elsewhere): selected by the same criterion, numbered after the main features.
   */
  extraFeatures?: readonly ExtraFeature[];
  /** Top results labelled Y = 1. Default EXPLAIN_DEFAULTS.k. */
  k?: number;
  /** Size of the seeded uniform sample of the other rows, labelled Y = 0. Default EXPLAIN_DEFAULTS.background. */
  background?: number;
  /** Equal-frequency bins per feature. Default EXPLAIN_DEFAULTS.bins. */
  bins?: number;
  /** Stop after this many features. Default EXPLAIN_DEFAULTS.maxFeatures. */
  maxFeatures?: number;
  /** Default 'cmim' (see app/mi/select-features.ts). */
  criterion?: SelectionCriterion;
  /** Stop when the best remaining gain is not above this. Default 0 (stop only when nothing new is left). */
  minGainBits?: number;
  /** Stop at the first pick whose adjusted p-value exceeds this. Default SELECTION_SIGNIFICANCE; 1 switches the test off. */
  significance?: number;
  /** The model's logit scale τ: turns 'cosine' scores into logits for the InfoNCE bound. */
  tau: number;
  /** log2 N − H(p(·|q)) when the engine already has it; computed from `rowScores` otherwise. */
  queryInformationBits?: number;
  /** Seed of the background sample. Default EXPLAIN_DEFAULTS.seed. */
  seed?: number;
}

export interface ExtraFeature {
  name: string;
  /** One value per library row (N). */
  values: ArrayLike<number>;
}

export interface ExplainedFeature {
  /** Concept index into `features.names`, or the embedding dimension. */
  feature: number;
  /** The concept, or `dim <j>`. */
  name: string;
  /** I(F;Y) alone, Miller–Madow corrected. */
  marginalBits: number;
  /** The criterion's I(F;Y|S) when picked (= marginalBits for the first). */
  gainBits: number;
  /** I(S;Y) of the features picked so far, including this one, from their joint. */
  cumulativeBits: number;
  /** Significance of the pick: its test's p-value, Bonferroni-adjusted for the candidates (app/mi/select-features.ts). */
  pValue: number;
  /** 'higher': the top results have more of it than the background (offer +term); 'lower': less (offer −term). */
  direction: 'higher' | 'lower';
  topMean: number;
  backgroundMean: number;
}

/** A top result's value on one selected feature. */
export interface FeaturePosition {
  /** The raw feature value: the cosine with the concept prompt, or the embedding coordinate. */
  value: number;
  /** Its equal-frequency bin among the labelled sample (what the MI counted), 0 … bins−1. */
  bin: number;
  /** Estimated share of the library's photos at or below it, 0–100 (see library-position.ts). */
  percentile: number;
}

export interface ExplainedResult {
  /** Row of the library matrix. */
  row: number;
  score: number;
  /** One entry per selected feature, in selection order. */
  values: FeaturePosition[];
}

export interface InfoNceSummary {
  /** log N − L in bits; L and its positives are described in query-bound.ts. */
  bits: number;
  /** The positives (the top-k) and the candidate count N (the library) it was computed with. */
  positives: number;
  candidates: number;
  /** log2 N: no InfoNCE estimate can exceed it. */
  ceilingBits: number;
}

export interface ExplainTimings {
  /** Top-k and the background sample. */
  sampleMs: number;
  /** Concept cosines (native `scores`) or the dimension transpose. */
  featuresMs: number;
  binningMs: number;
  /** The count-table kernels, measured inside the selection. */
  countingMs: number;
  /** The selection without its counting. */
  selectionMs: number;
  /** InfoNCE bound, query information, directions, the top results' values. */
  reportMs: number;
  totalMs: number;
}

export interface ExplainResult {
  selected: ExplainedFeature[];
  /** H(Y) of the labelled sample (Miller–Madow, like the MI figures): no set of features carries more about Y. */
  labelEntropyBits: number;
  sample: {
    topK: number;
    background: number;
    libraryRows: number;
    bins: number;
    criterion: SelectionCriterion;
    seed: number;
  };
  infoNce: InfoNceSummary;
  queryInformationBits: number;
  /** The top results, best first. */
  results: ExplainedResult[];
  timings: ExplainTimings;
}
