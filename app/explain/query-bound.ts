/**
 * How much the model's scores say about the query, from the library scores alone (docs/architecture.md "Scores").
 *
 * InfoNCE bound (app/mi/infonce.ts): the query q is paired with each of its top-k photos i as a positive,
 * and each positive is classified against ALL N library photos as the candidate batch, with the model's
 * own critic s(q,j) = τ·cos(e_q, e_j):
 *
 *   L_i = −log( e^{s(q,i)} / Σ_j e^{s(q,j)} ) = lse − s(q,i),   L = mean over the top-k of L_i,
 *   bound = log N − L = mean over the top-k of pmi_q(i)   (in bits; never above log2 N).
 *
 * Any per-query constant in the scores cancels between s(q,i) and lse, so query-side PMI in bits serves
 * as well as the logits themselves ('pmi-bits': s = ln 2 · rowScore), and cosines need τ ('cosine').
 *
 * Reading it: the bound certifies how well the critic singles out the top-k as a whole. It turns ≤ 0
 * when p(·|q) puts its mass on far fewer than k photos (the lower-ranked of the k then have negative
 * PMI), e.g. a precise compound query; it is then no evidence either way. Drawing the positives from
 * p(·|q) itself instead of taking the top-k gives L = H(p(·|q)), i.e. exactly the query information below.
 *
 * Query information: log2 N − H(p(·|q)) with p(·|q) = softmax_j s(q,j), H = lse − Σ_j p_j s_j (nats).
 */
import type { Kernels } from '../kernels/contract.ts';
import { infoNceBoundFromLosses } from '../mi/infonce.ts';
import type { InfoNceSummary, RowScoreKind } from './types.ts';

/** The factor that turns a row score into the model's logit (up to a per-query constant). */
export function logitScale(scoreKind: RowScoreKind, tau: number): number {
  return scoreKind === 'cosine' ? tau : Math.LN2;
}

export function queryInfoNce(
  rowScores: Float32Array,
  topRows: Uint32Array,
  scale: number,
  kernels: Pick<Kernels, 'logSumExp'>,
): { infoNce: InfoNceSummary; lse: number } {
  const n = rowScores.length;
  const lse = kernels.logSumExp(rowScores, scale);
  const losses = Float64Array.from(topRows, (row) => lse - scale * rowScores[row]!);
  const infoNce = {
    bits: infoNceBoundFromLosses(losses, n),
    positives: topRows.length,
    candidates: n,
    ceilingBits: Math.log2(n),
  };
  return { infoNce, lse };
}

export function queryInformationBits(rowScores: Float32Array, scale: number, lse: number): number {
  let expectedLogit = 0;
  for (let j = 0; j < rowScores.length; j++) {
    const logit = scale * rowScores[j]!;
    if (logit === -Infinity) continue; // p = 0: no contribution (0 · −∞ would be NaN)
    expectedLogit += Math.exp(logit - lse) * logit;
  }
  const entropyNats = lse - expectedLogit;
  return Math.log2(rowScores.length) - entropyNats / Math.LN2;
}
