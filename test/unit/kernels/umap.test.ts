// The UMAP layout kernel: native (native/src/umap.cc) against its TypeScript twin (app/kernels/
// umap-reference.ts) epoch by epoch, and the native layout's own promises (seeded, cancellable, checked
// arguments). Its quality against umap-js is test/unit/map/layout-quality.test.ts.
import { describe, expect, it } from 'vitest';
import { forcePortableKernels, kernels } from '../../../app/kernels/index.ts';
import { referenceKernels as ref } from '../../../app/kernels/reference.ts';
import type { LayoutGraph } from '../../../app/kernels/contract.ts';
import { fitCurve } from '../../../app/map/curve-fit.ts';
import { unitRows } from './fixtures.ts';

const { a, b } = fitCurve(0.1);
const n = 300;
const d = 24;
const k = 15;

function graphOf(rows: Float32Array): LayoutGraph {
  const { indices, similarities } = ref.knn({ dtype: 'f32', data: rows, n, d }, k);
  return { k, indices, distances: similarities.map((s) => Math.max(0, 1 - s)) };
}
const graph = graphOf(unitRows(n, d, 11));

describe('UMAP layout kernel', () => {
  it.each([1, 2, 5])('native and reference agree after %i epochs (same draws, same fixed-point sums)', (epochs) => {
    const settings = { seed: 3, epochs, a, b };
    const native = kernels.umapLayout(graph, settings);
    const reference = ref.umapLayout(graph, settings);
    let worst = 0;
    for (let i = 0; i < 2 * n; i++) worst = Math.max(worst, Math.abs(native[i]! - reference[i]!));
    // Both start in [0, 10]²; only the gradients' float vs double rounding differs.
    expect(worst).toBeLessThan(1e-3);
  });

  it('gives the same bits with the AVX2 loops as with the portable ones', () => {
    const settings = { seed: 4, epochs: 30, a, b };
    forcePortableKernels(true);
    let portable: Float32Array;
    try {
      portable = kernels.umapLayout(graph, settings);
    } finally {
      forcePortableKernels(false);
    }
    expect(Array.from(kernels.umapLayout(graph, settings))).toEqual(Array.from(portable));
  });

  it('starts from given positions, rescaled to [0, 10]² as umap-learn does', () => {
    const init = Float32Array.from({ length: 2 * n }, (_, i) => (i % 2 === 0 ? i / 2 : -i));
    const settings = { seed: 3, epochs: 1, a, b, init };
    const native = kernels.umapLayout(graph, settings);
    const reference = ref.umapLayout(graph, settings);
    for (let i = 0; i < 2 * n; i++) expect(native[i]).toBeCloseTo(reference[i]!, 3);
  });

  it('gives the same layout for the same seed and another for another seed', async () => {
    const first = await kernels.umapLayoutAsync(graph, { seed: 5, epochs: 50, a, b });
    const again = await kernels.umapLayoutAsync(graph, { seed: 5, epochs: 50, a, b });
    const other = await kernels.umapLayoutAsync(graph, { seed: 6, epochs: 50, a, b });
    expect(Array.from(again)).toEqual(Array.from(first));
    expect(Array.from(other)).not.toEqual(Array.from(first));
  });

  it('reports its epochs and stops when cancelled', async () => {
    const control = new Int32Array(new SharedArrayBuffer(16));
    await kernels.umapLayoutAsync(graph, { seed: 1, epochs: 7, a, b }, control);
    expect(Array.from(control)).toEqual([0, 2, 7, 7]);
    control[0] = 1;
    await expect(kernels.umapLayoutAsync(graph, { seed: 1, epochs: 7, a, b }, control)).rejects.toThrow(/cancelled/);
  });

  it('refuses a graph whose shapes do not agree, naming the argument', () => {
    const bad = { ...graph, distances: graph.distances.subarray(1) };
    expect(() => kernels.umapLayout(bad, { seed: 1, epochs: 1, a, b })).toThrow(/distances/);
    const outOfRange = { ...graph, indices: graph.indices.map((i) => (i === 0 ? n : i)) };
    expect(() => kernels.umapLayout(outOfRange, { seed: 1, epochs: 1, a, b })).toThrow(/below n/);
    expect(() => kernels.umapLayout(graph, { seed: 1, epochs: 0, a, b })).toThrow(/epochs/);
  });
});
