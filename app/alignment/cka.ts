/**
 * Linear centred kernel alignment (Kornblith, Norouzi, Lee and Hinton, "Similarity of Neural Network
 * Representations Revisited", ICML 2019, arXiv:1905.00414, eq. 5): with X (n×d_A) and Y (n×d_B)
 * column-centred,
 *   CKA(X, Y) = ‖YᵀX‖²_F / (‖XᵀX‖_F · ‖YᵀY‖_F).
 * It is invariant to rotations and isotropic scaling of either side, 1 for identical representations.
 * Computed from the d×d (cross-)covariances, never the n×n Gram matrices: n·(d_A + d_B)² work and
 * d² memory, which is what a library of 100k photos with d ≈ 512 needs. The products run in the
 * native scoring kernel (each chunk of rows transposed so the kernel's rows are dimensions), in f32
 * within a chunk and summed over chunks in f64.
 */
import type { EmbeddingMatrix } from '../kernels/contract.ts';
import { kernels } from '../kernels/index.ts';
import { rowsAsF32, type ExactMatrix } from './rows.ts';

/** Rows per chunk: a 512-d chunk transposed is 4 MB of f32. */
const CHUNK_ROWS = 2048;

/** Column means in f64. */
function columnMeans(matrix: ExactMatrix): Float64Array {
  const { n, d } = matrix;
  const means = new Float64Array(d);
  for (let begin = 0; begin < n; begin += CHUNK_ROWS) {
    const end = Math.min(n, begin + CHUNK_ROWS);
    const rows = rowsAsF32(matrix, begin, end);
    for (let r = 0; r < end - begin; r++) for (let j = 0; j < d; j++) means[j]! += rows[r * d + j]!;
  }
  for (let j = 0; j < d; j++) means[j]! /= n;
  return means;
}

/** Rows [begin, end), centred and transposed: a d × (end − begin) f32 matrix whose rows are dimensions. */
function centredTranspose(matrix: ExactMatrix, means: Float64Array, begin: number, end: number): EmbeddingMatrix {
  const { d } = matrix;
  const c = end - begin;
  const rows = rowsAsF32(matrix, begin, end);
  const out = new Float32Array(d * c);
  for (let r = 0; r < c; r++) for (let j = 0; j < d; j++) out[j * c + r] = rows[r * d + j]! - means[j]!;
  return { dtype: 'f32', data: out, n: d, d: c };
}

function addInto(total: Float64Array, part: Float32Array): void {
  for (let i = 0; i < part.length; i++) total[i]! += part[i]!;
}

function squaredNorm(values: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]! * values[i]!;
  return sum;
}

/** Linear CKA of two representations of the same n items (row i of each is item i). */
export async function linearCka(a: ExactMatrix, b: ExactMatrix): Promise<number> {
  if (a.n !== b.n) throw new RangeError(`CKA needs the same items on both sides, got ${a.n} and ${b.n} rows`);
  const meansA = columnMeans(a);
  const meansB = columnMeans(b);
  const aa = new Float64Array(a.d * a.d);
  const bb = new Float64Array(b.d * b.d);
  const ba = new Float64Array(b.d * a.d);
  for (let begin = 0; begin < a.n; begin += CHUNK_ROWS) {
    const end = Math.min(a.n, begin + CHUNK_ROWS);
    const at = centredTranspose(a, meansA, begin, end);
    const bt = centredTranspose(b, meansB, begin, end);
    addInto(aa, await kernels.scoresAsync(at, at.data as Float32Array, a.d));
    addInto(bb, await kernels.scoresAsync(bt, bt.data as Float32Array, b.d));
    addInto(ba, await kernels.scoresAsync(at, bt.data as Float32Array, b.d));
  }
  // ‖XᵀX‖_F = √(‖XᵀX‖²_F): written so that identical sides give exactly 1 (√(s²) = s in IEEE arithmetic).
  return squaredNorm(ba) / Math.sqrt(squaredNorm(aa) * squaredNorm(bb));
}
