// The native kernels against the TypeScript reference, with both the AVX2/F16C loops and the portable
// loops, on seeded data: exact agreement on grid data (ids, ties, counts), tolerances on continuous data.
import { afterAll, describe, expect, it } from 'vitest';
import type { EmbeddingMatrix } from '../../../app/kernels/contract.ts';
import { forcePortableKernels, kernels, kernelStatus } from '../../../app/kernels/index.ts';
import { referenceKernels as ref } from '../../../app/kernels/reference.ts';
import { gridValues, matrixOf, randomMask, rng, unitRows } from './fixtures.ts';

const shapes = [
  { n: 1, d: 1, k: 5 }, // n < k
  { n: 37, d: 7, k: 10 }, // d below one SIMD step
  { n: 1000, d: 33, k: 17 }, // d not a multiple of 8 or 16
  { n: 5000, d: 64, k: 100 }, // several tasks per thread
  { n: 300, d: 512, k: 300 }, // k = n
];
const dtypes = ['f32', 'f16', 'i8'] as const;

it('loads the native addon (set EIDOS_KERNELS=typescript to test the fallback alone)', () => {
  expect(kernelStatus().backend).not.toBe('typescript');
});

describe.each([false, true])('native kernels vs reference, portable loops: %s', (portable) => {
  forcePortableKernels(portable);
  afterAll(() => forcePortableKernels(false));

  describe.each(dtypes)('%s matrix', (dtype) => {
    it.each(shapes)('scores and the search pass agree exactly on grid data (n=$n d=$d k=$k)', ({ n, d, k }) => {
      forcePortableKernels(portable);
      const matrix = matrixOf(dtype, gridValues(n * d, n + d), n, d);
      const queries = gridValues(3 * d, 7 * d);
      expect(kernels.scores(matrix, queries, 3)).toEqual(ref.scores(matrix, queries, 3));
      const query = queries.subarray(0, d);
      const mask = randomMask(n, k);
      for (const m of [undefined, mask]) {
        const ours = kernels.searchPass(matrix, query, 64, k, m, true);
        const theirs = ref.searchPass(matrix, query, 64, k, m, true);
        expect(ours.indices).toEqual(theirs.indices);
        expect(ours.values).toEqual(theirs.values);
        expect(ours.scores).toEqual(theirs.scores);
        expect(Math.abs(ours.lse - theirs.lse)).toBeLessThanOrEqual(1e-5 * Math.abs(theirs.lse));
        expect(Math.abs(ours.entropy - theirs.entropy)).toBeLessThanOrEqual(1e-5 * Math.max(1, theirs.entropy));
      }
    });
  });

  it.each(shapes)('continuous unit vectors: scores within 1e-4 (f32) and 1e-2 (f16) (n=$n d=$d)', ({ n, d, k }) => {
    forcePortableKernels(portable);
    const rows = unitRows(n, d, n * 31 + d);
    const query = unitRows(1, d, 99);
    for (const [dtype, tolerance] of [
      ['f32', 1e-4],
      ['f16', 1e-2],
    ] as const) {
      const matrix: EmbeddingMatrix = matrixOf(dtype, rows, n, d);
      const ours = kernels.scores(matrix, query, 1);
      const theirs = ref.scores(matrix, query, 1);
      for (let i = 0; i < n; i++) expect(Math.abs(ours[i]! - theirs[i]!)).toBeLessThanOrEqual(tolerance);
      // ids: the native ranking of its own scores is the reference ranking of those scores
      const pass = kernels.searchPass(matrix, query, 100, k);
      expect(pass.indices).toEqual(
        ref.topK(
          kernels.scores(matrix, query, 1).map((s) => Math.fround(100 * s)),
          k,
        ).indices,
      );
      const lse = ref.logSumExp(theirs, 100);
      expect(Math.abs(pass.lse - lse)).toBeLessThanOrEqual(1e-5 * Math.abs(lse) + 100 * tolerance);
    }
  });

  it('top-k breaks ties by lower index, ranks NaN last and honours the mask, like the reference', () => {
    const next = rng(5);
    const values = Float32Array.from({ length: 200_000 }, () => Math.floor(next() * 50) - 25);
    values[17] = NaN;
    values[123_456] = Infinity;
    values[99] = -Infinity;
    const mask = randomMask(values.length, 3);
    for (const k of [0, 1, 10, 1000]) {
      expect(kernels.topK(values, k)).toEqual(ref.topK(values, k));
      expect(kernels.topK(values, k, mask)).toEqual(ref.topK(values, k, mask));
    }
    const all = kernels.topK(values.subarray(0, 120), 500);
    expect(all).toEqual(ref.topK(values.subarray(0, 120), 500));
    expect(Array.from(all.indices.slice(-2))).toEqual([17, 99]); // NaN ranks as −inf: tied with index 99, lower index first
  });

  it('log-sum-exp within 1e-5 relative, with ±inf and NaN handled like the reference', () => {
    const values = unitRows(1, 100_003, 8);
    for (const scale of [1, 100, -3]) {
      const theirs = ref.logSumExp(values, scale);
      expect(Math.abs(kernels.logSumExp(values, scale) - theirs)).toBeLessThanOrEqual(1e-5 * Math.abs(theirs));
    }
    expect(kernels.logSumExp(new Float32Array(0), 1)).toBe(-Infinity);
    expect(kernels.logSumExp(new Float32Array([1, Infinity]), 1)).toBe(Infinity);
    expect(kernels.logSumExp(new Float32Array([-Infinity, -Infinity]), 1)).toBe(-Infinity);
    expect(kernels.logSumExp(new Float32Array([1, NaN]), 1)).toBeNaN();
  });

  it('image prior and per-bank log-sum-exp match the reference (full and with given bankLse)', () => {
    for (const dtype of dtypes) {
      const n = 3000,
        d = 24,
        nb = 9;
      const matrix = matrixOf(dtype, gridValues(n * d, 4), n, d);
      const bank = gridValues(nb * d, 5);
      const lse = ref.bankLogSumExp(matrix, bank, nb, 3);
      const ours = kernels.bankLogSumExp(matrix, bank, nb, 3);
      for (let b = 0; b < nb; b++) expect(Math.abs(ours[b]! - lse[b]!)).toBeLessThanOrEqual(1e-5 * Math.abs(lse[b]!));
      const prior = ref.logPrior(matrix, bank, nb, 3, lse);
      const ourPrior = kernels.logPrior(matrix, bank, nb, 3);
      for (let i = 0; i < n; i++) expect(Math.abs(ourPrior[i]! - prior[i]!)).toBeLessThanOrEqual(1e-4);
    }
  });

  it('MI count tables are exactly equal, with several bin counts', () => {
    const next = rng(11);
    for (const [f, n, bins] of [
      [1, 1, 1],
      [13, 2001, 4],
      [40, 5000, 16],
      [3, 100, 256],
    ] as const) {
      const binned = Uint8Array.from({ length: f * n }, () => Math.floor(next() * bins));
      const y = Uint8Array.from({ length: n }, () => (next() < 0.3 ? 1 : 0));
      expect(kernels.countTables(binned, f, n, y, bins)).toEqual(ref.countTables(binned, f, n, y, bins));
      expect(kernels.pairCountTables(binned, f, n, y, bins, f - 1)).toEqual(
        ref.pairCountTables(binned, f, n, y, bins, f - 1),
      );
    }
  });

  it('async calls give the sync results', async () => {
    const matrix = matrixOf('f16', gridValues(4000 * 20, 1), 4000, 20);
    const query = gridValues(20, 2);
    const sync = kernels.searchPass(matrix, query, 10, 7);
    const async = await kernels.searchPassAsync(matrix, query, 10, 7);
    expect(async.indices).toEqual(sync.indices);
    expect(async.values).toEqual(sync.values);
    // On a Mac the async pass is the GPU's, whose sums run in another order (metal-parity.test.ts).
    expect(Math.abs(async.lse - sync.lse)).toBeLessThanOrEqual(1e-3 * Math.abs(sync.lse));
    expect(Math.abs(async.entropy - sync.entropy)).toBeLessThanOrEqual(1e-3 * Math.abs(sync.entropy));
    expect(await kernels.scoresAsync(matrix, query, 1)).toEqual(kernels.scores(matrix, query, 1));
    expect(await kernels.logPriorAsync(matrix, query, 1, 2)).toEqual(kernels.logPrior(matrix, query, 1, 2));
  });
});

describe('argument validation (both backends refuse the same calls with the same message)', () => {
  const matrix = matrixOf('f32', gridValues(20, 1), 5, 4);
  const bad: [string, (k: typeof ref) => unknown, RegExp][] = [
    [
      'a wrong data type',
      (k) => k.scores({ ...matrix, data: new Uint16Array(20) } as never, new Float32Array(4), 1),
      /matrix.data must be a Float32Array for dtype 'f32'/,
    ],
    [
      'a short data array',
      (k) => k.scores({ ...matrix, n: 6 }, new Float32Array(4), 1),
      /matrix.data must hold n×d = 24 values, got 20/,
    ],
    [
      'an unknown dtype',
      (k) => k.scores({ ...matrix, dtype: 'f64' } as never, new Float32Array(4), 1),
      /matrix.dtype must be 'f32', 'f16' or 'i8', got 'f64'/,
    ],
    [
      'a query of the wrong length',
      (k) => k.searchPass(matrix, new Float32Array(3), 1, 1),
      /query must hold 1×4 = 4 values, got 3/,
    ],
    ['a negative k', (k) => k.topK(new Float32Array(3), -1), /k must be a non-negative integer, got -1/],
    [
      'a non-finite tau',
      (k) => k.searchPass(matrix, new Float32Array(4), NaN, 1),
      /tau must be a finite number, got NaN/,
    ],
    [
      'a mask of the wrong length',
      (k) => k.topK(new Float32Array(3), 1, new Uint8Array(2)),
      /mask must hold n = 3 values, got 2/,
    ],
    [
      'a bin id out of range',
      (k) => k.countTables(Uint8Array.from([0, 4]), 1, 2, new Uint8Array(2), 4),
      /binned\[0×n \+ 1\] = 4 is not a bin id below bins = 4/,
    ],
    [
      'a label that is not 0/1',
      (k) => k.countTables(new Uint8Array(2), 1, 2, Uint8Array.from([0, 2]), 4),
      /y\[1\] = 2; labels must be 0 or 1/,
    ],
    [
      'a selected feature out of range',
      (k) => k.pairCountTables(new Uint8Array(2), 1, 2, new Uint8Array(2), 4, 1),
      /s must name a feature in 0…0, got 1/,
    ],
    [
      'bins above 256',
      (k) => k.countTables(new Uint8Array(2), 1, 2, new Uint8Array(2), 300),
      /bins must be an integer in 1…256, got 300/,
    ],
  ];
  it.each(bad)('refuses %s', (_what, call, message) => {
    for (const impl of [ref, kernels]) {
      expect(() => call(impl)).toThrow(message);
      try {
        call(impl);
      } catch (error) {
        expect((error as { code?: string }).code).toBe('BAD_ARGUMENT');
      }
    }
  });
});
