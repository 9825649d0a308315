/**
 * Retrieval quality of the product's own scorer on precomputed embeddings (`eidos eval --embeddings`):
 * each query is scored by scoreTerms (the code `eidos search` runs: kernels, image prior, full PMI) and
 * ranked in the kernels' order; cosine is the same pass's logits. The image prior is estimated over the
 * bank exactly as the index estimates it over the concept prompts (image-prior.ts); without a bank the
 * prior is uniform and full PMI ranks as cosine does.
 */
import type { EmbeddingMatrix } from '../kernels/contract.ts';
import { kernels } from '../kernels/index.ts';
import { estimateLogPrior, priorTau } from '../search/image-prior.ts';
import { scoreTerms } from '../search/score-terms.ts';
import { hubness, type Hubness } from './hubness.ts';
import { mcnemarExact, type McNemarResult } from './mcnemar.ts';
import { rankOf, summarizeRanks, type RankSummary } from './rank-metrics.ts';
import type { EmbeddingSet } from './embedding-set.ts';
import { pairedAlignment, type PairedAlignment } from './paired-alignment.ts';

/** Hubness is measured on the top 10 (N₁₀), the list a user sees first. */
export const HUBNESS_K = 10;

export interface RankingReport extends RankSummary {
  hubness: Hubness;
}

export interface EmbeddingEvalReport {
  images: number;
  queries: number;
  dim: number;
  dtype: EmbeddingMatrix['dtype'];
  tau: number;
  /** Bank rows and the logit scale of its softmax; undefined: uniform prior. */
  bank?: { rows: number; priorTau: number };
  cosine: RankingReport;
  pmi: RankingReport;
  /** Full PMI against cosine on R@1, query by query. */
  vsCosine: McNemarResult;
  /** How alike the images' and the queries' neighbourhoods are (row i with row i). */
  alignment: PairedAlignment;
}

/** Ranks and top-10 lists of one ranking, per query. */
export interface QueryRanks {
  ranks: number[];
  tops: Uint32Array[];
}

export async function evaluateEmbeddings(set: EmbeddingSet, tau: number): Promise<EmbeddingEvalReport> {
  const { images, bank } = set;
  const logPrior = bank ? (await estimateLogPrior(images, bank, priorTau(tau))).logPrior : uniformLogPrior(images.n);
  const { cosine, pmi } = rankQueries(images, set.queries, set.nq, tau, logPrior);
  return {
    images: images.n,
    queries: set.nq,
    dim: images.d,
    dtype: images.dtype,
    tau,
    ...(bank ? { bank: { rows: bank.nb, priorTau: priorTau(tau) } } : {}),
    cosine: report(cosine, images.n),
    pmi: report(pmi, images.n),
    vsCosine: compareAtOne(pmi.ranks, cosine.ranks),
    alignment: await pairedAlignment(images, set.queries),
  };
}

/** Query q's relevant image is row q. Cosine ranks by the logits; full PMI by scoreTerms' combined bits. */
export function rankQueries(
  images: EmbeddingMatrix,
  queries: Float32Array,
  nq: number,
  tau: number,
  logPrior: Float32Array,
): { cosine: QueryRanks; pmi: QueryRanks } {
  return rankQueriesFrom(images, queries, nq, 0, tau, logPrior);
}

/** As rankQueries, with query q's relevant image at row `firstRow` + q. */
export function rankQueriesFrom(
  images: EmbeddingMatrix,
  queries: Float32Array,
  nq: number,
  firstRow: number,
  tau: number,
  logPrior: Float32Array,
): { cosine: QueryRanks; pmi: QueryRanks } {
  const { d } = images;
  const cosine: QueryRanks = { ranks: [], tops: [] };
  const pmi: QueryRanks = { ranks: [], tops: [] };
  for (let q = 0; q < nq; q++) {
    const vector = queries.subarray(q * d, q * d + d);
    const { terms, combined } = scoreTerms(images, [{ role: 'plain', weight: 1, vector }], tau, logPrior);
    const logits = terms[0]!.logits;
    cosine.ranks.push(rankOf(logits, firstRow + q));
    cosine.tops.push(kernels.topK(logits, HUBNESS_K).indices);
    pmi.ranks.push(rankOf(combined, firstRow + q));
    pmi.tops.push(kernels.topK(combined, HUBNESS_K).indices);
  }
  return { cosine, pmi };
}

export function uniformLogPrior(n: number): Float32Array {
  return new Float32Array(n).fill(-Math.log(n));
}

function report(ranking: QueryRanks, images: number): RankingReport {
  return { ...summarizeRanks(ranking.ranks), hubness: hubness(ranking.tops, images, HUBNESS_K) };
}

/** McNemar on "relevant image first": gained = PMI first and cosine not, lost = the reverse. */
export function compareAtOne(ranks: readonly number[], baseline: readonly number[]): McNemarResult {
  let gained = 0;
  let lost = 0;
  ranks.forEach((rank, q) => {
    if (rank === 1 && baseline[q] !== 1) gained++;
    if (rank !== 1 && baseline[q] === 1) lost++;
  });
  return mcnemarExact(gained, lost);
}
