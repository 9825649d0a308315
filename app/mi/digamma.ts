/**
 * The digamma function ψ(x) = d/dx ln Γ(x) for x > 0, as used by the KSG estimator.
 *
 * Method: shift x up with ψ(x) = ψ(x + 1) − 1/x until x ≥ 10, then the asymptotic (Stirling) series
 * ψ(x) ≈ ln x − 1/(2x) − Σ B₂ₖ/(2k·x²ᵏ) (Abramowitz & Stegun 6.3.18), whose truncation error at x ≥ 10
 * after the x⁻¹² term is below 1e-15.
 */
import { EidosError } from '../contract/errors.ts';

// B₂ₖ/(2k) for k = 1…6: 1/12, −1/120, 1/252, −1/240, 1/132, −691/32760.
const SERIES = [1 / 12, -1 / 120, 1 / 252, -1 / 240, 1 / 132, -691 / 32760];

export function digamma(x: number): number {
  if (!(x > 0) || !Number.isFinite(x)) {
    throw new EidosError('BAD_ARGUMENT', `digamma(${x}) is only implemented for finite x > 0.`);
  }
  let shift = 0;
  while (x < 10) {
    shift -= 1 / x;
    x += 1;
  }
  const inv2 = 1 / (x * x);
  let series = 0;
  let power = inv2;
  for (const coefficient of SERIES) {
    series += coefficient * power;
    power *= inv2;
  }
  return shift + Math.log(x) - 1 / (2 * x) - series;
}
