/** L2-normalises each of the `n` rows of a row-major n×d matrix in place; a zero row stays zero. */
export function normalizeRows(data: Float32Array, n: number, d: number): Float32Array {
  for (let i = 0; i < n; i++) {
    let sum = 0;
    const base = i * d;
    for (let j = 0; j < d; j++) sum += (data[base + j] as number) ** 2;
    if (sum === 0) continue;
    const inv = 1 / Math.sqrt(sum);
    for (let j = 0; j < d; j++) data[base + j] = (data[base + j] as number) * inv;
  }
  return data;
}
