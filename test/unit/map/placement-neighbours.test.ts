import { describe, expect, it } from 'vitest';
import { kernels } from '../../../app/kernels/index.ts';
import type { EmbeddingMatrix } from '../../../app/kernels/contract.ts';
import { placementNeighbours, placementPlan } from '../../../app/map/placement-neighbours.ts';
import { benchEmbeddings } from '../../helpers/map-embeddings.ts';

// Real CLIP embeddings (Flickr8k, jittered up to size): a 10,000-photo map in f16, as the index keeps it,
// and 1,000 held-out photos to place on it. The truth is the exact search (the native brute-force knn).
const K = 15;
const MAP = 10_000;
const NEW = 1_000;
const all = benchEmbeddings(MAP + NEW, 1);
const d = all.d;
const base: EmbeddingMatrix = {
  dtype: 'f16',
  data: kernels.f32ToF16((all.data as Float32Array).subarray(0, MAP * d)),
  n: MAP,
  d,
};
const held = (all.data as Float32Array).slice(MAP * d);
const baseF32 = kernels.f16ToF32(base.data as Uint16Array);

function recall(found: Uint32Array, truth: Uint32Array, nq: number): number {
  let hits = 0;
  for (let q = 0; q < nq; q++) {
    const exact = new Set(truth.subarray(q * K, (q + 1) * K));
    for (const j of found.subarray(q * K, (q + 1) * K)) hits += exact.has(j) ? 1 : 0;
  }
  return hits / (nq * K);
}

describe('placement neighbours', () => {
  it('finds ≥ 95 % of the exact 15 nearest map photos of 1,000 held-out photos on a 10,000-photo map', () => {
    expect(placementPlan(MAP, NEW).exact).toBe(false); // the inverted file is what is measured here
    const found = placementNeighbours(base, K, held, NEW, kernels);
    const truth = kernels.knn(base, K, held, NEW);
    expect(recall(found.indices, truth.indices, NEW)).toBeGreaterThanOrEqual(0.95);
  });

  it('returns each photo’s neighbours best first with their true inner products, no row twice', () => {
    const found = placementNeighbours(base, K, held, NEW, kernels);
    for (let q = 0; q < NEW; q += 37) {
      const rows = Array.from(found.indices.subarray(q * K, (q + 1) * K));
      expect(new Set(rows).size).toBe(K);
      rows.forEach((row, j) => {
        let dot = 0;
        for (let c = 0; c < d; c++) dot += held[q * d + c]! * baseF32[row * d + c]!;
        expect(found.similarities[q * K + j]).toBeCloseTo(dot, 4);
        if (j > 0) expect(found.similarities[q * K + j]!).toBeLessThanOrEqual(found.similarities[q * K + j - 1]!);
      });
    }
  });

  it('searches exactly when only a few photos are new', () => {
    const few = 40;
    expect(placementPlan(MAP, few).exact).toBe(true);
    const found = placementNeighbours(base, K, held.subarray(0, few * d), few, kernels);
    const truth = kernels.knn(base, K, held.subarray(0, few * d), few);
    expect(Array.from(found.indices)).toEqual(Array.from(truth.indices));
  });
});
