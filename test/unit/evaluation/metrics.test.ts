import { describe, expect, it } from 'vitest';
import { hubness } from '../../../app/evaluation/hubness.ts';
import { mcnemarExact } from '../../../app/evaluation/mcnemar.ts';
import { rankOf, summarizeRanks } from '../../../app/evaluation/rank-metrics.ts';
import { kernels } from '../../../app/kernels/index.ts';

describe('mcnemarExact', () => {
  it('matches the binomial tail computed by hand', () => {
    // b = 0, c = 5: 2 · (1/2)^5 = 0.0625.
    expect(mcnemarExact(0, 5).pValue).toBeCloseTo(0.0625, 12);
    // b = 2, c = 8: 2 · (C(10,0) + C(10,1) + C(10,2)) / 1024 = 2 · 56 / 1024.
    expect(mcnemarExact(8, 2).pValue).toBeCloseTo(112 / 1024, 12);
    // Balanced outcomes cannot reject: capped at 1.
    expect(mcnemarExact(3, 3).pValue).toBe(1);
    expect(mcnemarExact(0, 0).pValue).toBe(1);
  });

  it('stays finite for thousands of discordant pairs and agrees with the normal approximation', () => {
    const { pValue } = mcnemarExact(1100, 900);
    // z = (|b − c| − 1)/√(b + c) = 199/44.72 = 4.45 → two-sided p ≈ 8.6e-6 (continuity-corrected chi-square).
    expect(pValue).toBeGreaterThan(4e-6);
    expect(pValue).toBeLessThan(1.5e-5);
  });
});

describe('hubness', () => {
  it('counts k-occurrences, their skewness and the images never in a top k', () => {
    // 4 images, top 2 of 3 queries: N = [3, 1, 2, 0].
    const h = hubness([Uint32Array.from([0, 1]), Uint32Array.from([0, 2]), Uint32Array.from([2, 0, 1])], 4, 2);
    // mean 1.5, deviations 1.5, −0.5, 0.5, −1.5: m2 = 1.25, m3 = 0 → skewness 0.
    expect(h).toEqual({ k: 2, skewness: 0, neverInTopK: 1, maxOccurrence: 3 });
    // One hub in every list: N = [3, 1, 1, 1] (k = 2) → m2 = 0.75, m3 = (3.375 − 3·0.125)/4 = 0.75, skew = 0.75/0.75^1.5.
    const hub = hubness([Uint32Array.from([0, 1]), Uint32Array.from([0, 2]), Uint32Array.from([0, 3])], 4, 2);
    expect(hub.skewness).toBeCloseTo(0.75 / 0.75 ** 1.5, 12);
    expect(hub.neverInTopK).toBe(0);
  });
});

describe('ranks', () => {
  it('ranks a target where kernels.topK puts it, ties going to the lower index', () => {
    const scores = Float32Array.from([0.5, 0.9, 0.5, NaN, 0.1, 0.5]);
    const order = Array.from(kernels.topK(scores, scores.length).indices);
    for (let i = 0; i < scores.length; i++) expect(rankOf(scores, i)).toBe(order.indexOf(i) + 1);
  });

  it('summarises recall in percent, the median of an even count and the mean', () => {
    const s = summarizeRanks([1, 1, 3, 7, 12, 2]);
    expect(s.recallAt).toEqual({ 1: (100 * 2) / 6, 5: (100 * 4) / 6, 10: (100 * 5) / 6 });
    expect(s.medianRank).toBe(2.5);
    expect(s.meanRank).toBeCloseTo(26 / 6, 12);
  });
});
