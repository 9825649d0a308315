/**
 * UMAP's low-dimensional similarity curve 1/(1 + a·d^2b), fitted (least squares, as umap-learn's
 * find_ab_params does with scipy's curve_fit) to the target that is 1 up to min_dist and falls as
 * exp(−(d − min_dist)/spread) beyond, on 300 points of [0, 3·spread]. Gauss–Newton with a
 * Levenberg–Marquardt damping term, in double.
 */
export interface CurveParameters {
  a: number;
  b: number;
}

export function fitCurve(minDist: number, spread = 1): CurveParameters {
  if (!(minDist >= 0) || !(spread > 0) || minDist > spread)
    throw new RangeError(`min_dist must be in [0, spread] and spread positive, got ${minDist} and ${spread}`);
  const xs = Array.from({ length: 300 }, (_, i) => (3 * spread * i) / 299);
  const ys = xs.map((x) => (x < minDist ? 1 : Math.exp(-(x - minDist) / spread)));
  const residuals = (a: number, b: number): number =>
    xs.reduce((sum, x, i) => sum + (1 / (1 + a * x ** (2 * b)) - ys[i]!) ** 2, 0);
  let a = 1;
  let b = 1;
  let lambda = 1e-3;
  let cost = residuals(a, b);
  for (let iteration = 0; iteration < 500; iteration++) {
    // Normal equations JᵀJ δ = −Jᵀr of the model f = 1/(1 + a·x^2b).
    let jaa = 0,
      jab = 0,
      jbb = 0,
      ga = 0,
      gb = 0;
    xs.forEach((x, i) => {
      if (x === 0) return; // f = 1 there whatever a and b: no gradient
      const p = x ** (2 * b);
      const model = 1 / (1 + a * p);
      const da = -p * model * model;
      const db = -a * p * 2 * Math.log(x) * model * model;
      const r = model - ys[i]!;
      jaa += da * da;
      jab += da * db;
      jbb += db * db;
      ga += da * r;
      gb += db * r;
    });
    const A = jaa * (1 + lambda);
    const B = jbb * (1 + lambda);
    const det = A * B - jab * jab;
    const stepA = (-ga * B + gb * jab) / det;
    const stepB = (-gb * A + ga * jab) / det;
    const next = residuals(a + stepA, b + stepB);
    if (next < cost && a + stepA > 0 && b + stepB > 0) {
      a += stepA;
      b += stepB;
      const improved = cost - next;
      cost = next;
      lambda /= 10;
      if (improved < 1e-15) break;
    } else {
      lambda *= 10;
      if (lambda > 1e12) break;
    }
  }
  return { a, b };
}
