/** Reading and selecting rows of an embedding matrix (f32 or f16) as plain f32. */
import { EidosError } from '../contract/errors.ts';
import type { EmbeddingMatrix } from '../kernels/contract.ts';
import { kernels } from '../kernels/index.ts';
import { allocateMatrix } from '../kernels/matrix.ts';

/** A matrix whose rows this folder can read: the index's f32 or f16 (i8 is an approximate first pass only). */
export type ExactMatrix = Extract<EmbeddingMatrix, { dtype: 'f32' | 'f16' }>;

/** Rows [begin, end) as f32, row-major. */
export function rowsAsF32(matrix: ExactMatrix, begin: number, end: number): Float32Array {
  const [from, to] = [begin * matrix.d, end * matrix.d];
  return matrix.dtype === 'f32' ? matrix.data.subarray(from, to) : kernels.f16ToF32(matrix.data.subarray(from, to));
}

/** A new matrix of the given rows, in order, in the same dtype. */
export function selectRows(matrix: ExactMatrix, rows: ArrayLike<number>): ExactMatrix {
  const { d } = matrix;
  const out = allocateMatrix(matrix.dtype, rows.length, d);
  for (let r = 0; r < rows.length; r++) {
    const from = rows[r]!;
    if (!(from >= 0 && from < matrix.n))
      throw new EidosError('INTERNAL', `row ${from} is outside the ${matrix.n} rows`);
    if (matrix.dtype === 'f32') (out.data as Float32Array).set(matrix.data.subarray(from * d, from * d + d), r * d);
    else (out.data as Uint16Array).set(matrix.data.subarray(from * d, from * d + d), r * d);
  }
  return out;
}
