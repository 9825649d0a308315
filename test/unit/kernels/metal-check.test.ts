// The GPU's start (app/kernels/metal-check.ts): the known-answer search pass that must match the C++
// kernels before the GPU serves, and the state kernelStatus() and `eidos doctor` report. No GPU runs
// here: a correct GPU is played by the TypeScript reference kernels (an independent implementation,
// which must agree exactly on the check's grid data), a GPU that returns zeros by the same kernels on a
// zeroed matrix (what the kernels' untouched output buffers hold), and a failing one by a rejection.
// The Mac half — the real GPU passing or being refused — runs in metal-parity.test.ts on macOS.
import { describe, expect, it } from 'vitest';
import type { EmbeddingMatrix } from '../../../app/kernels/contract.ts';
import { gpuAbsence, gpuDecided, kernels, kernelStatus, metalStatus } from '../../../app/kernels/index.ts';
import {
  CHECK_DIMS,
  CHECK_ROWS,
  knownAnswerCases,
  knownAnswerCheck,
  searchPassDifference,
  startGpu,
  type SearchPassCall,
} from '../../../app/kernels/metal-check.ts';
import { referenceKernels as ref } from '../../../app/kernels/reference.ts';

const cpu: SearchPassCall = (...args) => kernels.searchPassAsync(...args);
const correctGpu: SearchPassCall = (...args) => ref.searchPassAsync(...args);
const zeroed = (matrix: EmbeddingMatrix): EmbeddingMatrix =>
  matrix.dtype === 'f32'
    ? { ...matrix, data: new Float32Array(matrix.data.length) }
    : matrix.dtype === 'f16'
      ? { ...matrix, data: new Uint16Array(matrix.data.length) }
      : { ...matrix, data: new Int8Array(matrix.data.length) };
const zerosGpu: SearchPassCall = (matrix, query, ...rest) =>
  ref.searchPassAsync(zeroed(matrix), new Float32Array(query.length), ...rest);
const device = async () => ({ device: 'Apple M1', families: 'Apple7, Mac2' });

describe("the GPU's known-answer check", () => {
  it('uses a few hundred rows, not a multiple of the 256-row threadgroup, in both dtypes the GPU serves', () => {
    const cases = knownAnswerCases();
    expect(CHECK_ROWS % 256).not.toBe(0);
    expect(cases.map((c) => c.matrix.dtype).sort()).toEqual(['f16', 'f32']);
    for (const { matrix } of cases) expect([matrix.n, matrix.d]).toEqual([CHECK_ROWS, CHECK_DIMS]);
  });

  it('passes a GPU that computes what the C++ kernels compute', async () => {
    expect(await knownAnswerCheck(correctGpu, cpu)).toBeUndefined();
  });

  it('refuses a GPU that returns zeros, naming the first wrong id', async () => {
    const reason = await knownAnswerCheck(zerosGpu, cpu);
    expect(reason).toMatch(
      /known-answer search pass \(600 rows, f16 matrix\) disagrees with the C\+\+ kernels: top-k id/,
    );
  });

  it('refuses a GPU whose ids are right but one score is off by the smallest step', async () => {
    const offByOne: SearchPassCall = async (...args) => {
      const result = await ref.searchPassAsync(...args);
      const scores = result.scores!.slice();
      // A row outside the top-k, so the ranking stays; its (non-zero) score moves by one binary32 ulp.
      const outside = scores.findIndex((score, i) => score !== 0 && !result.indices.includes(i));
      scores[outside] = Math.fround(scores[outside]! * (1 + 2 ** -23));
      return { ...result, scores };
    };
    expect(await knownAnswerCheck(offByOne, cpu)).toMatch(/the score of row \d+ is .*, the C\+\+ kernels say/);
  });

  it('tolerates 1e-3 on the log-sum-exp, as the parity tests do, and no more', async () => {
    const expected = await kernels.searchPassAsync(
      knownAnswerCases()[0]!.matrix,
      knownAnswerCases()[0]!.query,
      16,
      40,
      undefined,
      true,
    );
    expect(searchPassDifference({ ...expected, lse: expected.lse * (1 + 5e-4) }, expected)).toBeUndefined();
    expect(searchPassDifference({ ...expected, lse: expected.lse * (1 + 5e-3) }, expected)).toMatch(/log-sum-exp/);
  });

  it('refuses a GPU whose command buffer fails, or that declines the call, with the reason', async () => {
    const failing: SearchPassCall = () => Promise.reject(new Error('the Metal command buffer failed: GPU hang'));
    expect(await knownAnswerCheck(failing, cpu)).toMatch(/failed the known-answer search pass .*GPU hang/);
    expect(await knownAnswerCheck(() => null, cpu)).toMatch(/declined the known-answer search pass/);
  });
});

describe("the GPU's start", () => {
  it('serves once the device is made and the check passes', async () => {
    expect(await startGpu(device, correctGpu, cpu)).toEqual({
      kind: 'ready',
      device: 'Apple M1',
      families: 'Apple7, Mac2',
    });
  });

  it("is refused with the device's own reason when it cannot be made (e.g. outside Apple7 and Mac2)", async () => {
    const outside = 'the GPU Apple Paravirtual device is in neither the Apple7 nor the Mac2 Metal family';
    const state = await startGpu(() => Promise.reject(new Error(outside)), correctGpu, cpu);
    expect(state).toEqual({ kind: 'refused', reason: outside });
  });

  it('is refused, naming the device, when the check fails', async () => {
    const state = await startGpu(device, zerosGpu, cpu);
    expect(state.kind).toBe('refused');
    expect(state.kind === 'refused' && state.reason).toMatch(/^Apple M1: the GPU's known-answer search pass/);
  });

  it('is reported as kernelStatus().metal says: starting, serving (and how the matrix got there), or why not', () => {
    expect(metalStatus({ kind: 'starting' }, null)).toHaveProperty('starting');
    expect(metalStatus({ kind: 'refused', reason: 'no Metal device' }, null)).toEqual({
      unavailable: 'no Metal device; the C++ threads serve every call',
    });
    const serving = metalStatus({ kind: 'ready', device: 'Apple M1', families: 'Apple7, Mac2' }, 'copied');
    expect(serving).toMatchObject({ device: 'Apple M1', families: 'Apple7, Mac2' });
    expect(serving).toHaveProperty('lastMatrix', expect.stringMatching(/^copied/));
    const wrapped = metalStatus({ kind: 'ready', device: 'Apple M1', families: 'Apple7, Mac2' }, 'wrapped');
    expect(wrapped).toHaveProperty('lastMatrix', expect.stringMatching(/no copy/));
  });

  it.skipIf(process.platform === 'darwin')('has nothing to start on a build without Metal', async () => {
    await gpuDecided();
    expect(kernelStatus().metal).toBeUndefined();
    expect(gpuAbsence()).toMatch(/no Metal backend in this build|no native addon/);
  });
});
