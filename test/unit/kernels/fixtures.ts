// Seeded data for the kernel tests. "Grid" values are multiples of 1/4 in [−1, 1]: every product and
// partial sum is exact in binary32 (and binary16 for the rows), so all backends must agree exactly,
// ties included; "continuous" values exercise rounding within tolerances.
import type { EmbeddingMatrix } from '../../../app/kernels/contract.ts';
import { floatToHalfBits } from '../../../app/kernels/f16.ts';
import { mulberry32 } from '../../../app/util/mulberry32.ts';

/** Uniforms in [0, 1) from the engine's seeded generator (mulberry32). */
export const rng = mulberry32;

export function gridValues(count: number, seed: number): Float32Array {
  const next = rng(seed);
  return Float32Array.from({ length: count }, () => Math.floor(next() * 9) / 4 - 1);
}

/** Rows of unit length (Gaussian directions), as real embeddings are. */
export function unitRows(n: number, d: number, seed: number): Float32Array {
  const next = rng(seed);
  const out = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    let norm = 0;
    for (let j = 0; j < d; j++) {
      const g = Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
      out[i * d + j] = g;
      norm += g * g;
    }
    for (let j = 0; j < d; j++) out[i * d + j]! /= Math.sqrt(norm);
  }
  return out;
}

export function matrixOf(dtype: 'f32' | 'f16' | 'i8', values: Float32Array, n: number, d: number): EmbeddingMatrix {
  if (dtype === 'f32') return { dtype, data: values, n, d };
  if (dtype === 'f16') return { dtype, data: Uint16Array.from(values, floatToHalfBits), n, d };
  // Grid values ×4 are small integers; scales of 1/4 make the i8 matrix represent them exactly.
  return {
    dtype,
    data: Int8Array.from(values, (v) => Math.round(v * 4)),
    n,
    d,
    scales: new Float32Array(n).fill(0.25),
  };
}

export function randomMask(n: number, seed: number): Uint8Array {
  const next = rng(seed);
  return Uint8Array.from({ length: n }, () => (next() < 0.7 ? 1 : 0));
}
