/**
 * Equal-frequency binning of a feature-major F×N matrix by the rule of app/mi/equal-frequency-bins.ts
 * (a value whose first occurrence in sorted order has rank r goes to bin ⌊r·B/N⌋), without sorting.
 * That module is the reference and the parity oracle; this is the explanation's fast path, because a
 * full comparator sort of 1000 features × ~1000 samples costs ~0.7 s, most of the explanation budget.
 *
 * Why B − 1 order statistics suffice: with r(v) = #{values < v} and t_b = the value of sorted rank
 * ⌈bN/B⌉ − 1, ⌊r(v)·B/N⌋ ≥ b ⇔ r(v) ≥ ⌈bN/B⌉ ⇔ t_b < v. So bin(v) = #{b ∈ 1…B−1 : t_b < v}, ties
 * included, and the t_b come from quickselect (expected O(N) each) instead of an O(N log N) sort.
 */
import { EidosError } from '../contract/errors.ts';
import { MAX_BINS } from '../mi/equal-frequency-bins.ts';

export function quantileBinMatrix(
  values: Float32Array,
  featureCount: number,
  sampleCount: number,
  bins: number,
): Uint8Array {
  if (!Number.isInteger(bins) || bins < 1 || bins > MAX_BINS) {
    throw new EidosError('BAD_ARGUMENT', `bin count ${bins} is invalid: use an integer from 1 to ${MAX_BINS}.`);
  }
  if (values.length !== featureCount * sampleCount || sampleCount < 1) {
    throw new EidosError(
      'BAD_ARGUMENT',
      `feature matrix has ${values.length} values, expected ${featureCount} features × ${sampleCount} samples; pass it feature-major.`,
    );
  }
  const out = new Uint8Array(values.length);
  const scratch = new Float32Array(sampleCount);
  const thresholds = new Float32Array(bins - 1);
  for (let f = 0; f < featureCount; f++) {
    const start = f * sampleCount;
    const column = values.subarray(start, start + sampleCount);
    checkFinite(column, start);
    scratch.set(column);
    // Ascending ranks: after selecting rank r, everything right of r is ≥ it, so the next search starts there.
    let from = 0;
    for (let b = 1; b < bins; b++) {
      const rank = Math.ceil((b * sampleCount) / bins) - 1;
      selectInPlace(scratch, from, sampleCount - 1, rank);
      thresholds[b - 1] = scratch[rank]!;
      from = rank;
    }
    for (let i = 0; i < sampleCount; i++) {
      const v = column[i]!;
      let bin = 0;
      for (let b = 0; b < bins - 1; b++) if (thresholds[b]! < v) bin++;
      out[start + i] = bin;
    }
  }
  return out;
}

function checkFinite(column: Float32Array, start: number): void {
  for (let i = 0; i < column.length; i++) {
    if (!Number.isFinite(column[i]!)) {
      throw new EidosError(
        'BAD_ARGUMENT',
        `value ${column[i]} at position ${start + i} cannot be binned: features must be finite numbers (check the encoder output).`,
      );
    }
  }
}

/**
 * Hoare's FIND (CACM 4(7), 1961, Algorithm 65): afterwards a[k] holds the value of rank k within a[lo…hi]
 * and the range is partitioned around it. Median-of-three pivots; runs of equal values split evenly, so
 * a constant feature costs O(N log N) at worst, not O(N²).
 */
function selectInPlace(a: Float32Array, lo: number, hi: number, k: number): void {
  while (hi > lo) {
    const x = a[lo]!;
    const y = a[(lo + hi) >>> 1]!;
    const z = a[hi]!;
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return; // a[j+1 … i−1] all equal the pivot
  }
}
