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
 * A photo stands out when its score carries at least 55% of the query's information about the library,
 * log2 N − H(p(·|q)) bits, and never less than 1 bit (twice as likely under the query as an average photo
 * here). A specific query (much information) must single photos out by a wide margin; a vague one gets
 * the 1-bit floor; and the margin grows with the library (log2 N), which a fixed number of bits would not.
 * Chosen on real CLIP embeddings (test/bench/quality.ts, Flickr8k dev, 1000 photos, the rule fixed before
 * looking: the smallest median of photos standing out without the query's own photo, among rules keeping
 * that photo standing out for ≥ 90% of captions): 90.3% stand out, and the median without it is 8
 * photos, against 97.1% and 24 for the old fixed 1 bit.
 */
export const STAND_OUT_SHARE = 0.55;
export const STAND_OUT_FLOOR_BITS = 1;

/**
 * The cut-off in bits for a query carrying `queryBits` of information. A query under 1 bit picks out
 * nothing (+∞): it barely tells one photo here from another, and a photo clearing 1 bit for it does so
 * through the prior alone (an image close to nothing). No Flickr8k caption carries under 2 bits, so this
 * leaves the measured curves unchanged.
 */
export function standOutBits(queryBits: number): number {
  if (!(queryBits >= STAND_OUT_FLOOR_BITS)) return Infinity;
  return Math.max(STAND_OUT_FLOOR_BITS, STAND_OUT_SHARE * queryBits);
}

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
 * never ranked. The result may be the one term's own `bits`.
 */
export function combineTerms(terms: readonly ScoredTerm[], n: number, mask?: Uint8Array): Float32Array {
  // One plain term of weight 1 is its own combination: its bits, not a copy of them (callers only read).
  if (terms.length === 1 && terms[0]!.role === 'plain' && terms[0]!.weight === 1 && !mask) return terms[0]!.bits;
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

/**
 * The rows whose combined score is above `cutoff` bits (standOutBits; −∞ gives every row that may rank),
 * ascending. Usually few rows stand out, so the ranking then sorts these alone.
 */
export function rowsAbove(combined: Float32Array, cutoff: number): Uint32Array {
  let count = 0;
  for (let i = 0; i < combined.length; i++) if (combined[i]! > cutoff) count++;
  const rows = new Uint32Array(count);
  for (let i = 0, k = 0; k < count; i++) if (combined[i]! > cutoff) rows[k++] = i;
  return rows;
}
