/**
 * The Kraskov–Stögbauer–Grassberger k-nearest-neighbour MI estimator for two continuous scalars
 * (A. Kraskov, H. Stögbauer, P. Grassberger, "Estimating mutual information", Phys. Rev. E 69, 066138,
 * 2004; their estimator 1, eq. 8):
 *
 *   I(X;Y) = ψ(k) + ψ(N) − ⟨ψ(n_x + 1) + ψ(n_y + 1)⟩
 *
 * where ε_i is the max-norm distance from point i to its k-th neighbour in the joint space, and n_x(i),
 * n_y(i) count the other points strictly closer than ε_i in x alone and y alone. No binning, so no
 * discretisation loss; its bias is small and vanishes for independent variables.
 *
 * The k-th neighbour search sweeps outward in x order and stops once the x gap alone exceeds the
 * current k-th distance (exact, typically far below the O(N²) of a full scan).
 */
import { EidosError } from '../contract/errors.ts';
import { digamma } from './digamma.ts';

export function ksgMutualInformationBits(x: ArrayLike<number>, y: ArrayLike<number>, k = 3): number {
  const n = x.length;
  if (y.length !== n) {
    throw new EidosError('BAD_ARGUMENT', `KSG needs paired samples: x has ${n} values, y has ${y.length}.`);
  }
  if (!Number.isInteger(k) || k < 1 || n <= k) {
    throw new EidosError('BAD_ARGUMENT', `KSG needs an integer k ≥ 1 and more than k samples (k = ${k}, N = ${n}).`);
  }
  const byX = sortedOrder(x);
  const sortedX = Float64Array.from(byX, (i) => x[i]!);
  const sortedY = Float64Array.from(sortedOrder(y), (i) => y[i]!);

  const nearest = new Float64Array(k); // ascending distances of the k nearest found so far
  let marginalDigammaSum = 0;
  for (let p = 0; p < n; p++) {
    const i = byX[p]!;
    const xi = x[i]!;
    const yi = y[i]!;
    nearest.fill(Infinity);
    for (let q = p - 1; q >= 0 && xi - sortedX[q]! < nearest[k - 1]!; q--) {
      offer(nearest, Math.max(xi - sortedX[q]!, Math.abs(y[byX[q]!]! - yi)));
    }
    for (let q = p + 1; q < n && sortedX[q]! - xi < nearest[k - 1]!; q++) {
      offer(nearest, Math.max(sortedX[q]! - xi, Math.abs(y[byX[q]!]! - yi)));
    }
    const epsilon = nearest[k - 1]!;
    if (epsilon === 0) {
      throw new EidosError(
        'BAD_ARGUMENT',
        `KSG sample ${i} has ${k} exact duplicates; the estimator assumes continuous data. Add tiny noise (e.g. 1e-10 × scale) or use the binned estimator.`,
      );
    }
    marginalDigammaSum +=
      digamma(countStrictlyWithin(sortedX, xi, epsilon)) + digamma(countStrictlyWithin(sortedY, yi, epsilon));
  }
  const nats = digamma(k) + digamma(n) - marginalDigammaSum / n;
  return nats / Math.LN2;
}

function sortedOrder(values: ArrayLike<number>): Uint32Array {
  const order = new Uint32Array(values.length);
  for (let i = 0; i < order.length; i++) {
    if (!Number.isFinite(values[i]!)) {
      throw new EidosError('BAD_ARGUMENT', `KSG value ${values[i]} at position ${i} is not a finite number.`);
    }
    order[i] = i;
  }
  return order.sort((a, b) => values[a]! - values[b]!);
}

/** Inserts a distance into the ascending list of the k smallest, dropping the largest. */
function offer(nearest: Float64Array, distance: number): void {
  let slot = nearest.length - 1;
  if (!(distance < nearest[slot]!)) return;
  while (slot > 0 && nearest[slot - 1]! > distance) {
    nearest[slot] = nearest[slot - 1]!;
    slot--;
  }
  nearest[slot] = distance;
}

/** n + 1, where n = number of OTHER points with |v − center| < ε (the point itself supplies the + 1). */
function countStrictlyWithin(sorted: Float64Array, center: number, epsilon: number): number {
  const first = firstIndex(sorted, (v) => center - v < epsilon);
  const end = firstIndex(sorted, (v) => v - center >= epsilon);
  return end - first;
}

/** The first index where a predicate that is false…false true…true over `sorted` becomes true. */
function firstIndex(sorted: Float64Array, predicate: (v: number) => boolean): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (predicate(sorted[mid]!)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
