/**
 * A percentile bootstrap interval for the mean of per-item values (Efron and Tibshirani, "An Introduction
 * to the Bootstrap", 1993, ch. 13): resample the n items with replacement, take each resample's mean,
 * and report the (1 − level)/2 and (1 + level)/2 quantiles of those means. Seeded, so the same items
 * give the same interval. The values are small integers (neighbour overlaps), summed exactly. For the
 * alignment the per-item overlaps come from the whole library's neighbourhoods, which stay fixed: the
 * interval says how much the figure depends on which photos were there to average over.
 */
import { mulberry32 } from '../util/mulberry32.ts';

export interface BootstrapInterval {
  low: number;
  high: number;
  /** Coverage asked for, e.g. 0.95. */
  level: number;
  resamples: number;
  seed: number;
  method: 'percentile';
}

export const DEFAULT_RESAMPLES = 1000;
export const DEFAULT_SEED = 1;
export const DEFAULT_LEVEL = 0.95;

/**
 * The interval of mean(values) / scale. `yieldEvery` is awaited every 100 resamples so a caller on a
 * server thread can answer other requests between them (1000 resamples of 100k items take ~1 s).
 */
export async function bootstrapMeanInterval(
  values: ArrayLike<number>,
  scale: number,
  options: { resamples?: number; seed?: number; level?: number; yieldEvery?: () => Promise<void> } = {},
): Promise<BootstrapInterval> {
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  const seed = options.seed ?? DEFAULT_SEED;
  const level = options.level ?? DEFAULT_LEVEL;
  const n = values.length;
  const random = mulberry32(seed);
  const means = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let total = 0;
    for (let i = 0; i < n; i++) total += values[Math.floor(random() * n)]!;
    means[r] = total / (n * scale);
    if (options.yieldEvery && r % 100 === 99) await options.yieldEvery();
  }
  means.sort();
  return {
    low: quantile(means, (1 - level) / 2),
    high: quantile(means, (1 + level) / 2),
    level,
    resamples,
    seed,
    method: 'percentile',
  };
}

/** The p-quantile of sorted values, linearly interpolated (type 7, as R and NumPy default). */
function quantile(sorted: Float64Array, p: number): number {
  const at = p * (sorted.length - 1);
  const below = Math.floor(at);
  const above = Math.min(sorted.length - 1, below + 1);
  return sorted[below]! + (at - below) * (sorted[above]! - sorted[below]!);
}
