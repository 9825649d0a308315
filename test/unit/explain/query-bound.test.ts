import { describe, expect, it } from 'vitest';
import { referenceKernels } from '../../../app/kernels/reference.ts';
import { logitScale, queryInfoNce, queryInformationBits } from '../../../app/explain/query-bound.ts';

/**
 * Closed forms on a two-level library: m rows with logit a, N − m rows with logit 0.
 * p(i|q) = e^a / Z for the m rows, 1/Z for the rest, Z = m·e^a + N − m.
 * InfoNCE with the m rows as positives: log N − (log Z − a).  H(p) = log Z − m·a·e^a / Z.
 */
const N = 1000;
const M = 40;
const A = 3; // nats

function twoLevel(scale: number): Float32Array {
  return Float32Array.from({ length: N }, (_, i) => (i < M ? A / scale : 0));
}
const Z = M * Math.exp(A) + N - M;
const tops = Uint32Array.from({ length: M }, (_, i) => i);

describe('query-side InfoNCE bound and query information', () => {
  it('equals log N − (log Z − a) bits for a two-level library, in either score unit', () => {
    const expected = (Math.log(N) - (Math.log(Z) - A)) / Math.LN2;
    for (const kind of ['pmi-bits', 'cosine'] as const) {
      const scale = logitScale(kind, 30);
      const { infoNce } = queryInfoNce(twoLevel(scale), tops, scale, referenceKernels);
      expect(infoNce.bits).toBeCloseTo(expected, 5);
      expect(infoNce).toMatchObject({ positives: M, candidates: N, ceilingBits: Math.log2(N) });
    }
  });

  it('does not move when a constant is added to every score (PMI vs logits)', () => {
    const scale = Math.LN2;
    const shifted = twoLevel(scale).map((v) => v - 7.25);
    const a = queryInfoNce(twoLevel(scale), tops, scale, referenceKernels);
    const b = queryInfoNce(shifted, tops, scale, referenceKernels);
    expect(b.infoNce.bits).toBeCloseTo(a.infoNce.bits, 5);
    expect(queryInformationBits(shifted, scale, b.lse)).toBeCloseTo(
      queryInformationBits(twoLevel(scale), scale, a.lse),
      5,
    );
  });

  it('query information is log2 N − H(p) for the two-level library, 0 for a flat one', () => {
    const scale = Math.LN2;
    const entropyNats = Math.log(Z) - (M * A * Math.exp(A)) / Z;
    const { lse } = queryInfoNce(twoLevel(scale), tops, scale, referenceKernels);
    expect(queryInformationBits(twoLevel(scale), scale, lse)).toBeCloseTo(Math.log2(N) - entropyNats / Math.LN2, 5);
    const flat = new Float32Array(N).fill(2);
    const flatBound = queryInfoNce(flat, tops, scale, referenceKernels);
    expect(flatBound.infoNce.bits).toBeCloseTo(0, 6);
    expect(queryInformationBits(flat, scale, flatBound.lse)).toBeCloseTo(0, 6);
  });

  it('gives rows at −∞ no probability (no NaN)', () => {
    const scores = new Float32Array(4).fill(-Infinity);
    scores[0] = 1;
    scores[1] = 1;
    const { infoNce, lse } = queryInfoNce(scores, Uint32Array.of(0, 1), 1, referenceKernels);
    expect(infoNce.bits).toBeCloseTo(1, 6); // log2 4 − log2 2
    expect(queryInformationBits(scores, 1, lse)).toBeCloseTo(1, 6);
  });
});
