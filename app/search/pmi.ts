/**
 * The scores, as pure functions (docs/architecture.md "Scores"). With s(q,i) = τ·cos(e_q, e_i) over a library
 * of N photos and lse = log Σ_j exp s(q,j):
 *
 *   query-side PMI   pmi_q(i) = (s(q,i) − (lse − ln N)) / ln 2                   bits
 *   full PMI         pmi(i)   = (s(q,i) − lse − log p̂(i)) / ln 2                  bits
 *
 * where log p̂(i) is the image prior (image-prior.ts). With the uniform prior p̂(i) = 1/N both agree.
 * A compound query sums its terms' PMI with their weights and signs: under conditional independence
 * of the terms given the photo this is the log-likelihood ratio of the conjunction (naive Bayes), so
 * the compound score is in bits like a single term and one cut-off serves both.
 */

/**
 * A photo stands out when its score is above 1 bit: it is at least twice as likely under the query as
 * under the library's background (p(i|q) ≥ 2·p̂(i)). Zero would admit half the library for a vague
 * query (PMI is centred near 0); 1 bit is the smallest whole-bit margin that says "more than by chance"
 * and needs no model-specific constant (unlike a cosine threshold).
 */
export const STAND_OUT_BITS = 1;

/**
 * A `-term` removes photos associated with it: p(i|t) > p̂(i), i.e. its PMI above 0 bits. A `+term`
 * requires the same association. (The prior being a mean over many queries, it is the "average query"
 * baseline, so 0 bits is the natural boundary of "associated".)
 */
export const ASSOCIATED_BITS = 0;

/** Full PMI in bits of every row, from one query's logits `scores` (s = τ·cos) and their `lse`. */
export function fullPmiBits(scores: Float32Array, lse: number, logPrior: Float32Array): Float32Array {
  const out = new Float32Array(scores.length);
  for (let i = 0; i < scores.length; i++) out[i] = (scores[i]! - lse - logPrior[i]!) / Math.LN2;
  return out;
}

/** Query-side PMI in bits (the prior replaced by the uniform 1/N). */
export function queryPmiBits(scores: Float32Array, lse: number): Float32Array {
  const background = lse - Math.log(scores.length);
  return scores.map((s) => (s - background) / Math.LN2);
}

/** One scored term of a compound query. */
export interface ScoredTerm {
  role: 'plain' | 'must' | 'not';
  weight: number;
  /** Full PMI bits per row. */
  bits: Float32Array;
}

/**
 * Σ_t ± w_t·pmi_t(i) per row, with −∞ for rows a `+term` or `-term` rules out (+: pmi ≤ 0, −: pmi > 0)
 * and for rows outside `mask` (filters). −∞ keeps the row scored (the explanation needs every row) but
 * never ranked.
 */
export function combineTerms(terms: readonly ScoredTerm[], n: number, mask?: Uint8Array): Float32Array {
  const out = new Float32Array(n);
  for (const term of terms) {
    const sign = term.role === 'not' ? -1 : 1;
    for (let i = 0; i < n; i++) out[i]! += sign * term.weight * term.bits[i]!;
  }
  for (const term of terms) {
    if (term.role === 'plain') continue;
    for (let i = 0; i < n; i++) {
      const associated = term.bits[i]! > ASSOCIATED_BITS;
      if (associated === (term.role === 'not')) out[i] = -Infinity;
    }
  }
  if (mask) for (let i = 0; i < n; i++) if (mask[i] === 0) out[i] = -Infinity;
  return out;
}

/** Rows whose combined score stands out, as a 0/1 mask, and how many. */
export function standOutMask(combined: Float32Array): { mask: Uint8Array; count: number } {
  const mask = new Uint8Array(combined.length);
  let count = 0;
  for (let i = 0; i < combined.length; i++) {
    if (combined[i]! > STAND_OUT_BITS) {
      mask[i] = 1;
      count++;
    }
  }
  return { mask, count };
}
