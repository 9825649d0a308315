// The per-operation backend bookkeeping behind `eidos doctor`: recorded by the call that ran, never
// assumed; here with the C++ and TypeScript backends (the GPU's half runs in metal-parity.test.ts).
import { describe, expect, it } from 'vitest';
import { gpuDecided, kernels, kernelStatus, metalKernels } from '../../../app/kernels/index.ts';
import { allocateMatrix } from '../../../app/kernels/matrix.ts';
import { probeKernels } from '../../../app/kernels/probe.ts';
import { referenceKernels as ref } from '../../../app/kernels/reference.ts';
import { gridValues } from './fixtures.ts';

describe('which backend ran each kernel operation', () => {
  const native = kernelStatus().backend === 'native-cpu';

  it('names no backend for an operation that has not run, and the one that ran once it has', () => {
    expect(kernelStatus().lastRun.pairCountTables).toBeUndefined();
    kernels.pairCountTables(Uint8Array.from([0, 1, 1, 0]), 2, 2, Uint8Array.from([1, 0]), 2, 0);
    expect(kernelStatus().lastRun.pairCountTables).toBe(native ? 'native-cpu' : 'typescript');
  });

  it('records the TypeScript reference when it runs, and the native kernels again when they do', () => {
    const values = gridValues(100, 1);
    ref.topK(values, 3);
    expect(kernelStatus().lastRun.topK).toBe('typescript');
    kernels.topK(values, 3);
    expect(kernelStatus().lastRun.topK).toBe(native ? 'native-cpu' : 'typescript');
  });

  it('counts an async call as its operation, once its result is in', async () => {
    await gpuDecided(); // on a Mac: the GPU serves from here on, or never (its start has finished)
    const matrix = allocateMatrix('f16', 300, 8);
    matrix.data.set(kernels.f32ToF16(gridValues(300 * 8, 2)));
    ref.searchPass(matrix, gridValues(8, 3), 10, 5);
    const pending = kernels.searchPassAsync(matrix, gridValues(8, 3), 10, 5);
    expect(kernelStatus().lastRun.searchPass).toBe('typescript'); // not yet: the call has not finished
    await pending;
    const expected = !native ? 'typescript' : metalKernels() ? 'metal' : 'native-cpu';
    expect(kernelStatus().lastRun.searchPass).toBe(expected);
  });

  it('records nothing for a call that fails', () => {
    ref.logSumExp(new Float32Array(3), 1);
    expect(() => kernels.logSumExp(new Float32Array(3), NaN)).toThrow(/scale must be a finite number/);
    expect(kernelStatus().lastRun.logSumExp).toBe('typescript');
  });

  it("doctor's probe runs every operation, so each one has the backend that ran it", async () => {
    const status = await probeKernels();
    const operations = Object.keys(ref).filter((name) => !name.endsWith('Async'));
    expect(Object.keys(status.lastRun).sort()).toEqual(operations.sort());
    for (const [operation, backend] of Object.entries(status.lastRun)) {
      // searchPass and scores ran last as async calls: on the GPU where there is one.
      const gpu = metalKernels() !== undefined && (operation === 'searchPass' || operation === 'scores');
      const expected = !native ? 'typescript' : gpu ? 'metal' : 'native-cpu';
      expect([operation, backend]).toEqual([operation, expected]);
    }
  });
});
