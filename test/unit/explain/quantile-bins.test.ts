import { describe, expect, it } from 'vitest';
import { binFeatureMatrix } from '../../../app/mi/equal-frequency-bins.ts';
import { quantileBinMatrix } from '../../../app/explain/quantile-bins.ts';
import { uniformSource } from '../mi/helpers/random.ts';

// The fast path must reproduce app/mi's sort-based rule (its reference) bin for bin, ties included.
function matrix(featureCount: number, sampleCount: number, seed: number, levels: number): Float32Array {
  const uniform = uniformSource(seed);
  // `levels` distinct values per feature: few levels force heavy ties and spilled (empty) bins.
  return Float32Array.from({ length: featureCount * sampleCount }, () => Math.floor(uniform() * levels) / levels - 0.5);
}

describe('quantile binning (fast path of the equal-frequency rule)', () => {
  it.each([
    { bins: 8, sampleCount: 1050, levels: 1e6 },
    { bins: 8, sampleCount: 1050, levels: 5 },
    { bins: 2, sampleCount: 301, levels: 3 },
    { bins: 16, sampleCount: 97, levels: 40 },
    { bins: 8, sampleCount: 5, levels: 1e6 }, // fewer samples than bins
    { bins: 255, sampleCount: 1000, levels: 1e6 },
  ])('matches binFeatureMatrix: $bins bins, $sampleCount samples, $levels levels', ({ bins, sampleCount, levels }) => {
    const values = matrix(20, sampleCount, bins * 1000 + sampleCount, levels);
    expect(quantileBinMatrix(values, 20, sampleCount, bins)).toEqual(binFeatureMatrix(values, 20, sampleCount, bins));
  });

  it('puts a constant feature entirely in bin 0 and keeps equal values together', () => {
    const values = new Float32Array(2 * 10);
    values.fill(0.3, 0, 10);
    values.set([1, 1, 1, 1, 1, 1, 2, 3, 4, 5], 10);
    const binned = quantileBinMatrix(values, 2, 10, 4);
    expect([...binned.subarray(0, 10)]).toEqual(new Array(10).fill(0));
    // Six tied 1s fill bin 0 and spill over bin 1 (left empty); 2 has rank 6 → bin ⌊6·4/10⌋ = 2.
    expect([...binned.subarray(10)]).toEqual([0, 0, 0, 0, 0, 0, 2, 2, 3, 3]);
  });

  it('refuses non-finite values and wrong shapes with the position', () => {
    const values = new Float32Array(6);
    values[4] = NaN;
    expect(() => quantileBinMatrix(values, 2, 3, 2)).toThrow(/position 4/);
    expect(() => quantileBinMatrix(new Float32Array(5), 2, 3, 2)).toThrow(/feature-major/);
    expect(() => quantileBinMatrix(new Float32Array(6), 2, 3, 0)).toThrow(/bin count/);
  });
});
