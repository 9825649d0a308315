/**
 * The one place that loads the native addon (native/build/Release/eidos_native.node). `kernels` is the
 * native implementation when it loads and the TypeScript reference otherwise; `kernelStatus()` says
 * which one runs and why. Native argument errors surface as EidosError('BAD_ARGUMENT').
 */
import { createRequire } from 'node:module';
import { resources } from '../resources.ts';
import { EidosError } from '../contract/errors.ts';
import type { EmbeddingMatrix, Kernels, KernelStatus, SearchPassResult } from './contract.ts';
import { referenceKernels } from './reference.ts';

/** The raw binding, as native/src/*.cc register it. */
interface NativeBinding extends Omit<Kernels, 'logSumExp'> {
  logSumExp(values: Float32Array, scale: number): number;
  status(): { threads: number; isa: string };
  setPortable(on: boolean): string;
  readAll(array: ArrayBufferView): number;
  /** macOS builds only (native/src/metal): null when no Metal device, else scores on the GPU. */
  metalDevice?: () => string | null;
  metalScores?: (matrix: EmbeddingMatrix, queries: Float32Array, nq: number) => Float32Array | null;
  /** macOS builds only (native/src/imageio): ImageIO decode on libuv's pool, see app/image/imageio.ts. */
  imageioDecode?: (
    bytes: Uint8Array,
    maxPixelSize: number,
  ) => Promise<{ data: Uint8Array; width: number; height: number; fullWidth: number; fullHeight: number }>;
}

function loadNative(): { binding?: NativeBinding; reason?: string } {
  const addonPath = resources.nativeAddon();
  if (process.env.EIDOS_KERNELS === 'typescript')
    return { reason: 'EIDOS_KERNELS=typescript asked for the TypeScript kernels' };
  try {
    return { binding: createRequire(import.meta.url)(addonPath) as NativeBinding };
  } catch (error) {
    const cause = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return {
      reason:
        `could not load the native kernels from ${addonPath} (${cause}); using the slower TypeScript kernels. ` +
        'Possible solutions: run `npm run build:native`; install a C++17 compiler and Python 3 for node-gyp ' +
        '(Linux: build-essential, macOS: `xcode-select --install`, Windows: Visual Studio Build Tools); ' +
        'after a Node or Electron upgrade, rebuild for that runtime (electron-builder install-app-deps).',
    };
  }
}

let loadedAddon: { binding?: NativeBinding; reason?: string } | undefined;

/**
 * The addon, loaded on first use rather than at import: its path comes from the resource root, which
 * the entry point sets after its imports have run.
 */
function loaded(): { binding?: NativeBinding; reason?: string } {
  if (loadedAddon === undefined) {
    loadedAddon = loadNative();
    if (loadedAddon.reason !== undefined && process.env.EIDOS_KERNELS !== 'typescript')
      console.warn(`eidos: ${loadedAddon.reason}`);
  }
  return loadedAddon;
}

function asEidosError(error: unknown): unknown {
  return error instanceof TypeError ? new EidosError('BAD_ARGUMENT', error.message, { cause: error }) : error;
}

/** Native calls with their argument errors turned into EidosError. */
function guard<A extends unknown[], R>(call: (...args: A) => R): (...args: A) => R {
  return (...args) => {
    try {
      return call(...args);
    } catch (error) {
      throw asEidosError(error);
    }
  };
}

function guardAsync<A extends unknown[], R>(call: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return async (...args) => {
    try {
      return await call(...args);
    } catch (error) {
      throw asEidosError(error);
    }
  };
}

function nativeKernels(native: NativeBinding): Kernels {
  const metalOn = native.metalDevice?.() != null;
  // On Macs the batch scores run on the GPU when the matrix memory can be mapped without a copy
  // (metalScores returns null otherwise); the fused search pass stays on the CPU threads.
  const scores = (matrix: EmbeddingMatrix, queries: Float32Array, nq: number): Float32Array =>
    (metalOn ? native.metalScores?.(matrix, queries, nq) : null) ?? native.scores(matrix, queries, nq);
  return {
    scores: guard(scores),
    logSumExp: guard((values, scale) => native.logSumExp(values, scale)),
    topK: guard((values, k, mask) => native.topK(values, k, mask)),
    searchPass: guard((matrix, query, tau, k, mask, wantScores) =>
      native.searchPass(matrix, query, tau, k, mask, wantScores),
    ) as Kernels['searchPass'],
    bankLogSumExp: guard((matrix, bank, nb, tau) => native.bankLogSumExp(matrix, bank, nb, tau)),
    logPrior: guard((matrix, bank, nb, tau, bankLse) => native.logPrior(matrix, bank, nb, tau, bankLse)),
    countTables: guard((binned, f, n, y, bins) => native.countTables(binned, f, n, y, bins)),
    pairCountTables: guard((binned, f, n, y, bins, s) => native.pairCountTables(binned, f, n, y, bins, s)),
    scoresAsync: guardAsync(async (matrix, queries, nq) => native.scoresAsync(matrix, queries, nq)),
    searchPassAsync: guardAsync(async (matrix, query, tau, k, mask, wantScores): Promise<SearchPassResult> =>
      native.searchPassAsync(matrix, query, tau, k, mask, wantScores),
    ),
    logPriorAsync: guardAsync(async (matrix, bank, nb, tau, bankLse) =>
      native.logPriorAsync(matrix, bank, nb, tau, bankLse),
    ),
    knn: guard((matrix, k, queries, nq) => native.knn(matrix, k, queries, nq)),
    knnAsync: guardAsync(async (matrix, k, queries, nq) => native.knnAsync(matrix, k, queries, nq)),
    f32ToF16: guard((src) => native.f32ToF16(src)),
    f16ToF32: guard((src) => native.f16ToF32(src)),
  };
}

/** ImageIO's decoder from the macOS build of the addon; undefined elsewhere. */
export function nativeImageioDecode(): NativeBinding['imageioDecode'] {
  return loaded().binding?.imageioDecode;
}

let active: Kernels | undefined;
const activeKernels = (): Kernels =>
  (active ??= loaded().binding ? nativeKernels(loaded().binding!) : referenceKernels);

/** The kernels in use: native when the addon loads, else the TypeScript reference (each call goes to the one chosen on first use). */
export const kernels = Object.fromEntries(
  Object.keys(referenceKernels).map((name) => [
    name,
    (...args: unknown[]) => (activeKernels()[name as keyof Kernels] as (...a: unknown[]) => unknown)(...args),
  ]),
) as unknown as Kernels;

export function kernelStatus(): KernelStatus {
  const native = loaded().binding;
  if (native === undefined) return { backend: 'typescript', threads: 1, reason: loaded().reason };
  const { threads } = native.status();
  if (native.metalDevice?.() != null) return { backend: 'metal', threads };
  return { backend: 'native-cpu', threads, ...(native.metalDevice ? { reason: 'no Metal device found' } : {}) };
}

/**
 * Test hook: make the native addon use its portable loops (no AVX2/F16C) or go back to the fastest.
 * Returns the instruction set now in use, or undefined when the native addon is not loaded.
 */
export function forcePortableKernels(on: boolean): string | undefined {
  return loaded().binding?.setPortable(on);
}

/** Benchmark probe: one multi-threaded read of every byte (the bandwidth limit); undefined without the addon. */
export function nativeReadAll(): ((array: ArrayBufferView) => number) | undefined {
  const native = loaded().binding;
  return native ? (array) => native.readAll(array) : undefined;
}

/** The native CPU path regardless of Metal, for the Metal parity test; undefined without the addon. */
export function nativeCpuScores(): Kernels['scores'] | undefined {
  const native = loaded().binding;
  return native ? guard((matrix, queries, nq) => native.scores(matrix, queries, nq)) : undefined;
}

/** Scores on the GPU (null when the matrix cannot be mapped); undefined without a Metal build. */
export function metalScores(): NativeBinding['metalScores'] {
  const native = loaded().binding;
  return native?.metalDevice?.() != null ? native.metalScores : undefined;
}
