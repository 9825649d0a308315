/**
 * `size` distinct indices of 0…n − 1 drawn uniformly without replacement from a seed, in the order they
 * were drawn (a partial Fisher–Yates shuffle with mulberry32): the first k of them are themselves a
 * uniform draw of k, which a caller may use (k-means starts from them).
 */
import { mulberry32 } from './mulberry32.ts';

export function drawWithoutReplacement(n: number, size: number, seed: number): Uint32Array {
  const count = Math.min(size, n);
  const random = mulberry32(seed);
  const pool = new Uint32Array(n);
  for (let i = 0; i < n; i++) pool[i] = i;
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(random() * (n - i));
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, count);
}
