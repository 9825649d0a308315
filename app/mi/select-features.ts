/**
 * Greedy feature selection by conditional mutual information with the label Y (top-k vs. background):
 * each step picks the feature that adds the most information about Y given the features already picked.
 * I(F;Y|S) for a whole set S needs far more samples than a top-k set has, so both criteria approximate
 * it from pairs (f, s), s ∈ S — exactly the pair count tables a native kernel supplies:
 *
 * - CMIM (F. Fleuret, "Fast binary feature selection with conditional mutual information", JMLR 5, 2004):
 *   score(f) = min_{s∈S} I(F;Y|S=s)  — a feature is only as new as it is relative to its closest rival.
 * - JMI (H. Yang, J. Moody, "Data visualization and feature selection", NIPS 1999; G. Brown et al.,
 *   "Conditional likelihood maximisation", JMLR 13, 2012): score(f) = Σ_{s∈S} I(F,S;Y), which ranks like
 *   mean_{s∈S} I(F;Y|S=s) (the I(S;Y) part is the same for every f); we report that mean as the gain.
 *
 * Default: CMIM. (1) An exact duplicate D of a selected s has I(D;Y|s) = 0 exactly (see entropy.ts), so
 * CMIM scores it 0 for good, while JMI averages that 0 with I(D;Y|s') ≈ I(s;Y|s') for the other picks,
 * which is large because s was picked first — JMI can re-pick a duplicate from step 3 on, and concept
 * vocabularies are full of near-duplicates ("crimson", "scarlet", "red"). (2) Top-k sets are small, so
 * each pair table is sparse and its CMI noisy; with the Miller–Madow correction, taking the minimum
 * makes CMIM err toward stopping (a spurious gain must survive every comparison), whereas JMI's mean,
 * lower-variance as Brown et al. note, still adds weakly supported features. For an explanation shown
 * to a user, a short list of clearly new features beats a long one.
 *
 * Stopping at noise: with few samples the plug-in gain of a feature independent of Y is positive (its
 * bias is df/(2N ln 2) bits) and the best of hundreds of such gains is larger still, so "gain > 0" keeps
 * adding noise until the joint saturates at H(Y). Each pick is therefore tested: under F ⊥ Y | s the G
 * statistic 2N·ln2·Î(F;Y|s) is asymptotically χ² with the table's degrees of freedom (for CMIM the pair
 * s that gives the minimum; for JMI the sum over s, degrees of freedom summed), and since the pick is the
 * best of the remaining candidates its p-value is Bonferroni-adjusted by their number. Selection stops
 * at the first pick whose adjusted p-value exceeds `significance`.
 */
import { EidosError } from '../contract/errors.ts';
import type { CountSource } from './count-source.ts';
import { chiSquareSurvival } from './chi-square.ts';
import {
  conditionalMutualInformation,
  estimatedBits,
  type ConditionalInformation,
  type EntropyEstimator,
} from './entropy.ts';
import { JointCells } from './joint-cells.ts';

export type SelectionCriterion = 'cmim' | 'jmi';

export interface SelectionOptions {
  /** Stop after this many features. */
  maxFeatures: number;
  /** Default 'cmim' (see the file comment). */
  criterion?: SelectionCriterion;
  /** Default 'miller-madow': top-k sets are small, and the plug-in overstates every gain. */
  estimator?: EntropyEstimator;
  /** Stop when the best remaining gain is not above this many bits. Default 0: nothing new is left. */
  minGainBits?: number;
  /** Family-wise level of each step's test (see the file comment). Default SELECTION_SIGNIFICANCE; 1 switches it off. */
  significance?: number;
}

/**
 * 0.1%: an explanation names a feature by chance at most once in a thousand queries per step (the χ²
 * approximation runs a little liberal on the sparse pair tables; at 1% a noise concept got through in
 * 1 of 30 noise-only rankings in test/unit/explain/stops-at-noise.test.ts). Real features sit far below:
 * the planted ones there have adjusted p < 1e-6.
 */
export const SELECTION_SIGNIFICANCE = 0.001;

export interface SelectedFeature {
  feature: number;
  /** I(F;Y), the feature alone. */
  marginalBits: number;
  /** The criterion's estimate of I(F;Y|S) when it was picked (equals marginalBits for the first pick). */
  gainBits: number;
  /** I(S;Y) of all features picked so far including this one, from their joint (see joint-cells.ts). */
  cumulativeBits: number;
  /** The pick's test p-value, Bonferroni-adjusted for the candidates it was chosen from (≤ significance). */
  pValue: number;
}

export function selectFeatures(source: CountSource, options: SelectionOptions): SelectedFeature[] {
  const {
    maxFeatures,
    criterion = 'cmim',
    estimator = 'miller-madow',
    minGainBits = 0,
    significance = SELECTION_SIGNIFICANCE,
  } = options;
  if (!Number.isInteger(maxFeatures) || maxFeatures < 0) {
    throw new EidosError('BAD_ARGUMENT', `maxFeatures must be a non-negative integer, got ${maxFeatures}.`);
  }
  if (!(significance > 0 && significance <= 1))
    throw new EidosError('BAD_ARGUMENT', `significance must be in (0, 1], got ${significance}.`);
  const { featureCount, bins } = source;
  const n = source.sampleCount;
  const corrected = (info: ConditionalInformation) => estimatedBits(info, estimator);

  const marginalTests = source
    .featureCounts()
    .map((counts) => conditionalMutualInformation(counts, { x: bins, z: 1, y: 2 }));
  const marginal = Float64Array.from(marginalTests, corrected);
  // Per candidate: the running min (CMIM) or sum (JMI) of I(F;Y|s) over the selected s, and the G statistic and degrees of freedom that go with it.
  const accumulated = new Float64Array(featureCount).fill(criterion === 'cmim' ? Infinity : 0);
  const testG = Float64Array.from(marginalTests, (t) => 2 * n * Math.LN2 * t.pluginBits);
  const testDf = Float64Array.from(marginalTests, (t) => t.degreesOfFreedom);
  const taken = new Uint8Array(featureCount);
  const joint = new JointCells(source.sampleCount);
  const selected: SelectedFeature[] = [];

  const wanted = Math.min(maxFeatures, featureCount);
  while (selected.length < wanted) {
    let best = -1;
    let bestGain = -Infinity;
    for (let f = 0; f < featureCount; f++) {
      if (taken[f]) continue;
      const gain =
        selected.length === 0
          ? marginal[f]!
          : criterion === 'cmim'
            ? accumulated[f]!
            : accumulated[f]! / selected.length;
      if (gain > bestGain) {
        best = f;
        bestGain = gain;
      }
    }
    if (best < 0 || !(bestGain > minGainBits)) break;
    const candidates = featureCount - selected.length;
    const pValue = Math.min(1, candidates * (testDf[best]! > 0 ? chiSquareSurvival(testG[best]!, testDf[best]!) : 1));
    if (pValue > significance) break;

    taken[best] = 1;
    joint.add(source.featureBins(best), bins);
    selected.push({
      feature: best,
      marginalBits: marginal[best]!,
      gainBits: bestGain,
      cumulativeBits: joint.informationBits(source.labels, estimator),
      pValue,
    });
    if (selected.length === wanted) break; // no later step reads the conditionals
    const pairs = source.pairCountsWith(best);
    const first = selected.length === 1;
    for (let f = 0; f < featureCount; f++) {
      if (taken[f]) continue;
      const test = conditionalMutualInformation(pairs[f]!, { x: bins, z: bins, y: 2 });
      const conditional = corrected(test);
      const g = 2 * n * Math.LN2 * test.pluginBits;
      if (criterion === 'cmim') {
        if (conditional < accumulated[f]!) {
          accumulated[f] = conditional;
          testG[f] = g;
          testDf[f] = test.degreesOfFreedom;
        }
      } else {
        accumulated[f]! += conditional;
        testG[f] = (first ? 0 : testG[f]!) + g;
        testDf[f] = (first ? 0 : testDf[f]!) + test.degreesOfFreedom;
      }
    }
  }
  return selected;
}
