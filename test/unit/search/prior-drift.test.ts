import { describe, expect, it } from 'vitest';
import { loadEmbeddingSet } from '../../../app/evaluation/embedding-set.ts';
import { kernels } from '../../../app/kernels/index.ts';
import {
  addPriorRows,
  GROWTH_BEFORE_RECOMPUTE,
  pickRows,
  PRIOR_ERROR_BOUND_NATS,
  priorTau,
  type QueryBank,
} from '../../../app/search/image-prior.ts';

// Real CLIP ViT-B/32 photos (Flickr8k dev images) with real captions as the bank (the test split's, a
// stand-in for the concept prompts): the incremental prior is compared with a full recompute as photos
// arrive in batches, up to the growth at which the product recomputes (GROWTH_BEFORE_RECOMPUTE).
const set = loadEmbeddingSet({
  folder: '/work/shared/real-embeddings/flickr8k-clip-vit-b32',
  images: 'flickr8k_hf_val_image_embs.npy',
  queries: 'flickr8k_hf_val_text_embs.npy',
  bank: 'flickr8k_hf_test_text_embs.npy',
});
const TAU = 100;
const allBank = set.bank!;
const firstCaptions = (nb: number): QueryBank => ({ vectors: allBank.vectors.slice(0, nb * set.images.d), nb });
const rowsFrom = (start: number, count: number) => Array.from({ length: count }, (_, k) => start + k);

/** Start from a full prior over `start` photos, add `batch` at a time while the rule allows; the error each step. */
function grow(start: number, batch: number, bank: QueryBank) {
  const scale = priorTau(TAU);
  const first = pickRows(set.images, rowsFrom(0, start));
  let lse = kernels.bankLogSumExp(first, bank.vectors, bank.nb, scale);
  let logPrior = kernels.logPrior(first, bank.vectors, bank.nb, scale, lse);
  let n = start;
  const steps: { n: number; maxError: number; medianError: number; mass: number }[] = [];
  while (n + batch <= (1 + GROWTH_BEFORE_RECOMPUTE) * start) {
    const grown = new Float32Array(n + batch);
    grown.set(logPrior);
    lse = addPriorRows(grown, lse, pickRows(set.images, rowsFrom(n, batch)), rowsFrom(n, batch), bank, scale);
    logPrior = grown;
    n += batch;
    const exact = kernels.logPrior(pickRows(set.images, rowsFrom(0, n)), bank.vectors, bank.nb, scale);
    const errors = Array.from(logPrior, (v, i) => Math.abs(v - exact[i]!)).sort((a, b) => a - b);
    steps.push({
      n,
      maxError: errors.at(-1)!,
      medianError: errors[n >> 1]!,
      mass: logPrior.reduce((sum, v) => sum + Math.exp(v), 0),
    });
  }
  return steps;
}

describe('incremental image prior on real CLIP embeddings', () => {
  it.each([
    [300, 8, 1000],
    [300, 1, 300],
    [300, 30, 1000],
    [100, 8, 300],
    [30, 3, 100],
  ])(
    'from %i photos adding %i at a time (bank %i): every stored log-prior within the allowed error',
    (start, batch, nb) => {
      const steps = grow(start, batch, firstCaptions(nb));
      expect(steps.length).toBeGreaterThan(0); // the rule lets these additions through without a recompute
      for (const step of steps) {
        expect(step.maxError, `after ${step.n} photos`).toBeLessThanOrEqual(PRIOR_ERROR_BOUND_NATS);
        expect(step.medianError, `after ${step.n} photos`).toBeLessThanOrEqual(0.05);
        // p̂ is a mean of distributions over the library, so it sums to 1: the kept-mass shift keeps that exact.
        expect(step.mass).toBeCloseTo(1, 4);
      }
    },
  );

  it('needs that shift: without it, adding 8% of photos already moves stored priors by more than the bound', () => {
    const bank = firstCaptions(1000);
    const scale = priorTau(TAU);
    const first = pickRows(set.images, rowsFrom(0, 100));
    const lse = kernels.bankLogSumExp(first, bank.vectors, bank.nb, scale);
    const stored = kernels.logPrior(first, bank.vectors, bank.nb, scale, lse);
    const exact = kernels.logPrior(pickRows(set.images, rowsFrom(0, 108)), bank.vectors, bank.nb, scale);
    const unshifted = Math.max(...Array.from(stored, (v, i) => Math.abs(v - exact[i]!)));
    expect(unshifted).toBeGreaterThan(PRIOR_ERROR_BOUND_NATS / 3);
  });
});
