// `eidos doctor` names, per kernel operation, the backend that ran it in that process: the native C++
// threads when the addon loads, the TypeScript reference when asked for it (EIDOS_KERNELS=typescript),
// and the GPU only on a Mac where it ran (test/unit/kernels/metal-parity.test.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KernelStatus } from '../../../app/kernels/contract.ts';
import { makeHome, runEidos } from '../../helpers/eidos-cli.ts';

const OPERATIONS = [
  'bankLogSumExp',
  'countTables',
  'f16ToF32',
  'f32ToF16',
  'invertedFileSearch',
  'knn',
  'logPrior',
  'logSumExp',
  'nnDescent',
  'pairCountTables',
  'resampleImage',
  'scores',
  'searchPass',
  'topK',
  'umapLayout',
];

let home: Awaited<ReturnType<typeof makeHome>>;
beforeAll(async () => {
  home = await makeHome();
});
afterAll(() => home.dispose());

async function doctorKernels(env: Record<string, string | undefined>): Promise<KernelStatus> {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    const result = await runEidos(home.home, ['doctor', '--json']);
    expect(result.code).toBe(0);
    return (JSON.parse(result.stdout) as { kernels: KernelStatus }).kernels;
  } finally {
    process.env = saved;
  }
}

describe('eidos doctor', () => {
  it('names the default model for this machine, the files it installs and why', async () => {
    const result = await runEidos(home.home, ['doctor', '--json']);
    const { defaultModel } = JSON.parse(result.stdout) as { defaultModel: string };
    if (process.platform === 'darwin' && process.arch === 'arm64') {
      expect(defaultModel).toMatch(
        /^clip-vit-b32-fp16 \(onnx\/vision_model_fp16\.onnx \+ onnx\/text_model_fp16\.onnx\) for Core ML, because .*float16/,
      );
    } else {
      expect(defaultModel).toMatch(
        /^clip-vit-b32-int8 \(onnx\/vision_model_quantized\.onnx \+ onnx\/text_model_quantized\.onnx\) for the CPU, because .*int8/,
      );
    }
  });

  it.skipIf(process.platform === 'darwin')(
    'reports the C++ kernels for every operation, and no GPU that did not run',
    async () => {
      const kernels = await doctorKernels({ EIDOS_KERNELS: undefined });
      expect(kernels.backend).toBe('native-cpu');
      expect(Object.keys(kernels.lastRun).sort()).toEqual(OPERATIONS);
      expect(new Set(Object.values(kernels.lastRun))).toEqual(new Set(['native-cpu']));
      expect(kernels.metal).toBeUndefined(); // a Linux build has no Metal backend to report
    },
  );

  it.skipIf(process.platform !== 'darwin')(
    'on a Mac, reports the GPU for the search pass and the batch scores, the C++ threads for the rest; or, where the GPU was refused (a hosted runner), why, and the C++ threads for all (skipped: not macOS)',
    async () => {
      const kernels = await doctorKernels({ EIDOS_KERNELS: undefined });
      const serving = kernels.metal !== undefined && 'device' in kernels.metal;
      if (!serving) expect(kernels.metal).toHaveProperty('unavailable', expect.stringContaining('C++ threads serve'));
      const gpu = (op: string) => serving && (op === 'searchPass' || op === 'scores');
      const expected = (op: string) => (gpu(op) ? 'metal' : 'native-cpu');
      expect(kernels.lastRun).toEqual(Object.fromEntries(OPERATIONS.map((op) => [op, expected(op)])));
    },
  );

  it('reports the TypeScript kernels for every operation when they are asked for', async () => {
    const kernels = await doctorKernels({ EIDOS_KERNELS: 'typescript' });
    expect(kernels.backend).toBe('typescript');
    expect(kernels.lastRun).toEqual(Object.fromEntries(OPERATIONS.map((op) => [op, 'typescript'])));
  });
});
