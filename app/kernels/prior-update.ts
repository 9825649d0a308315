/**
 * Keeping the image prior current as the library changes, without recomputing it each time.
 *
 * The state is L_b = log Σ_i exp s(b,i), one number per bank query (kernels.bankLogSumExp). Since
 * L_b is a log of a sum over rows, rows added or removed change it exactly through the log-sum-exp of
 * just those rows (`mergeBankLse`, `removeBankLse`); new rows then get their prior from
 * kernels.logPrior(newRows, bank, nb, tau, updatedLse). An existing row's log p̂(i) is a log-mean of
 * exp(s(b,i) − L_b), so when every L_b moves by Δ_b it moves by at most max_b |Δ_b| (`priorDrift`):
 * recompute all rows only once that bound exceeds the tolerance that matters to the ranking.
 */

/** L_b over the union of two disjoint row sets, from each set's L_b. */
export function mergeBankLse(a: Float64Array, b: Float64Array): Float64Array {
  return a.map((x, i) => logAddExp(x, b[i]!));
}

/**
 * L_b after removing rows whose own L_b is `removed`. Returns undefined when cancellation would lose
 * the precision that matters (the removed rows carry nearly all the mass): recompute then.
 */
export function removeBankLse(total: Float64Array, removed: Float64Array): Float64Array | undefined {
  const out = new Float64Array(total.length);
  for (let b = 0; b < total.length; b++) {
    const gap = removed[b]! - total[b]!; // ≤ 0: the removed rows' share is e^gap
    if (gap > -1e-6) return undefined;
    out[b] = total[b]! + Math.log1p(-Math.exp(gap));
  }
  return out;
}

/** Bound on how far any stored log-prior moved when the per-bank state went from `before` to `after`. */
export function priorDrift(before: Float64Array, after: Float64Array): number {
  let drift = 0;
  for (let b = 0; b < before.length; b++) drift = Math.max(drift, Math.abs(after[b]! - before[b]!));
  return drift;
}

/**
 * After adding rows, log of the share of the prior mass the old rows keep: Σ_{i old} p̂_new(i) =
 * mean_b Σ_{i old} p_old(i|b)·e^{L_b,before − L_b,after} = mean_b e^{L_b,before − L_b,after} (each old
 * p(·|b) sums to 1 over the old rows). Adding it to every stored log-prior makes their total mass exact,
 * which removes the common part of the drift (a shift that changes no ranking) and leaves its spread.
 */
export function keptMassLog(before: Float64Array, after: Float64Array): number {
  let sum = 0;
  for (let b = 0; b < before.length; b++) sum += Math.exp(before[b]! - after[b]!);
  return Math.log(sum / before.length);
}

function logAddExp(x: number, y: number): number {
  if (x === -Infinity) return y;
  if (y === -Infinity) return x;
  const max = Math.max(x, y);
  return max + Math.log1p(Math.exp(-Math.abs(x - y)));
}
