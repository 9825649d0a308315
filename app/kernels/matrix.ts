/**
 * Building embedding matrices. Their rows start on a VM page and span a whole number of 16 KiB pages
 * (Apple Silicon's page size, a multiple of 4 KiB pages elsewhere), so the Metal backend can wrap them
 * without a copy: newBufferWithBytesNoCopy needs a page-aligned pointer and a page-multiple length.
 * JavaScript cannot ask for an aligned ArrayBuffer, so the buffer is one page larger and the rows start
 * where the addon says a page does (pageOffset; builds without Metal start at 0). The native side checks
 * both again and copies the rows into a Metal buffer when they do not hold. (External buffers allocated
 * by the addon are not an option: Electron's V8 memory cage forbids them.)
 */
import { EidosError } from '../contract/errors.ts';
import type { EmbeddingMatrix } from './contract.ts';
import { nativePageOffset } from './index.ts';

const PAGE_BYTES = 16384;

/** `bytes` zeroed bytes (rounded up to whole 16 KiB pages) starting on a VM page where the addon can tell. */
export function pageAlignedBytes(bytes: number): Uint8Array {
  const length = Math.max(PAGE_BYTES, Math.ceil(bytes / PAGE_BYTES) * PAGE_BYTES);
  const pageOffset = nativePageOffset();
  if (pageOffset === undefined) return new Uint8Array(length);
  const buffer = new ArrayBuffer(length + PAGE_BYTES);
  const { pageBytes, offset } = pageOffset(buffer);
  return new Uint8Array(buffer, (pageBytes - offset) % pageBytes, length);
}

const bytesPerValue = { f32: 4, f16: 2, i8: 1 } as const;

/** A zeroed n×d matrix placed for the GPU (see above). */
export function allocateMatrix<D extends EmbeddingMatrix['dtype']>(
  dtype: D,
  n: number,
  d: number,
): Extract<EmbeddingMatrix, { dtype: D }> {
  if (!Number.isSafeInteger(n) || n < 0 || !Number.isSafeInteger(d) || d < 1) {
    throw new EidosError('BAD_ARGUMENT', `a matrix needs integer n ≥ 0 and d ≥ 1, got n = ${n}, d = ${d}`);
  }
  const { buffer, byteOffset } = pageAlignedBytes(n * d * bytesPerValue[dtype]);
  const matrix =
    dtype === 'f32'
      ? { dtype, data: new Float32Array(buffer, byteOffset, n * d), n, d }
      : dtype === 'f16'
        ? { dtype, data: new Uint16Array(buffer, byteOffset, n * d), n, d }
        : { dtype, data: new Int8Array(buffer, byteOffset, n * d), n, d, scales: new Float32Array(n) };
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
