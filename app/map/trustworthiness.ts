/**
 * How far a layout can be trusted: scikit-learn's trustworthiness (J. Venna, S. Kaski, "Neighborhood
 * preservation in nonlinear projection methods: an experimental study", ICANN 2001; sklearn.manifold.
 * trustworthiness):
 *
 *   T(k) = 1 − 2 / (n·k·(2n − 3k − 1)) · Σ_i Σ_{j ∈ N_k(i) in the layout} max(0, r(i, j) − k)
 *
 * where r(i, j) is j's rank among i's neighbours in the original space (1 = nearest). 1 when every
 * point's k nearest on the map are among its k nearest in the original space; photos that look near on
 * the map but are far in fact pull it down.
 */

/** The original space, as one point's distances to every point (its own entry is ignored). */
export type DistanceRow = (i: number) => ArrayLike<number>;

export function trustworthiness(original: DistanceRow, layout: Float32Array, k: number): number {
  const n = layout.length / 2;
  if (!Number.isInteger(k) || k < 1 || k >= n / 2)
    throw new RangeError(`trustworthiness needs 1 ≤ k < n/2 (n = ${n}), got k = ${k}`);
  let penalty = 0;
  for (let i = 0; i < n; i++) {
    const near = layoutNeighbours(layout, i, k);
    const row = original(i);
    for (const j of near) {
      // r(i, j): 1 + the points nearer to i than j (ties broken by index, as a stable sort would).
      const dj = row[j]!;
      let rank = 1;
      for (let l = 0; l < n; l++) {
        if (l === i || l === j) continue;
        const dl = row[l]!;
        if (dl < dj || (dl === dj && l < j)) rank++;
      }
      penalty += Math.max(0, rank - k);
    }
  }
  return 1 - (2 / (n * k * (2 * n - 3 * k - 1))) * penalty;
}

/** The k points nearest to point i on the layout (Euclidean), ties to the lower index. */
function layoutNeighbours(layout: Float32Array, i: number, k: number): number[] {
  const n = layout.length / 2;
  const best: { j: number; d: number }[] = [];
  for (let j = 0; j < n; j++) {
    if (j === i) continue;
    const d = (layout[2 * j]! - layout[2 * i]!) ** 2 + (layout[2 * j + 1]! - layout[2 * i + 1]!) ** 2;
    if (best.length === k && d >= best[k - 1]!.d) continue;
    let at = best.length;
    while (at > 0 && best[at - 1]!.d > d) at--;
    best.splice(at, 0, { j, d });
    if (best.length > k) best.pop();
  }
  return best.map((entry) => entry.j);
}
