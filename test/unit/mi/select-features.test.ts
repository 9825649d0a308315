import { describe, expect, it } from 'vitest';
import { selectFeatures, type SelectionCriterion } from '../../../app/mi/select-features.ts';
import { createCountSource } from '../../../app/mi/count-source.ts';
import { binFeatureMatrix } from '../../../app/mi/equal-frequency-bins.ts';
import { entropyBits, mutualInformationBits } from '../../../app/mi/entropy.ts';
import { kernels, kernelStatus } from '../../../app/kernels/index.ts';
import { normalSource, uniformSource } from './helpers/random.ts';

const BINS = 4;
const CRITERIA: SelectionCriterion[] = ['cmim', 'jmi'];

/**
 * A search-like sample: N images, the top 10 % labelled 1. Feature 1 shifts strongly with the label,
 * feature 3 shifts less but independently of feature 1 (complementary), feature 5 is an exact copy of
 * feature 1 (a synonym concept), the rest are noise.
 */
function searchLikeSample(n: number, featureCount: number, seed: number) {
  const normal = normalSource(seed);
  const uniform = uniformSource(seed + 1);
  const labels = Uint8Array.from({ length: n }, () => (uniform() < 0.1 ? 1 : 0));
  const values = new Float64Array(featureCount * n);
  for (let f = 0; f < featureCount; f++) {
    for (let i = 0; i < n; i++) {
      const shift = f === 1 ? 2.5 : f === 3 ? 1.5 : 0;
      values[f * n + i] = f === 5 ? values[1 * n + i]! : shift * labels[i]! + normal();
    }
  }
  return { source: createCountSource(binFeatureMatrix(values, featureCount, n, BINS), labels, BINS), labels };
}

describe('greedy MI feature selection', () => {
  it.each(CRITERIA)('%s picks the informative features first and not the duplicate second', (criterion) => {
    const { source } = searchLikeSample(600, 12, 11);
    const picks = selectFeatures(source, { maxFeatures: 3, criterion }).map((s) => s.feature);
    expect([1, 5]).toContain(picks[0]); // the strong feature or its identical copy (ties go to the lower index)
    expect(picks[1]).toBe(3);
  });

  it.each(CRITERIA)('%s stops instead of picking an exact copy when nothing else is left', (criterion) => {
    const { source } = searchLikeSample(600, 6, 12);
    // Restrict to the strong feature and its copy by building a 2-feature source.
    const two = createCountSource(
      Uint8Array.from([...source.featureBins(1), ...source.featureBins(5)]),
      source.labels,
      BINS,
    );
    const picks = selectFeatures(two, { maxFeatures: 2, criterion });
    expect(picks.map((s) => s.feature)).toEqual([0]);
  });

  it('shows why CMIM is the default: JMI re-picks a duplicate once two features are in', () => {
    // After picking 1 and 3, the copy 5 has I(5;Y|1) = 0 but I(5;Y|3) ≈ I(1;Y|3) large: JMI's mean is
    // large, CMIM's minimum is 0.
    const { source } = searchLikeSample(600, 8, 13);
    const jmi = selectFeatures(source, { maxFeatures: 3, criterion: 'jmi' }).map((s) => s.feature);
    const cmim = selectFeatures(source, { maxFeatures: 8, criterion: 'cmim' }).map((s) => s.feature);
    expect(jmi).toEqual([1, 3, 5]);
    expect(cmim.slice(0, 2)).toEqual([1, 3]);
    expect(cmim).not.toContain(5);
  });

  it('reports marginal bits, the gain, and the cumulative bits of the joint', () => {
    const { source, labels } = searchLikeSample(600, 12, 14);
    const picks = selectFeatures(source, { maxFeatures: 4, estimator: 'plugin', minGainBits: -Infinity });
    const [first] = picks;
    const firstMarginal = mutualInformationBits(source.featureCounts()[first!.feature]!, { x: BINS, y: 2 });
    expect(first!.marginalBits).toBeCloseTo(firstMarginal, 12);
    expect(first!.gainBits).toBe(first!.marginalBits);
    expect(first!.cumulativeBits).toBeCloseTo(firstMarginal, 12); // the joint of one feature is the feature
    // Plug-in I(S;Y) cannot fall as S grows (refining a partition) and cannot exceed H(Y).
    const labelEntropy = entropyBits([
      labels.length - labels.reduce((a, b) => a + b, 0),
      labels.reduce((a, b) => a + b, 0),
    ]);
    for (let i = 1; i < picks.length; i++)
      expect(picks[i]!.cumulativeBits).toBeGreaterThanOrEqual(picks[i - 1]!.cumulativeBits);
    expect(picks.at(-1)!.cumulativeBits).toBeLessThanOrEqual(labelEntropy + 1e-12);
    // The second pick's cumulative bits are the honest joint: I(F1,F3;Y) = I(F1;Y) + I(F3;Y|F1).
    const pair = source.pairCountsWith(first!.feature)[picks[1]!.feature]!;
    const joint = mutualInformationBits(pair, { x: BINS * BINS, y: 2 });
    expect(picks[1]!.cumulativeBits).toBeCloseTo(joint, 12);
  });

  it('returns nothing when no feature carries information', () => {
    const n = 50;
    const source = createCountSource(
      new Uint8Array(3 * n),
      Uint8Array.from({ length: n }, (_, i) => i % 2),
      BINS,
    );
    expect(selectFeatures(source, { maxFeatures: 3 })).toEqual([]);
  });

  it.skipIf(kernelStatus().backend === 'typescript')(
    'selects the same features with the same bits on the native kernels',
    () => {
      const { source, labels } = searchLikeSample(600, 40, 15);
      const binned = Uint8Array.from({ length: 40 * 600 }, (_, i) => source.featureBins(Math.floor(i / 600))[i % 600]!);
      const native = createCountSource(binned, labels, BINS, kernels);
      for (const criterion of CRITERIA) {
        expect(selectFeatures(native, { maxFeatures: 6, criterion })).toEqual(
          selectFeatures(source, { maxFeatures: 6, criterion }),
        );
      }
    },
  );
});
