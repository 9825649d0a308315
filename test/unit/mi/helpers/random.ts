/** Seeded randomness for the MI tests, so every run draws the same samples. */
import { mulberry32 } from '../../../../app/util/mulberry32.ts';

/** Uniforms in [0, 1) from the engine's seeded generator. */
export const uniformSource = mulberry32;

/** Standard normal draws (Box–Muller). */
export function normalSource(seed: number): () => number {
  const uniform = uniformSource(seed);
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

/** N draws of a standard bivariate normal with correlation rho: y = ρx + √(1−ρ²)·z. */
export function gaussianPairs(n: number, rho: number, seed: number): { x: Float64Array; y: Float64Array } {
  const normal = normalSource(seed);
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = normal();
    y[i] = rho * x[i]! + Math.sqrt(1 - rho * rho) * normal();
  }
  return { x, y };
}

/** The closed form for a bivariate normal: I = −½ log2(1 − ρ²) bits. */
export const gaussianMiBits = (rho: number): number => -0.5 * Math.log2(1 - rho * rho);

/** Counts of a [x][y] table from paired discrete samples. */
export function tabulate(x: ArrayLike<number>, nx: number, y: ArrayLike<number>, ny: number): Uint32Array {
  const table = new Uint32Array(nx * ny);
  for (let i = 0; i < x.length; i++) table[x[i]! * ny + y[i]!]!++;
  return table;
}

/** A sample from a discrete distribution given by its probabilities. */
export function categoricalSource(probabilities: readonly number[], seed: number): () => number {
  const uniform = uniformSource(seed);
  return () => {
    let u = uniform();
    for (let k = 0; k < probabilities.length - 1; k++) {
      u -= probabilities[k]!;
      if (u < 0) return k;
    }
    return probabilities.length - 1;
  };
}
