/**
 * The GPU's known-answer check, run once when the kernels load on a Mac, before the GPU serves anything:
 * the fused search pass on a few hundred deterministic rows, on the GPU and on the C++ threads, must give
 * the same answer. A device that passes the family check yet computes wrongly — a virtual machine's
 * paravirtual GPU, reported to return zeros from custom kernels — is caught here, and the C++ threads
 * serve with the reason shown by kernelStatus() and `eidos doctor`.
 *
 * The rows are "grid" values (multiples of 1/4 in [−1, 1]): every product and partial sum is exact in
 * binary32 and binary16, so a correct GPU returns exactly the C++ ids, values and scores in any summation
 * order, ties included; only the log-sum-exp and entropy (exp/log in another order) get a tolerance.
 */
import type { EmbeddingMatrix, Kernels, SearchPassResult } from './contract.ts';
import { floatToHalfBits } from './f16.ts';
import { mulberry32 } from '../util/mulberry32.ts';

/** A search pass as both backends take it; the GPU's returns null when it declines the call. */
export type SearchPassCall = (...args: Parameters<Kernels['searchPass']>) => Promise<SearchPassResult> | null;

/** Rows not a multiple of the GPU's 256-row threadgroup; k above the per-group candidates of some groups. */
export const CHECK_ROWS = 600;
export const CHECK_DIMS = 64;
const CHECK_K = 40;
const CHECK_TAU = 16;
/** The tolerance of the parity tests (docs/architecture.md): relative 1e-3 on lse and entropy. */
const TOLERANCE = 1e-3;

function gridValues(count: number, seed: number): Float32Array {
  const next = mulberry32(seed);
  return Float32Array.from({ length: count }, () => Math.floor(next() * 9) / 4 - 1);
}

/** The check's inputs: both dtypes the GPU serves, with and without a mask. */
export function knownAnswerCases(): Array<{
  label: string;
  matrix: EmbeddingMatrix;
  query: Float32Array;
  mask?: Uint8Array;
}> {
  const values = gridValues(CHECK_ROWS * CHECK_DIMS, 2027);
  const query = gridValues(CHECK_DIMS, 7);
  const next = mulberry32(11);
  const mask = Uint8Array.from({ length: CHECK_ROWS }, () => (next() < 0.7 ? 1 : 0));
  const f32: EmbeddingMatrix = { dtype: 'f32', data: values, n: CHECK_ROWS, d: CHECK_DIMS };
  const f16: EmbeddingMatrix = {
    dtype: 'f16',
    data: Uint16Array.from(values, floatToHalfBits),
    n: CHECK_ROWS,
    d: CHECK_DIMS,
  };
  return [
    { label: 'f16 matrix', matrix: f16, query },
    { label: 'f32 matrix with a mask', matrix: f32, query, mask },
  ];
}

const close = (a: number, b: number): boolean =>
  (Number.isNaN(a) && Number.isNaN(b)) || Math.abs(a - b) <= TOLERANCE * Math.max(1, Math.abs(b));

function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return -1;
}

/** How the GPU's pass differs from the C++ pass on the same exact inputs; undefined when it does not. */
export function searchPassDifference(gpu: SearchPassResult, cpu: SearchPassResult): string | undefined {
  const id = firstDifference(gpu.indices, cpu.indices);
  if (id >= 0)
    return `top-k id ${id} is ${gpu.indices[id] ?? 'missing'}, the C++ kernels say ${cpu.indices[id] ?? 'none'}`;
  const value = firstDifference(gpu.values, cpu.values);
  if (value >= 0) return `top-k score ${value} is ${gpu.values[value]}, the C++ kernels say ${cpu.values[value]}`;
  if (cpu.scores) {
    const at = gpu.scores ? firstDifference(gpu.scores, cpu.scores) : 0;
    if (at >= 0)
      return `the score of row ${at} is ${gpu.scores?.[at] ?? 'missing'}, the C++ kernels say ${cpu.scores[at]}`;
  }
  if (!close(gpu.lse, cpu.lse)) return `the log-sum-exp is ${gpu.lse}, the C++ kernels say ${cpu.lse}`;
  if (!close(gpu.entropy, cpu.entropy)) return `the entropy is ${gpu.entropy}, the C++ kernels say ${cpu.entropy}`;
  return undefined;
}

/**
 * Runs every known-answer case on both backends. Resolves to undefined when the GPU agrees everywhere,
 * else to why it may not serve (its first disagreement, its error, or its refusal of the call).
 */
export async function knownAnswerCheck(gpu: SearchPassCall, cpu: SearchPassCall): Promise<string | undefined> {
  for (const { label, matrix, query, mask } of knownAnswerCases()) {
    const expected = await cpu(matrix, query, CHECK_TAU, CHECK_K, mask, true);
    if (expected === null) throw new Error('the C++ search pass declined the known-answer case');
    const onGpu = gpu(matrix, query, CHECK_TAU, CHECK_K, mask, true);
    if (onGpu === null) return `the GPU declined the known-answer search pass (${label})`;
    let result: SearchPassResult;
    try {
      result = await onGpu;
    } catch (error) {
      return `the GPU failed the known-answer search pass (${label}): ${error instanceof Error ? error.message : String(error)}`;
    }
    const difference = searchPassDifference(result, expected);
    if (difference !== undefined)
      return `the GPU's known-answer search pass (${CHECK_ROWS} rows, ${label}) disagrees with the C++ kernels: ${difference}`;
  }
  return undefined;
}

/** Where the GPU stands: being made and checked, serving, or refused with the reason. */
export type GpuState =
  { kind: 'starting' } | { kind: 'ready'; device: string; families: string } | { kind: 'refused'; reason: string };

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * The GPU's start: `prepare` makes the device and compiles the kernels off the JS thread (rejecting with
 * why there is no GPU backend, e.g. a device outside the Apple7 and Mac2 families), then the known-answer
 * check decides. Never rejects: any failure is a refusal with its reason.
 */
export async function startGpu(
  prepare: () => Promise<{ device: string; families: string }>,
  gpu: SearchPassCall,
  cpu: SearchPassCall,
): Promise<GpuState> {
  let device: { device: string; families: string };
  try {
    device = await prepare();
  } catch (error) {
    return { kind: 'refused', reason: messageOf(error) };
  }
  try {
    const disagreement = await knownAnswerCheck(gpu, cpu);
    if (disagreement === undefined) return { kind: 'ready', device: device.device, families: device.families };
    return { kind: 'refused', reason: `${device.device}: ${disagreement}` };
  } catch (error) {
    return { kind: 'refused', reason: `${device.device}: the known-answer check could not run: ${messageOf(error)}` };
  }
}
