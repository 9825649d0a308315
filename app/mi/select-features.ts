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
 */
import { EidosError } from '../contract/errors.ts';
import type { CountSource } from './count-source.ts';
import { conditionalMutualInformationBits, mutualInformationBits, type EntropyEstimator } from './entropy.ts';
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
}

export interface SelectedFeature {
  feature: number;
  /** I(F;Y), the feature alone. */
  marginalBits: number;
  /** The criterion's estimate of I(F;Y|S) when it was picked (equals marginalBits for the first pick). */
  gainBits: number;
  /** I(S;Y) of all features picked so far including this one, from their joint (see joint-cells.ts). */
  cumulativeBits: number;
}

export function selectFeatures(source: CountSource, options: SelectionOptions): SelectedFeature[] {
  const { maxFeatures, criterion = 'cmim', estimator = 'miller-madow', minGainBits = 0 } = options;
  if (!Number.isInteger(maxFeatures) || maxFeatures < 0) {
    throw new EidosError('BAD_ARGUMENT', `maxFeatures must be a non-negative integer, got ${maxFeatures}.`);
  }
  const { featureCount, bins } = source;
  const pairShape = { x: bins, z: bins, y: 2 };

  const marginal = Float64Array.from(source.featureCounts(), (counts) => mutualInformationBits(counts, { x: bins, y: 2 }, estimator));
  // Per candidate: the running min (CMIM) or sum (JMI) of I(F;Y|s) over the selected s.
  const accumulated = new Float64Array(featureCount).fill(criterion === 'cmim' ? Infinity : 0);
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
        selected.length === 0 ? marginal[f]! : criterion === 'cmim' ? accumulated[f]! : accumulated[f]! / selected.length;
      if (gain > bestGain) {
        best = f;
        bestGain = gain;
      }
    }
    if (best < 0 || !(bestGain > minGainBits)) break;

    taken[best] = 1;
    joint.add(source.featureBins(best), bins);
    selected.push({
      feature: best,
      marginalBits: marginal[best]!,
      gainBits: bestGain,
      cumulativeBits: joint.informationBits(source.labels, estimator),
    });
    if (selected.length === wanted) break; // no later step reads the conditionals
    const pairs = source.pairCountsWith(best);
    for (let f = 0; f < featureCount; f++) {
      if (taken[f]) continue;
      const conditional = conditionalMutualInformationBits(pairs[f]!, pairShape, estimator);
      accumulated[f] = criterion === 'cmim' ? Math.min(accumulated[f]!, conditional) : accumulated[f]! + conditional;
    }
  }
  return selected;
}
