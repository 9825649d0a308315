// The Metal score kernel against the native CPU path (docs/architecture.md: identical top-k ids, scores
// within 1e-3). Metal exists only on macOS; elsewhere these tests are reported as skipped.
import { describe, expect, it } from 'vitest';
import { kernels, kernelStatus, metalScores, nativeCpuScores } from '../../../app/kernels/index.ts';
import { allocateMatrix } from '../../../app/kernels/matrix.ts';
import { gridValues, unitRows } from './fixtures.ts';

const onMac = process.platform === 'darwin';

describe('Metal scores', () => {
  it.skipIf(!onMac)('Metal backend is active on macOS (skipped: not macOS, no Metal)', () => {
    expect(kernelStatus().backend).toBe('metal');
  });

  it.skipIf(!onMac).each([
    { n: 1, d: 3, nq: 1 },
    { n: 4097, d: 33, nq: 3 },
    { n: 50_000, d: 512, nq: 2 },
  ])(
    'f32 and f16 scores match the CPU within 1e-3, top-k ids identical (n=$n d=$d) (skipped: not macOS, no Metal)',
    ({ n, d, nq }) => {
      const gpu = metalScores()!;
      const cpu = nativeCpuScores()!;
      const queries = unitRows(nq, d, 2);
      for (const dtype of ['f32', 'f16'] as const) {
        const matrix = allocateMatrix(dtype, n, d);
        const rows = unitRows(n, d, 1);
        if (matrix.dtype === 'f32') matrix.data.set(rows);
        else matrix.data.set(kernels.f32ToF16(rows));
        const ours = gpu(matrix, queries, nq)!;
        expect(ours).not.toBeNull();
        const theirs = cpu(matrix, queries, nq);
        for (let i = 0; i < ours.length; i++) expect(Math.abs(ours[i]! - theirs[i]!)).toBeLessThanOrEqual(1e-3);
        // Grid data: exact sums in any order, so the rankings must agree id for id.
        const grid = allocateMatrix(dtype, n, d);
        const values = gridValues(n * d, 3);
        if (grid.dtype === 'f32') grid.data.set(values);
        else grid.data.set(kernels.f32ToF16(values));
        const query = gridValues(d, 4);
        const k = Math.min(n, 50);
        expect(kernels.topK(gpu(grid, query, 1)!, k).indices).toEqual(kernels.topK(cpu(grid, query, 1), k).indices);
      }
    },
  );

  it.skipIf(!onMac)(
    'declines memory it cannot map without a copy, so the CPU path is used (skipped: not macOS, no Metal)',
    () => {
      const data = new Float32Array(1000 * 8 + 1).subarray(1); // a buffer that is not a page multiple
      expect(metalScores()!({ dtype: 'f32', data, n: 1000, d: 8 }, new Float32Array(8), 1)).toBeNull();
      expect(kernels.scores({ dtype: 'f32', data, n: 1000, d: 8 }, new Float32Array(8), 1)).toHaveLength(1000);
    },
  );
});
