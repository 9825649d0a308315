/**
 * The photos an alignment is measured on. Mutual-kNN alignment depends on how many items it is measured
 * over (with more items, each neighbourhood is a smaller share of the set), so Eidos states its N and
 * by default measures it as Huh et al. (2024, "The Platonic Representation Hypothesis") do: on 1,024
 * sampled items. The sample is seeded, so a library gives the same figure every time; every photo is
 * used on request.
 */
import { drawWithoutReplacement } from '../util/draw-without-replacement.ts';

/** Huh et al.'s sample size. */
export const DEFAULT_SAMPLE = 1024;
export const DEFAULT_SAMPLE_SEED = 1;

/**
 * `size` distinct indices of 0…n − 1 drawn uniformly without replacement (a partial Fisher–Yates
 * shuffle from the seed), in increasing order; all of them when `size` ≥ n.
 */
export function sampleRows(n: number, size: number, seed: number = DEFAULT_SAMPLE_SEED): number[] {
  if (size >= n) return Array.from({ length: n }, (_, i) => i);
  return Array.from(drawWithoutReplacement(n, size, seed)).sort((a, b) => a - b);
}
