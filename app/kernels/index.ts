/**
 * The one place that loads the native addon (native/build/Release/eidos_native.node). `kernels` is the
 * native implementation when it loads and the TypeScript reference otherwise; on Macs the GPU (Metal)
 * serves the async score calls (searchPassAsync, scoresAsync) on f32 and f16 matrices once it has passed
 * its start (metal-check.ts: device family, kernels compiled off the JS thread, a known-answer search
 * pass equal to the C++ one), the C++ threads everything else and everything until then. `kernelStatus()`
 * says what is loaded, where the GPU stands, and per operation which backend ran it last. Native
 * argument errors surface as EidosError('BAD_ARGUMENT').
 */
import { createRequire } from 'node:module';
import { resources } from '../resources.ts';
import { EidosError } from '../contract/errors.ts';
import type { EmbeddingMatrix, JobControl, Kernels, KernelStatus, LayoutGraph, UmapSettings } from './contract.ts';
import { lastBackends, recordingRuns, recordRun } from './backend-log.ts';
import { startGpu, type GpuState, type SearchPassCall } from './metal-check.ts';
import { referenceKernels } from './reference.ts';

/** The raw binding, as native/src/*.cc register it. */
interface NativeBinding extends Omit<Kernels, 'logSumExp' | 'umapLayout' | 'umapLayoutAsync'> {
  /** native/src/umap.cc takes the graph and settings as plain arguments. */
  umapLayout(...args: UmapArguments): Float32Array;
  umapLayoutAsync(...args: UmapArguments): Promise<Float32Array>;
  logSumExp(values: Float32Array, scale: number): number;
  status(): { threads: number; isa: string };
  setPortable(on: boolean): string;
  readAll(array: ArrayBufferView): number;
  /**
   * macOS builds only (native/src/metal). metalPrepare makes the device and compiles the kernels on a
   * thread of its own, rejecting with why there is no GPU backend. The async calls return null, not a
   * promise, for a call the GPU does not take (not prepared, an i8 matrix, 32-bit overflow); their
   * promises settle from Metal's completion handler, with no thread waiting for the GPU.
   */
  metalPrepare?: () => Promise<{ device: string; families: string }>;
  /** How this environment's last matrix reached the GPU: wrapped in place, or copied. */
  metalMatrixMode?: () => 'wrapped' | 'copied' | null;
  metalScoresAsync?: (matrix: EmbeddingMatrix, queries: Float32Array, nq: number) => Promise<Float32Array> | null;
  metalSearchPassAsync?: SearchPassCall;
  /** Where a page starts relative to an ArrayBuffer (app/kernels/matrix.ts places matrices on one). */
  pageOffset?: (buffer: ArrayBuffer) => { pageBytes: number; offset: number };
  /** native/src/file_lock.cc: an id when the lock is now held, -1 when another holder has it. */
  fileLockTry(path: string): number;
  fileLockRelease(id: number): boolean;
  /** native/src/memory.cc: glibc's malloc_trim(0); true when pages went back to the system, false elsewhere. */
  releaseFreedMemory(): boolean;
  /** macOS builds only (native/src/imageio): ImageIO decode on libuv's pool, see app/image/imageio.ts. */
  imageioDecode?: (
    bytes: Uint8Array,
    maxPixelSize: number,
  ) => Promise<{ data: Uint8Array; width: number; height: number; fullWidth: number; fullHeight: number }>;
  /** macOS builds only (native/src/video): AVFoundation's reading of a video, see app/video/avfoundation-decoder.ts. */
  videoProbe?: (path: string) => Promise<NativeVideoFacts>;
  videoFrameAt?: (
    path: string,
    seconds: number,
    width: number,
    height: number,
  ) => Promise<{ rgb: Buffer; timeSeconds: number } | null>;
  /** macOS builds only (native/src/vision): the Vision framework's text reader on libuv's pool, see app/ocr/vision-reader.ts. */
  visionReadText?: (rgb: Uint8Array, width: number, height: number) => Promise<VisionLine[]>;
}

/** What AVFoundation says of a video (native/src/video/video_frames.mm). */
export interface NativeVideoFacts {
  hasVideo: boolean;
  durationSeconds: number;
  width: number;
  height: number;
  rotation: 0 | 90 | 180 | 270;
  codec: string;
  takenAt?: string;
}

/** A line Vision read: quads are 8 numbers (top-left, top-right, bottom-right, bottom-left x, y), normalised, origin lower left. */
export interface VisionLine {
  text: string;
  confidence: number;
  quad: number[];
  words: Array<{ text: string; confidence: number; quad: number[] }>;
}

type UmapArguments = [
  indices: Uint32Array,
  distances: Float32Array,
  k: number,
  seed: number,
  epochs: number,
  a: number,
  b: number,
  init: Float32Array | undefined,
  control: JobControl | undefined,
];

function umapArguments(graph: LayoutGraph, settings: UmapSettings, control?: JobControl): UmapArguments {
  const { seed, epochs, a, b, init } = settings;
  return [graph.indices, graph.distances, graph.k, seed, epochs, a, b, init, control];
}

function loadNative(): { binding?: NativeBinding; reason?: string } {
  if (process.env.EIDOS_KERNELS === 'typescript')
    return { reason: 'EIDOS_KERNELS=typescript asked for the TypeScript kernels' };
  return requireAddon();
}

function requireAddon(): { binding?: NativeBinding; reason?: string } {
  const addonPath = resources.nativeAddon();
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

/** The GPU's start and its outcome (macOS builds); undefined elsewhere. */
let gpuState: GpuState | undefined;
let gpuStarted: Promise<void> | undefined;

/** Starts the GPU when the addon has one: in the background, the C++ threads serving meanwhile. */
function startGpuOf(native: NativeBinding): void {
  const { metalPrepare, metalSearchPassAsync } = native;
  if (!metalPrepare || !metalSearchPassAsync) return;
  gpuState = { kind: 'starting' };
  gpuStarted = startGpu(
    () => metalPrepare(),
    (...args) => metalSearchPassAsync(...args),
    (...args) => native.searchPassAsync(...args),
  ).then((state) => {
    gpuState = state;
  });
}

/**
 * The addon, loaded on first use rather than at import: its path comes from the resource root, which
 * the entry point sets after its imports have run.
 */
function loaded(): { binding?: NativeBinding; reason?: string } {
  if (loadedAddon === undefined) {
    loadedAddon = loadNative();
    if (loadedAddon.binding) startGpuOf(loadedAddon.binding);
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

/** Why the GPU last failed a call the C++ kernels then ran (shown by kernelStatus), if it did. */
let metalFailure: string | undefined;

/**
 * An async call on the GPU when it takes it, else (declined, or failed at run time) on the C++ threads,
 * recording the backend that produced the result.
 */
async function gpuOrCpu<R>(
  operation: 'scores' | 'searchPass',
  onGpu: Promise<R> | null | undefined,
  onCpu: () => Promise<R>,
): Promise<R> {
  if (onGpu) {
    try {
      const result = await onGpu;
      recordRun(operation, 'metal');
      return result;
    } catch (error) {
      metalFailure = error instanceof Error ? error.message : String(error);
    }
  }
  const result = await onCpu();
  recordRun(operation, 'native-cpu');
  return result;
}

/** The GPU's calls once it has passed its start, else undefined (the C++ threads serve). */
function readyGpu(native: NativeBinding): NativeBinding | undefined {
  return gpuState?.kind === 'ready' ? native : undefined;
}

/**
 * Resolves when the GPU's start has decided whether it serves (at once where there is no GPU backend);
 * never rejects. `eidos doctor` waits for it, so it reports the backend a search will use.
 */
export async function gpuDecided(): Promise<void> {
  loaded();
  await gpuStarted;
}

function nativeKernels(native: NativeBinding): Kernels {
  const cpu = recordingRuns(
    {
      scores: (matrix, queries, nq) => native.scores(matrix, queries, nq),
      logSumExp: (values, scale) => native.logSumExp(values, scale),
      topK: (values, k, mask) => native.topK(values, k, mask),
      searchPass: (matrix, query, tau, k, mask, wantScores) =>
        native.searchPass(matrix, query, tau, k, mask, wantScores),
      bankLogSumExp: (matrix, bank, nb, tau) => native.bankLogSumExp(matrix, bank, nb, tau),
      logPrior: (matrix, bank, nb, tau, bankLse) => native.logPrior(matrix, bank, nb, tau, bankLse),
      countTables: (binned, f, n, y, bins) => native.countTables(binned, f, n, y, bins),
      pairCountTables: (binned, f, n, y, bins, s) => native.pairCountTables(binned, f, n, y, bins, s),
      scoresAsync: (matrix, queries, nq) => native.scoresAsync(matrix, queries, nq),
      searchPassAsync: (matrix, query, tau, k, mask, wantScores) =>
        native.searchPassAsync(matrix, query, tau, k, mask, wantScores),
      logPriorAsync: (matrix, bank, nb, tau, bankLse) => native.logPriorAsync(matrix, bank, nb, tau, bankLse),
      knn: (matrix, k, queries, nq) => native.knn(matrix, k, queries, nq),
      knnAsync: (matrix, k, queries, nq) => native.knnAsync(matrix, k, queries, nq),
      invertedFileSearch: (...args) => native.invertedFileSearch(...args),
      invertedFileSearchAsync: (...args) => native.invertedFileSearchAsync(...args),
      nnDescent: (matrix, k, seed, control) => native.nnDescent(matrix, k, seed, control),
      nnDescentAsync: (matrix, k, seed, control) => native.nnDescentAsync(matrix, k, seed, control),
      umapLayout: (graph, settings, control) => native.umapLayout(...umapArguments(graph, settings, control)),
      umapLayoutAsync: (graph, settings, control) => native.umapLayoutAsync(...umapArguments(graph, settings, control)),
      resampleImage: (...args) => native.resampleImage(...args),
      f32ToF16: (src) => native.f32ToF16(src),
      f16ToF32: (src) => native.f16ToF32(src),
    },
    'native-cpu',
  );
  const guarded = Object.fromEntries(
    Object.entries(cpu).map(([name, call]) => [name, guard(call as (...args: unknown[]) => unknown)]),
  ) as unknown as Kernels;
  return {
    ...guarded,
    // The GPU serves the async score calls only (a promise, settled when Metal reports the command buffer
    // done). Argument errors throw from the GPU binding's own checks.
    scoresAsync: guardAsync((matrix, queries, nq) =>
      gpuOrCpu('scores', readyGpu(native)?.metalScoresAsync?.(matrix, queries, nq), () =>
        native.scoresAsync(matrix, queries, nq),
      ),
    ),
    searchPassAsync: guardAsync((matrix, query, tau, k, mask, wantScores) =>
      gpuOrCpu('searchPass', readyGpu(native)?.metalSearchPassAsync?.(matrix, query, tau, k, mask, wantScores), () =>
        native.searchPassAsync(matrix, query, tau, k, mask, wantScores),
      ),
    ),
    logPriorAsync: guardAsync(cpu.logPriorAsync),
    knnAsync: guardAsync(cpu.knnAsync),
    invertedFileSearchAsync: guardAsync(cpu.invertedFileSearchAsync),
    nnDescentAsync: guardAsync(cpu.nnDescentAsync),
    umapLayoutAsync: guardAsync(cpu.umapLayoutAsync),
  };
}

/**
 * An exclusive lock on a file that the operating system holds for this process and drops when the process
 * ends, however it ends (native/src/file_lock.cc: flock on macOS and Linux, LockFileEx on Windows).
 */
export interface FileLocks {
  /** An id for `release` when this call now holds the lock on `path`; undefined when another holder has it. */
  tryLock(path: string): number | undefined;
  /** Releases a lock `tryLock` gave; false when `id` is not held (released already). */
  release(id: number): boolean;
}

let lockAddon: { binding?: NativeBinding; reason?: string } | undefined;

/**
 * The addon's file locks. Loaded even when EIDOS_KERNELS=typescript asks for the TypeScript kernels: a
 * lock the kernel keeps has no TypeScript stand-in. Throws NATIVE_UNAVAILABLE when the addon cannot load.
 */
export function fileLocks(): FileLocks {
  lockAddon ??= loaded().binding ? loaded() : requireAddon();
  const native = lockAddon.binding;
  if (native === undefined) {
    throw new EidosError(
      'NATIVE_UNAVAILABLE',
      `Eidos cannot take a file lock (the index's writer lock, a model's install lock) without its native addon: ${lockAddon.reason ?? 'it did not load'}`,
    );
  }
  return {
    tryLock: (path) => {
      const id = native.fileLockTry(path);
      return id < 0 ? undefined : id;
    },
    release: (id) => native.fileLockRelease(id),
  };
}

/**
 * Gives the pages the C allocator holds free back to the operating system (native/src/memory.cc), after a
 * large release such as an onnxruntime session's; false when nothing was returned or the addon is not loaded.
 */
export function releaseFreedMemory(): boolean {
  return loaded().binding?.releaseFreedMemory() ?? false;
}

/** Vision's text reader from the macOS build of the addon; undefined elsewhere. */
export function nativeVisionReadText(): NativeBinding['visionReadText'] {
  return loaded().binding?.visionReadText;
}

/** ImageIO's decoder from the macOS build of the addon; undefined elsewhere. */
export function nativeImageioDecode(): NativeBinding['imageioDecode'] {
  return loaded().binding?.imageioDecode;
}

/** AVFoundation's video reading from the macOS build of the addon (`EIDOS_AVFOUNDATION=off` turns it off); undefined elsewhere. */
export function nativeVideoFrames():
  { probe: NonNullable<NativeBinding['videoProbe']>; frameAt: NonNullable<NativeBinding['videoFrameAt']> } | undefined {
  if (process.platform !== 'darwin' || process.env.EIDOS_AVFOUNDATION === 'off') return undefined;
  const { videoProbe, videoFrameAt } = loaded().binding ?? {};
  return videoProbe && videoFrameAt ? { probe: videoProbe, frameAt: videoFrameAt } : undefined;
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
  if (native === undefined)
    return { backend: 'typescript', threads: 1, reason: loaded().reason, lastRun: lastBackends() };
  const { threads } = native.status();
  const status: KernelStatus = { backend: 'native-cpu', threads, lastRun: lastBackends() };
  if (gpuState !== undefined) status.metal = metalStatus(gpuState, native.metalMatrixMode?.() ?? null);
  return status;
}

/** kernelStatus().metal for a GPU state: what serves, or why the C++ threads do. */
export function metalStatus(
  state: GpuState,
  matrixMode: 'wrapped' | 'copied' | null,
): NonNullable<KernelStatus['metal']> {
  if (state.kind === 'starting')
    return {
      starting:
        'making the Metal device, compiling the kernels and running the known-answer check; the C++ threads serve until it passes',
    };
  if (state.kind === 'refused') return { unavailable: `${state.reason}; the C++ threads serve every call` };
  return {
    device: state.device,
    families: state.families,
    serves:
      'searchPassAsync and scoresAsync on f32 and f16 matrices; i8 matrices and the synchronous calls run on the C++ threads',
    ...(matrixMode !== null
      ? { lastMatrix: matrixMode === 'wrapped' ? 'wrapped in place (no copy)' : 'copied (not placed on a VM page)' }
      : {}),
    ...(metalFailure !== undefined ? { lastFailure: metalFailure } : {}),
  };
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

/** The C++ kernels regardless of the GPU, for the Metal parity test; undefined without the addon. */
export function nativeCpuKernels(): Pick<Kernels, 'scores' | 'searchPass'> | undefined {
  const native = loaded().binding;
  return native
    ? {
        scores: guard((matrix, queries, nq) => native.scores(matrix, queries, nq)),
        searchPass: guard((matrix, query, tau, k, mask, wantScores) =>
          native.searchPass(matrix, query, tau, k, mask, wantScores),
        ) as Kernels['searchPass'],
      }
    : undefined;
}

/**
 * The GPU's own calls (null for a call it declines), for the Metal parity test; undefined unless the GPU
 * passed its start (await gpuDecided() first).
 */
export function metalKernels(): Required<Pick<NativeBinding, 'metalScoresAsync' | 'metalSearchPassAsync'>> | undefined {
  const native = loaded().binding;
  if (gpuState?.kind !== 'ready' || !native?.metalScoresAsync || !native.metalSearchPassAsync) return undefined;
  return { metalScoresAsync: native.metalScoresAsync, metalSearchPassAsync: native.metalSearchPassAsync };
}

/** Why the GPU does not serve on this build and machine (the tests' skip reasons); undefined when it does. */
export function gpuAbsence(): string | undefined {
  if (!loaded().binding) return 'no native addon';
  if (gpuState === undefined) return 'no Metal backend in this build (not macOS)';
  if (gpuState.kind === 'refused') return gpuState.reason;
  if (gpuState.kind === 'starting') return 'the GPU is still starting';
  return undefined;
}

/** Where a page starts in an ArrayBuffer, on builds that map matrices for the GPU; undefined elsewhere. */
export function nativePageOffset(): NativeBinding['pageOffset'] {
  return loaded().binding?.pageOffset;
}
