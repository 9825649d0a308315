/**
 * A seeded pseudo-random generator (mulberry32) for the synthetic world: integer arithmetic only, so the
 * same seed gives the same numbers on every machine and Node version (Math.random cannot be seeded).
 */
import { mulberry32 } from '../../app/util/mulberry32.ts';

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
}

export function createRng(seed: number): Rng {
  const next = mulberry32(seed);
  return {
    next,
    uniform: (lo, hi) => lo + (hi - lo) * next(),
    int: (n) => Math.floor(next() * n),
  };
}
