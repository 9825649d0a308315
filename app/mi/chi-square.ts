/**
 * The chi-square survival function P(χ²_k ≥ x) = Q(k/2, x/2), Q the regularised upper incomplete gamma
 * function: the null distribution of the G statistic 2N·ln2·Î (Î the plug-in MI in bits) of a test of
 * (conditional) independence on a contingency table (Wilks' theorem). Q is evaluated by its power series
 * below a + 1 and by its continued fraction above (Press et al., "Numerical Recipes", 3rd ed., §6.2).
 */

/** log Γ(z) for z > 0 (Lanczos, g = 7, n = 9; relative error about 1e-15). */
function logGamma(z: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (z < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * z)) - logGamma(1 - z);
  const x = z - 1;
  let sum = c[0]!;
  for (let i = 1; i < 9; i++) sum += c[i]! / (x + i);
  const t = x + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(sum);
}

const EPS = 1e-15;
const MAX_ITERATIONS = 10_000;

/** Regularised lower incomplete gamma P(a, x) by its series (converges fast for x < a + 1). */
function lowerSeries(a: number, x: number): number {
  let term = 1 / a;
  let sum = term;
  for (let n = 1; n < MAX_ITERATIONS && Math.abs(term) > Math.abs(sum) * EPS; n++) {
    term *= x / (a + n);
    sum += term;
  }
  return sum * Math.exp(-x + a * Math.log(x) - logGamma(a));
}

/** Regularised upper incomplete gamma Q(a, x) by its continued fraction (modified Lentz; x ≥ a + 1). */
function upperFraction(a: number, x: number): number {
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_ITERATIONS; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const step = d * c;
    h *= step;
    if (Math.abs(step - 1) < EPS) break;
  }
  return Math.exp(-x + a * Math.log(x) - logGamma(a)) * h;
}

/** P(χ²_k ≥ x) for k > 0 degrees of freedom; 1 for x ≤ 0. */
export function chiSquareSurvival(x: number, k: number): number {
  if (!(k > 0)) throw new RangeError(`chi-square needs positive degrees of freedom, got ${k}`);
  if (!(x > 0)) return 1;
  const a = k / 2;
  const half = x / 2;
  return half < a + 1 ? 1 - lowerSeries(a, half) : upperFraction(a, half);
}
