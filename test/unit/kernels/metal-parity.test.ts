// The GPU (Metal) kernels against the C++ path, the reference (docs/architecture.md: identical top-k ids,
// scores and log-sum-exp within 1e-3). Metal exists only in macOS builds, and serves only after its start
// (app/kernels/metal-check.ts: a GPU family with SIMD reductions, a known-answer search pass equal to the
// C++ one). Where it does not serve — not macOS, or a GPU that was refused, as on GitHub's hosted runners
// with their paravirtual GPU — these tests are skipped with the reason in their name; the refusal itself
// is checked below.
import { describe, expect, it } from 'vitest';
import type { EmbeddingMatrix, SearchPassResult } from '../../../app/kernels/contract.ts';
import {
  gpuAbsence,
  gpuDecided,
  kernels,
  kernelStatus,
  metalKernels,
  nativeCpuKernels,
  nativePageOffset,
} from '../../../app/kernels/index.ts';
import { allocateMatrix } from '../../../app/kernels/matrix.ts';
import { referenceKernels as ref } from '../../../app/kernels/reference.ts';
import { gridValues, matrixOf, randomMask, unitRows } from './fixtures.ts';

await gpuDecided();
const absence = gpuAbsence();
const onMac = absence === undefined; // the GPU passed its start and serves
const skipped = absence === undefined ? '' : `(skipped: ${absence})`;
// n not a multiple of the 256-row threadgroup, k below, at and above it, d below and above the SIMD width.
const shapes = [
  { n: 1, d: 3, k: 5 },
  { n: 257, d: 33, k: 10 },
  { n: 4097, d: 64, k: 300 },
  { n: 50_000, d: 512, k: 50 },
];

/** A matrix of `values` placed as the library places them (page-aligned: the no-copy path). */
function placed(dtype: 'f32' | 'f16', values: Float32Array, n: number, d: number): EmbeddingMatrix {
  const matrix = allocateMatrix(dtype, n, d);
  if (matrix.dtype === 'f32') matrix.data.set(values);
  else matrix.data.set(kernels.f32ToF16(values));
  return matrix;
}

async function onGpu(...args: Parameters<typeof kernels.searchPass>): Promise<SearchPassResult> {
  const pass = metalKernels()!.metalSearchPassAsync(...args);
  expect(pass).not.toBeNull();
  return (await pass)!;
}

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-3 * Math.max(1, Math.abs(b));

describe('Metal kernels', () => {
  it.skipIf(process.platform !== 'darwin' || onMac)(
    `a Mac whose GPU was refused says why, and the C++ threads serve the search ${skipped || '(skipped: the GPU serves)'}`,
    async () => {
      expect(kernelStatus().metal).toHaveProperty('unavailable', expect.stringContaining('the C++ threads serve'));
      expect(metalKernels()).toBeUndefined();
      const matrix = placed('f16', unitRows(1000, 16, 1), 1000, 16);
      await kernels.searchPassAsync(matrix, unitRows(1, 16, 2), 100, 5);
      expect(kernelStatus().lastRun.searchPass).toBe('native-cpu');
    },
  );

  it.skipIf(!onMac)(`the GPU serves the search pass on macOS ${skipped}`, async () => {
    expect(kernelStatus().metal).toHaveProperty('device');
    const matrix = placed('f16', unitRows(1000, 16, 1), 1000, 16);
    await kernels.searchPassAsync(matrix, unitRows(1, 16, 2), 100, 5);
    expect(kernelStatus().lastRun.searchPass).toBe('metal');
    expect(kernelStatus().metal).toHaveProperty('lastMatrix', 'wrapped in place (no copy)');
    kernels.searchPass(matrix, unitRows(1, 16, 2), 100, 5); // synchronous: the C++ threads, never a GPU wait
    expect(kernelStatus().lastRun.searchPass).toBe('native-cpu');
  });

  it.skipIf(!onMac)(`matrices are placed on a VM page, so the GPU wraps them without a copy ${skipped}`, () => {
    const matrix = allocateMatrix('f16', 3000, 64);
    const { pageBytes, offset } = nativePageOffset()!(matrix.data.buffer as ArrayBuffer);
    expect((offset + matrix.data.byteOffset) % pageBytes).toBe(0);
  });

  describe.each(['f32', 'f16'] as const)('%s matrix', (dtype) => {
    it.skipIf(!onMac).each(shapes)(
      `search pass on grid data: ids, values and scores equal the C++ path, lse and entropy within 1e-3, with and without a mask (n=$n d=$d k=$k) ${skipped}`,
      async ({ n, d, k }) => {
        const cpu = nativeCpuKernels()!;
        // Grid data: every product and sum is exact in any order, so ties are real ties and must break alike.
        const matrix = placed(dtype, gridValues(n * d, n + d), n, d);
        const query = gridValues(d, 7 * d);
        for (const mask of [undefined, randomMask(n, k)]) {
          const ours = await onGpu(matrix, query, 64, k, mask, true);
          const theirs = cpu.searchPass(matrix, query, 64, k, mask, true);
          expect(ours.indices).toEqual(theirs.indices);
          expect(ours.values).toEqual(theirs.values);
          expect(ours.scores).toEqual(theirs.scores);
          expect(close(ours.lse, theirs.lse)).toBe(true);
          expect(close(ours.entropy, theirs.entropy)).toBe(true);
        }
      },
    );

    it.skipIf(!onMac).each(shapes)(
      `search pass on unit vectors: scores, lse and entropy within 1e-3 of the C++ path, ids the ranking of its own scores (n=$n d=$d k=$k) ${skipped}`,
      async ({ n, d, k }) => {
        const cpu = nativeCpuKernels()!;
        const matrix = placed(dtype, unitRows(n, d, n * 31 + d), n, d);
        const query = unitRows(1, d, 99);
        const ours = await onGpu(matrix, query, 100, k, undefined, true);
        const theirs = cpu.searchPass(matrix, query, 100, k, undefined, true);
        for (let i = 0; i < n; i++) expect(Math.abs(ours.scores![i]! - theirs.scores![i]!)).toBeLessThanOrEqual(1e-3);
        expect(close(ours.lse, theirs.lse)).toBe(true);
        expect(close(ours.entropy, theirs.entropy)).toBe(true);
        expect(ours.indices).toEqual(ref.topK(ours.scores!, k).indices);
      },
    );

    it.skipIf(!onMac).each(shapes)(
      `batch scores equal the C++ path on grid data, within 1e-3 on unit vectors (n=$n d=$d) ${skipped}`,
      async ({ n, d }) => {
        const cpu = nativeCpuKernels()!;
        const grid = placed(dtype, gridValues(n * d, 3), n, d);
        const queries = gridValues(3 * d, 4);
        expect(await metalKernels()!.metalScoresAsync(grid, queries, 3)).toEqual(cpu.scores(grid, queries, 3));
        const matrix = placed(dtype, unitRows(n, d, 5), n, d);
        const unit = unitRows(2, d, 6);
        const ours = (await metalKernels()!.metalScoresAsync(matrix, unit, 2))!;
        const theirs = cpu.scores(matrix, unit, 2);
        for (let i = 0; i < theirs.length; i++) expect(Math.abs(ours[i]! - theirs[i]!)).toBeLessThanOrEqual(1e-3);
      },
    );
  });

  it.skipIf(!onMac)(`ties go to the lower index and NaN ranks last, as on the CPU ${skipped}`, async () => {
    const n = 1000,
      d = 8;
    const values = new Float32Array(n * d).fill(0.25); // every row the same: all scores tie
    values.fill(NaN, 500 * d, 501 * d); // row 500 scores NaN
    const matrix = placed('f32', values, n, d);
    const query = new Float32Array(d).fill(1);
    const ours = await onGpu(matrix, query, 10, n);
    const theirs = nativeCpuKernels()!.searchPass(matrix, query, 10, n);
    expect(ours.indices).toEqual(theirs.indices);
    expect(ours.indices[n - 1]).toBe(500);
    expect(Array.from(ours.indices.subarray(0, 5))).toEqual([0, 1, 2, 3, 4]);
    expect(ours.lse).toBeNaN();
    expect(theirs.lse).toBeNaN();
  });

  it.skipIf(!onMac)(`copies memory it cannot wrap (not on a page), with the same results ${skipped}`, async () => {
    const n = 3000,
      d = 16;
    const data = new Float32Array(n * d + 1).subarray(1); // 4 bytes past wherever the buffer starts
    data.set(gridValues(n * d, 8));
    const matrix: EmbeddingMatrix = { dtype: 'f32', data, n, d };
    const query = gridValues(d, 9);
    const ours = await onGpu(matrix, query, 64, 20);
    expect(ours.indices).toEqual(nativeCpuKernels()!.searchPass(matrix, query, 64, 20).indices);
    expect(kernelStatus().metal).toHaveProperty('lastMatrix', 'copied (not placed on a VM page)');
  });

  it.skipIf(!onMac)(`declines i8 matrices, which the C++ threads then serve ${skipped}`, async () => {
    const matrix = matrixOf('i8', gridValues(500 * 8, 1), 500, 8);
    const query = gridValues(8, 2);
    expect(metalKernels()!.metalSearchPassAsync(matrix, query, 10, 5)).toBeNull();
    const pass = await kernels.searchPassAsync(matrix, query, 10, 5);
    expect(pass.indices).toEqual(nativeCpuKernels()!.searchPass(matrix, query, 10, 5).indices);
    expect(kernelStatus().lastRun.searchPass).toBe('native-cpu');
  });
});
