// The map's layout against the comparator it replaced: trustworthiness at k = 10 (scikit-learn's
// definition) of our native UMAP and of umap-js, both on the same exact 15-NN graph of 5,000 real CLIP
// embeddings (Flickr8k, jittered up to size), must agree within 0.01.
import { describe, expect, it } from 'vitest';
import { UMAP } from 'umap-js';
import { kernels } from '../../../app/kernels/index.ts';
import { fitLayout } from '../../../app/map/layout.ts';
import { neighbourGraph } from '../../../app/map/neighbour-graph.ts';
import { trustworthiness } from '../../../app/map/trustworthiness.ts';
import { mulberry32 } from '../../../app/util/mulberry32.ts';
import { benchEmbeddings } from '../../helpers/map-embeddings.ts';

const N = 5000;

describe('layout quality', () => {
  it('is as trustworthy as umap-js on 5,000 real embeddings (within 0.01)', { timeout: 600_000 }, async () => {
    const matrix = benchEmbeddings(N);
    const ours = await fitLayout(matrix, { seed: 1 }, kernels);

    const graph = await neighbourGraph(matrix, 15, kernels);
    expect(graph.exact).toBe(true);
    const rows = (flat: Uint32Array | Float32Array) =>
      Array.from({ length: N }, (_, i) => Array.from(flat.subarray(i * 15, (i + 1) * 15)));
    const umap = new UMAP({ nComponents: 2, nNeighbors: 15, minDist: 0.1, random: mulberry32(1) });
    umap.setPrecomputedKNN(rows(graph.indices), rows(graph.distances));
    const epochs = umap.initializeFit(Array.from({ length: N }, () => []));
    for (let epoch = 0; epoch < epochs; epoch++) umap.step();
    const theirs = Float32Array.from(umap.getEmbedding().flat());

    // Euclidean distance between unit rows ranks as cosine distance does: 1 − s per row.
    const original = (i: number) =>
      kernels.scores(matrix, matrix.data.subarray(i * matrix.d, (i + 1) * matrix.d), 1).map((s) => 1 - s);
    const tOurs = trustworthiness(original, ours, 10);
    const tTheirs = trustworthiness(original, theirs, 10);
    console.log(`trustworthiness@10 on ${N}: ours ${tOurs.toFixed(4)}, umap-js ${tTheirs.toFixed(4)}`);
    expect(Math.abs(tOurs - tTheirs)).toBeLessThanOrEqual(0.01);
    expect(tOurs).toBeGreaterThan(0.9);
  });
});
