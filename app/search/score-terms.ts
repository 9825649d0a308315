/**
 * Scoring a query's terms over the library: the one code path behind `eidos search`, `eidos explain`
 * and `eidos eval`. Per term one fused kernel pass (logits s = τ·cos and their log-sum-exp), its full
 * PMI in bits under the image prior, then the terms combined (pmi.ts).
 */
import type { EmbeddingMatrix } from '../kernels/contract.ts';
import { kernels } from '../kernels/index.ts';
import { combineTerms, fullPmiBits, type ScoredTerm } from './pmi.ts';

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
}

export function scoreTerms(
  matrix: EmbeddingMatrix,
  terms: readonly TermInput[],
  tau: number,
  logPrior: Float32Array,
): { terms: TermScore[]; combined: Float32Array } {
  const scored = terms.map((term): TermScore => {
    const pass = kernels.searchPass(matrix, term.vector, tau, 1, undefined, true);
    const logits = pass.scores!;
    return {
      role: term.role,
      weight: term.weight,
      logits,
      lse: pass.lse,
      bits: fullPmiBits(logits, pass.lse, logPrior),
    };
  });
  return { terms: scored, combined: combineTerms(scored, matrix.n) };
}
