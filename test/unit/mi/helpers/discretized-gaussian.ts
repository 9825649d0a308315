/**
 * The exact MI of a standard bivariate normal after equal-frequency binning of each margin into B bins:
 * the value a binned estimator converges to (it is below −½ log2(1−ρ²): binning loses information).
 * Cell probabilities P(x ∈ A, y ∈ B) = ∫_A φ(x) [Φ((b₂ − ρx)/s) − Φ((b₁ − ρx)/s)] dx, s = √(1 − ρ²),
 * by Simpson's rule.
 */
import { mutualInformationBits } from '../../../../app/mi/entropy.ts';

/** Standard normal CDF from the Chebyshev fit of erfc (Numerical Recipes "erfcc", |error| < 1.2e-7). */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * z);
  const poly =
    -1.26551223 +
    t *
      (1.00002368 +
        t *
          (0.37409196 +
            t *
              (0.09678418 +
                t *
                  (-0.18628806 +
                    t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const erfc = t * Math.exp(-z * z + poly);
  return x >= 0 ? 1 - erfc / 2 : erfc / 2;
}

/** Φ⁻¹(p) by bisection (plenty for bin edges). */
function normalQuantile(p: number): number {
  let lo = -10;
  let hi = 10;
  for (let i = 0; i < 80; i++) {
    const mid = (lo + hi) / 2;
    if (normalCdf(mid) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

export function discretizedGaussianMiBits(rho: number, bins: number): number {
  const TAIL = 9; // stands in for ±∞: Φ(−9) ≈ 1e-19
  const edges = Array.from({ length: bins + 1 }, (_, k) =>
    k === 0 ? -TAIL : k === bins ? TAIL : normalQuantile(k / bins),
  );
  const s = Math.sqrt(1 - rho * rho);
  const density = (x: number): number => Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
  const STEPS = 400; // even, per bin
  const probabilities = new Float64Array(bins * bins);
  for (let a = 0; a < bins; a++) {
    const h = (edges[a + 1]! - edges[a]!) / STEPS;
    for (let b = 0; b < bins; b++) {
      let sum = 0;
      for (let step = 0; step <= STEPS; step++) {
        const x = edges[a]! + step * h;
        const weight = step === 0 || step === STEPS ? 1 : step % 2 === 1 ? 4 : 2;
        const inner = normalCdf((edges[b + 1]! - rho * x) / s) - normalCdf((edges[b]! - rho * x) / s);
        sum += weight * density(x) * inner;
      }
      probabilities[a * bins + b] = (sum * h) / 3;
    }
  }
  // The MI formula is scale-free, so probabilities serve as "counts".
  return mutualInformationBits(probabilities, { x: bins, y: bins });
}
