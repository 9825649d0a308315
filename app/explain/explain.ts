/**
 * "Why these results": which features carry the information that separates a query's top results from
 * the rest of the library (docs/architecture.md "Per-feature MI selection"). Independent of the store and the
 * CLI: the engine passes the matrix, the query's scores and the features; this labels a sample, computes
 * the features on it, bins them, counts with the kernels and selects greedily by conditional MI.
 */
import { EidosError } from '../contract/errors.ts';
import type { Kernels } from '../kernels/contract.ts';
import { kernels as defaultKernels } from '../kernels/index.ts';
import { createCountSource, type CountSource } from '../mi/count-source.ts';
import { entropyBits } from '../mi/entropy.ts';
import { MAX_BINS } from '../mi/equal-frequency-bins.ts';
import { SELECTION_SIGNIFICANCE, selectFeatures } from '../mi/select-features.ts';
import { featureValues } from './feature-values.ts';
import { labelledSample } from './labelled-sample.ts';
import { featureDirection, topPositions, type FeatureSample } from './library-position.ts';
import { quantileBinMatrix } from './quantile-bins.ts';
import { logitScale, queryInfoNce, queryInformationBits } from './query-bound.ts';
import type { ExplainedFeature, ExplainInput, ExplainResult, ExplainTimings } from './types.ts';

/**
 * Defaults, sized for the plug-in MI's sample-size bias with few positives (M = k + background samples):
 * - bins 8: the marginal table has 8×2 cells, so its plug-in bias (B−1)/(2M ln 2) is ≈ 0.005 bits at
 *   M = 1050 — small next to a real feature's 0.05–0.3 bits. The pair tables behind the conditional gains
 *   have 8×8×2 cells: with k = 50 positives that is under one positive per (F, S) cell when they spread,
 *   the sparsity where Miller–Madow is still roughly right; 16 bins (512 cells) would not be.
 * - k 50: enough positives to fill the top bins (≈ 6 per bin if a feature spreads them over all 8), and
 *   about the first screens of results a user actually looks at; more would dilute "the top".
 * - background 1000: the Y = 0 side estimates the library's distribution, so it sets the bin edges and
 *   the percentiles (±1.6 points standard error); 20× k keeps H(Y) ≈ 0.28 bits, and the whole count is
 *   still one pass over M·F bytes.
 * - maxFeatures 8: an explanation a person reads; the significance test usually stops it earlier.
 */
/**
 * Miller–Madow for every figure, H(Y) included: a feature that determines Y gets I = H(Y) with the same
 * correction, so the cumulative bits stay ≤ the reported H(Y) (plug-in H(Y) would sit 1/(2M ln 2) below).
 */
const SELECTION_ESTIMATOR = 'miller-madow';

export const EXPLAIN_DEFAULTS = { k: 50, background: 1000, bins: 8, maxFeatures: 8, seed: 1 } as const;

export function explainRanking(input: ExplainInput, kernels: Kernels = defaultKernels): ExplainResult {
  const started = performance.now();
  const options = validated(input);
  const { matrix, rowScores, features, k, background, bins, maxFeatures, criterion, minGainBits, significance, seed } =
    options;
  const n = matrix.n;
  const clock = stopwatch();

  const sample = labelledSample(rowScores, k, background, seed, kernels);
  const sampleMs = clock();
  const m = sample.rows.length;

  const values = featureValues(matrix, sample.rows, features, kernels, input.extraFeatures);
  const featuresMs = clock();

  const binned = quantileBinMatrix(values.values, values.featureCount, m, bins);
  const binningMs = clock();

  const counting = { ms: 0 };
  const source = timedCounts(createCountSource(binned, sample.labels, bins, kernels), counting);
  const picks = selectFeatures(source, {
    maxFeatures,
    criterion,
    minGainBits,
    significance,
    estimator: SELECTION_ESTIMATOR,
  });
  const selectionTotalMs = clock();

  const scale = logitScale(options.scoreKind, options.tau);
  const { infoNce, lse } = queryInfoNce(rowScores, sample.rows.subarray(0, sample.topK), scale, kernels);
  const perFeature = picks.map((pick) => {
    const at = pick.feature * m;
    const featureSample: FeatureSample = {
      values: values.values.subarray(at, at + m),
      bins: binned.subarray(at, at + m),
      topK: sample.topK,
      libraryRows: n,
    };
    const explained: ExplainedFeature = {
      ...pick,
      name: values.name(pick.feature),
      ...featureDirection(featureSample),
    };
    return { explained, positions: topPositions(featureSample) };
  });
  const results = Array.from(sample.rows.subarray(0, sample.topK), (row, i) => ({
    row,
    score: rowScores[row]!,
    values: perFeature.map((f) => f.positions[i]!),
  }));
  const queryBits = input.queryInformationBits ?? queryInformationBits(rowScores, scale, lse);
  const reportMs = clock();

  const timings: ExplainTimings = {
    sampleMs,
    featuresMs,
    binningMs,
    countingMs: counting.ms,
    selectionMs: selectionTotalMs - counting.ms,
    reportMs,
    totalMs: performance.now() - started,
  };
  return {
    selected: perFeature.map((f) => f.explained),
    labelEntropyBits: entropyBits([sample.topK, sample.background], SELECTION_ESTIMATOR),
    sample: { topK: sample.topK, background: sample.background, libraryRows: n, bins, criterion, seed },
    infoNce,
    queryInformationBits: queryBits,
    results,
    timings,
  };
}

/** Milliseconds since the previous call (or since creation). */
function stopwatch(): () => number {
  let last = performance.now();
  return () => {
    const now = performance.now();
    const elapsed = now - last;
    last = now;
    return elapsed;
  };
}

/** The same count source, adding the time spent in the count kernels to `counting.ms`. */
function timedCounts(source: CountSource, counting: { ms: number }): CountSource {
  const timed = <T>(call: () => T): T => {
    const start = performance.now();
    const result = call();
    counting.ms += performance.now() - start;
    return result;
  };
  return {
    featureCount: source.featureCount,
    sampleCount: source.sampleCount,
    bins: source.bins,
    labels: source.labels,
    featureCounts: () => timed(() => source.featureCounts()),
    pairCountsWith: (s) => timed(() => source.pairCountsWith(s)),
    featureBins: (f) => source.featureBins(f),
  };
}

type Validated = Required<Omit<ExplainInput, 'queryInformationBits' | 'extraFeatures'>>;

function validated(input: ExplainInput): Validated {
  const { matrix, rowScores } = input;
  const n = matrix.n;
  const options: Validated = {
    matrix,
    rowScores,
    features: input.features,
    scoreKind: input.scoreKind ?? 'pmi-bits',
    k: input.k ?? EXPLAIN_DEFAULTS.k,
    background: input.background ?? EXPLAIN_DEFAULTS.background,
    bins: input.bins ?? EXPLAIN_DEFAULTS.bins,
    maxFeatures: input.maxFeatures ?? EXPLAIN_DEFAULTS.maxFeatures,
    criterion: input.criterion ?? 'cmim',
    minGainBits: input.minGainBits ?? 0,
    significance: input.significance ?? SELECTION_SIGNIFICANCE,
    tau: input.tau,
    seed: input.seed ?? EXPLAIN_DEFAULTS.seed,
  };
  const fail = (message: string): never => {
    throw new EidosError('BAD_ARGUMENT', `cannot explain this ranking: ${message}`);
  };
  if (!(rowScores instanceof Float32Array) || rowScores.length !== n) {
    fail(`rowScores must be a Float32Array with one score per library row (${n}), got ${rowScores?.length}.`);
  }
  const nan = rowScores.findIndex((v) => Number.isNaN(v));
  if (nan >= 0) fail(`rowScores[${nan}] is NaN; score every row (use −Infinity for rows that must never rank).`);
  if (!Number.isInteger(options.k) || options.k < 1 || options.k >= n) {
    fail(
      `k = ${options.k} top results must be an integer from 1 to ${n - 1} (the library has ${n} rows and needs a background).`,
    );
  }
  if (!Number.isInteger(options.background) || options.background < 1)
    fail(`background = ${options.background} must be a positive integer.`);
  if (!Number.isInteger(options.bins) || options.bins < 2 || options.bins > MAX_BINS)
    fail(`bins = ${options.bins} must be an integer from 2 to ${MAX_BINS}.`);
  if (!Number.isInteger(options.maxFeatures) || options.maxFeatures < 1)
    fail(`maxFeatures = ${options.maxFeatures} must be a positive integer.`);
  if (options.criterion !== 'cmim' && options.criterion !== 'jmi')
    fail(`criterion must be 'cmim' or 'jmi', got '${String(options.criterion)}'.`);
  if (options.scoreKind !== 'pmi-bits' && options.scoreKind !== 'cosine')
    fail(`scoreKind must be 'pmi-bits' or 'cosine', got '${String(options.scoreKind)}'.`);
  if (!Number.isFinite(options.minGainBits))
    fail(`minGainBits = ${options.minGainBits} must be a finite number of bits.`);
  if (!(options.tau > 0) || !Number.isFinite(options.tau))
    fail(`tau = ${options.tau} must be the model's positive logit scale.`);
  if (!Number.isInteger(options.seed)) fail(`seed = ${options.seed} must be an integer.`);
  const kind = (input.features as { kind?: unknown } | undefined)?.kind;
  for (const extra of input.extraFeatures ?? [])
    if (extra.values.length !== n)
      fail(`extra feature "${extra.name}" has ${extra.values.length} values for ${n} rows.`);
  if (kind !== 'concepts' && kind !== 'dims')
    fail(`features.kind must be 'concepts' or 'dims', got '${String(kind)}'.`);
  return options;
}
