/**
 * Building embedding matrices. The buffer is sized to a whole number of 16 KiB pages (Apple Silicon's
 * page size, a multiple of 4 KiB pages elsewhere) so the Metal backend can map it without a copy: Metal's
 * newBufferWithBytesNoCopy needs a page-aligned pointer and a page-multiple length. V8 takes large
 * ArrayBuffers straight from the system allocator, whose large allocations are page-aligned on macOS;
 * the native side checks the pointer anyway and falls back to the CPU when it is not aligned. (External
 * buffers allocated by the addon are not an option: Electron's V8 memory cage forbids them.)
 */
import { EidosError } from '../contract/errors.ts';
import type { EmbeddingMatrix } from './contract.ts';

export const PAGE_BYTES = 16384;

const bytesPerValue = { f32: 4, f16: 2, i8: 1 } as const;

/** A zeroed n×d matrix whose buffer is a page multiple (see above). */
export function allocateMatrix<D extends EmbeddingMatrix['dtype']>(
  dtype: D,
  n: number,
  d: number,
): Extract<EmbeddingMatrix, { dtype: D }> {
  if (!Number.isSafeInteger(n) || n < 0 || !Number.isSafeInteger(d) || d < 1) {
    throw new EidosError('BAD_ARGUMENT', `a matrix needs integer n ≥ 0 and d ≥ 1, got n = ${n}, d = ${d}`);
  }
  const bytes = Math.max(PAGE_BYTES, Math.ceil((n * d * bytesPerValue[dtype]) / PAGE_BYTES) * PAGE_BYTES);
  const buffer = new ArrayBuffer(bytes);
  const matrix =
    dtype === 'f32'
      ? { dtype, data: new Float32Array(buffer, 0, n * d), n, d }
      : dtype === 'f16'
        ? { dtype, data: new Uint16Array(buffer, 0, n * d), n, d }
        : { dtype, data: new Int8Array(buffer, 0, n * d), n, d, scales: new Float32Array(n) };
  return matrix as Extract<EmbeddingMatrix, { dtype: D }>;
}

/**
 * Symmetric per-row int8 quantisation: row i ≈ scales[i]·q, scales[i] = max|row i| / 127. Scores from
 * it are approximate (error ≤ ½·scale·Σ|query|); use it for a first pass and re-rank the candidates
 * with the exact matrix.
 */
export function quantizeI8(
  matrix: Extract<EmbeddingMatrix, { dtype: 'f32' }>,
): Extract<EmbeddingMatrix, { dtype: 'i8' }> {
  const { n, d, data } = matrix;
  const out = allocateMatrix('i8', n, d);
  for (let i = 0; i < n; i++) {
    let largest = 0;
    for (let j = 0; j < d; j++) largest = Math.max(largest, Math.abs(data[i * d + j]!));
    const scale = largest / 127;
    out.scales[i] = scale;
    if (scale === 0) continue;
    for (let j = 0; j < d; j++) out.data[i * d + j] = Math.round(data[i * d + j]! / scale);
  }
  return out;
}
