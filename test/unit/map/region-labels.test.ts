import { describe, expect, it } from 'vitest';
import { explainRanking } from '../../../app/explain/explain.ts';
import { kernels } from '../../../app/kernels/index.ts';
import { labelRegions, type Concepts } from '../../../app/map/region-labels.ts';
import { mulberry32 } from '../../../app/util/mulberry32.ts';
import { benchEmbeddings } from '../../helpers/map-embeddings.ts';

/**
 * The regions' names come from one shared pass of concept scores; they must be the names the
 * per-region explanation (each region scoring its own sample against every concept, as before) gives.
 */
describe('region names', () => {
  it('are the per-region explanation’s names, from one shared pass of concept scores', () => {
    const all = benchEmbeddings(2400, 7);
    const d = all.d;
    const data = all.data as Float32Array;
    // 2,000 photos of real CLIP embeddings; their regions are the nearest of 8 of them (a partition the
    // concepts can describe); 400 other embeddings play the concept prompts.
    const n = 2000;
    const matrix = { dtype: 'f32' as const, data: data.subarray(0, n * d), n, d };
    const concepts: Concepts = {
      names: Array.from({ length: 400 }, (_, c) => `concept ${c}`),
      embeddings: data.slice(n * d, 2400 * d),
    };
    const regionCount = 8;
    const random = mulberry32(11);
    const centres = Array.from({ length: regionCount }, () => Math.floor(random() * n));
    const assignment = new Uint16Array(n);
    for (let i = 0; i < n; i++) {
      let best = -Infinity;
      centres.forEach((centre, region) => {
        let dot = 0;
        for (let j = 0; j < d; j++) dot += data[i * d + j]! * data[centre * d + j]!;
        if (dot > best) {
          best = dot;
          assignment[i] = region;
        }
      });
    }
    const tau = 100;
    const seed = 3;

    const perRegion = Array.from({ length: regionCount }, (_, region) => {
      const size = assignment.filter((r) => r === region).length;
      if (size < 5 || size >= n) return [];
      const draw = mulberry32(seed + region);
      const rowScores = Float32Array.from(assignment, (r) => (r === region ? 1 + draw() : 0));
      const result = explainRanking(
        {
          matrix,
          rowScores,
          scoreKind: 'cosine',
          features: { kind: 'concepts', names: concepts.names, embeddings: concepts.embeddings },
          k: Math.min(size, 200),
          background: 1000,
          maxFeatures: 3,
          tau,
          seed,
        },
        kernels,
      );
      return result.selected.filter((f) => f.direction === 'higher').map((f) => ({ name: f.name, bits: f.gainBits }));
    });

    const shared = labelRegions(matrix, assignment, regionCount, concepts, tau, seed, kernels);
    expect(shared).toEqual(perRegion);
    // Not a vacuous match: most regions are named.
    expect(perRegion.filter((names) => names.length > 0).length).toBeGreaterThanOrEqual(regionCount / 2);
  });
});
