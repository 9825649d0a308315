/**
 * How well a "stands out" rule separates a query's own photo from the rest, on embeddings where each
 * query has exactly one relevant image: per query, (1) does its image stand out in the full gallery,
 * and (2) how many photos stand out once its image is removed (all of them wrongly). Scores come from
 * scoreTerms over the gallery as the product would hold it (the prior estimated over that gallery).
 */
import type { EmbeddingMatrix } from '../kernels/contract.ts';
import { estimateLogPrior, pickRows, priorTau, type QueryBank } from '../search/image-prior.ts';
import { queryInformationBits } from '../explain/query-bound.ts';
import { scoreTerms } from '../search/score-terms.ts';

/** A cut-off in bits as a function of the query's information (bits). */
export type StandOutRule = (queryBits: number) => number;

export interface StandOutPoint {
  /** Percent of queries whose own image stands out. */
  targetStandsOut: number;
  /** Median (and mean) number of photos standing out with the query's own image removed. */
  medianWithoutTarget: number;
  meanWithoutTarget: number;
}

interface QueryScores {
  queryBits: number;
  targetBits: number;
  /** Combined bits of every other photo, scored on the gallery without the target. */
  othersWithout: Float32Array;
  queryBitsWithout: number;
}

/** Scores every query twice (with and without its image); `rules` are then cheap to compare. */
export async function standOutScores(
  images: EmbeddingMatrix,
  queries: Float32Array,
  nq: number,
  tau: number,
  bank: QueryBank,
): Promise<QueryScores[]> {
  const { d } = images;
  const full = (await estimateLogPrior(images, bank, priorTau(tau))).logPrior;
  const out: QueryScores[] = [];
  for (let q = 0; q < nq; q++) {
    const vector = queries.subarray(q * d, q * d + d);
    const term = [{ role: 'plain' as const, weight: 1, vector }];
    const withTarget = scoreTerms(images, term, tau, full);
    const others = pickRows(
      images,
      Array.from({ length: images.n - 1 }, (_, i) => (i < q ? i : i + 1)),
    );
    const prior = (await estimateLogPrior(others, bank, priorTau(tau))).logPrior;
    const without = scoreTerms(others, term, tau, prior);
    out.push({
      queryBits: queryInformationBits(withTarget.terms[0]!.logits, 1, withTarget.terms[0]!.lse),
      targetBits: withTarget.combined[q]!,
      othersWithout: without.combined,
      queryBitsWithout: queryInformationBits(without.terms[0]!.logits, 1, without.terms[0]!.lse),
    });
  }
  return out;
}

/** One point of the two curves; the rule sees each gallery's own query information, as search would. */
export function standOutPoint(scores: readonly QueryScores[], rule: StandOutRule): StandOutPoint {
  let standing = 0;
  const counts = scores.map((s) => {
    if (s.targetBits > rule(s.queryBits)) standing++;
    const cutoff = rule(s.queryBitsWithout);
    return s.othersWithout.reduce((n, v) => (v > cutoff ? n + 1 : n), 0);
  });
  const sorted = counts.sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return {
    targetStandsOut: (100 * standing) / scores.length,
    medianWithoutTarget: sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2,
    meanWithoutTarget: sorted.reduce((a, b) => a + b, 0) / sorted.length,
  };
}
