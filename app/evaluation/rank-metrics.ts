/** Recall@k, median and mean rank of one relevant item per query (ranks start at 1). */
import { ranksBefore } from '../kernels/reference.ts';

export const RECALL_AT = [1, 5, 10] as const;

export interface RankSummary {
  /** Percent of queries whose relevant item is within the top k, keyed by k. */
  recallAt: Record<(typeof RECALL_AT)[number], number>;
  medianRank: number;
  meanRank: number;
}

/**
 * The 1-based rank of `target` in `scores` under the kernels' own order (larger first, NaN as −∞, ties to
 * the lower index), i.e. its position in `kernels.topK(scores, n)`.
 */
export function rankOf(scores: Float32Array, target: number): number {
  const value = scores[target]!;
  let before = 0;
  for (let i = 0; i < scores.length; i++) if (i !== target && ranksBefore(scores[i]!, i, value, target)) before++;
  return before + 1;
}

export function summarizeRanks(ranks: readonly number[]): RankSummary {
  const sorted = [...ranks].sort((a, b) => a - b);
  const n = sorted.length;
  const mid = n >> 1;
  const percentWithin = (k: number) => (100 * sorted.filter((r) => r <= k).length) / n;
  return {
    recallAt: { 1: percentWithin(1), 5: percentWithin(5), 10: percentWithin(10) },
    medianRank: n % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2,
    meanRank: sorted.reduce((a, b) => a + b, 0) / n,
  };
}
