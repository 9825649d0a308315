/**
 * McNemar's test for two rankers scored on the same queries: only the discordant queries count, b won by
 * the new ranker alone and c by the old one alone. Under "no difference" b ~ Binomial(b + c, ½); we use
 * the exact two-sided binomial p-value (Fagerland, Lydersen and Laake, "The McNemar test for binary
 * matched-pairs data: mid-p and asymptotic are better than exact conditional", BMC Med Res Methodol 2013,
 * discuss the variants; the exact one is conservative, never anti-conservative, and needs no continuity
 * correction).
 */
export interface McNemarResult {
  /** Queries the new ranker gets right and the old one wrong. */
  gained: number;
  /** Queries the old ranker gets right and the new one wrong. */
  lost: number;
  /** Exact two-sided binomial p-value: 2·P(X ≤ min(b, c)), X ~ Bin(b + c, ½), capped at 1. */
  pValue: number;
  test: 'exact binomial (two-sided)';
}

export function mcnemarExact(gained: number, lost: number): McNemarResult {
  const n = gained + lost;
  const low = Math.min(gained, lost);
  // Σ_{k ≤ low} C(n, k) / 2^n, in log space (n reaches thousands).
  let logTerm = -n * Math.LN2; // log C(n, 0)/2^n
  let tail = 0;
  for (let k = 0; k <= low; k++) {
    tail += Math.exp(logTerm);
    logTerm += Math.log((n - k) / (k + 1));
  }
  return { gained, lost, pValue: Math.min(1, 2 * tail), test: 'exact binomial (two-sided)' };
}
