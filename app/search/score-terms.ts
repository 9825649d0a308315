/**
 * Scoring a query's terms over the library: the one code path behind `eidos search`, `eidos explain`
 * and `eidos eval`. Per term one fused kernel pass (logits s = τ·cos, their log-sum-exp and softmax
 * entropy), its full PMI in bits under the image prior, then the terms combined (pmi.ts).
 */
import type { EmbeddingMatrix, SearchPassResult } from '../kernels/contract.ts';
import { kernels } from '../kernels/index.ts';
import { combineTerms, fullPmiBits, type ScoredTerm } from './pmi.ts';
import type { StageClock } from './stage-clock.ts';

export interface TermInput {
  role: ScoredTerm['role'];
  weight: number;
  /** The term's L2-normalised query vector (d values). */
  vector: Float32Array;
}

export interface TermScore extends ScoredTerm {
  /** The term's logits s(q,i) = τ·cos. */
  logits: Float32Array;
  lse: number;
  /** H(p(·|term)) in nats over the whole library. */
  entropy: number;
}

type Scored = { terms: TermScore[]; combined: Float32Array };

/** On the calling thread (evaluation loops over thousands of queries). */
export function scoreTerms(
  matrix: EmbeddingMatrix,
  terms: readonly TermInput[],
  tau: number,
  logPrior: Float32Array,
): Scored {
  const passes = terms.map((term) => kernels.searchPass(matrix, term.vector, tau, 1, undefined, true));
  return fromPasses(terms, passes, matrix.n, logPrior);
}

/** Off the calling thread (the search: the event loop stays free, and on Macs the pass runs on the GPU). */
export async function scoreTermsAsync(
  matrix: EmbeddingMatrix,
  terms: readonly TermInput[],
  tau: number,
  logPrior: Float32Array,
  clock?: StageClock,
): Promise<Scored> {
  const passes = await Promise.all(
    terms.map((term) => kernels.searchPassAsync(matrix, term.vector, tau, 1, undefined, true)),
  );
  clock?.lap('kernel pass');
  return fromPasses(terms, passes, matrix.n, logPrior);
}

function fromPasses(
  terms: readonly TermInput[],
  passes: readonly SearchPassResult[],
  n: number,
  logPrior: Float32Array,
): Scored {
  const scored = terms.map((term, k): TermScore => {
    const { scores, lse, entropy } = passes[k]!;
    return {
      role: term.role,
      weight: term.weight,
      logits: scores!,
      lse,
      entropy,
      bits: fullPmiBits(scores!, lse, logPrior),
    };
  });
  return { terms: scored, combined: combineTerms(scored, n) };
}
