/**
 * How closely two representations of the same items agree: mutual-kNN alignment (mutual-knn.ts) with
 * its chance level and a bootstrap interval, linear CKA beside it (cka.ts), and the items on which the
 * two neighbourhoods disagree most, with their neighbours on each side. Both kNN passes run in the
 * native kernel off the JS thread; their times are reported apart from the rest.
 */
import { EidosError } from '../contract/errors.ts';
import type { Neighbours } from '../kernels/contract.ts';
import { kernels } from '../kernels/index.ts';
import { bootstrapMeanInterval, type BootstrapInterval } from './bootstrap.ts';
import { linearCka } from './cka.ts';
import { chanceAlignment, meanAlignment, neighbourOverlaps } from './mutual-knn.ts';
import type { ExactMatrix } from './rows.ts';

/** The paper's default neighbourhood size (Huh et al. 2024 use k = 10). */
export const DEFAULT_K = 10;
/** Items listed as the most disagreeing. */
export const DEFAULT_DISAGREEMENTS = 12;

export interface AlignmentOptions {
  k?: number;
  /** Bootstrap resamples and seed (bootstrap.ts defaults: 1000, seed 1). */
  resamples?: number;
  seed?: number;
  disagreements?: number;
  /** Awaited between bootstrap resamples, so a server thread can answer other requests meanwhile. */
  yieldEvery?: () => Promise<void>;
}

/** One item on which the two sides disagree: its overlap and its k neighbours on each side, nearest first. */
export interface Disagreement {
  item: number;
  overlap: number;
  neighboursA: number[];
  neighboursB: number[];
}

export interface Alignment {
  n: number;
  k: number;
  /** Mean over items of |N_k^A(i) ∩ N_k^B(i)| / k. */
  mutualKnn: number;
  /** k/(n − 1): the expected value for unrelated representations. */
  chance: number;
  interval: BootstrapInterval;
  cka: number;
  /** How many items share 0, 1, …, k neighbours. */
  overlapHistogram: number[];
  disagreements: Disagreement[];
  /** Wall time of each step in ms: the two kNN passes and everything else. */
  timings: { knnA: number; knnB: number; rest: number };
}

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await work();
  return { value, ms: performance.now() - start };
}

function neighboursOf(graph: Neighbours, item: number): number[] {
  return Array.from(graph.indices.subarray(item * graph.k, (item + 1) * graph.k));
}

/** The items with the lowest overlap, lowest first (ties: lower item first). */
function mostDisagreeing(overlaps: Uint16Array, count: number): number[] {
  const items = Array.from(overlaps.keys());
  items.sort((x, y) => overlaps[x]! - overlaps[y]! || x - y);
  return items.slice(0, count);
}

/** Row i of `a` and row i of `b` are the same item, under two models (or a model's two towers). */
export async function alignRepresentations(
  a: ExactMatrix,
  b: ExactMatrix,
  options: AlignmentOptions = {},
): Promise<Alignment> {
  const k = options.k ?? DEFAULT_K;
  const { n } = a;
  if (b.n !== n) throw new EidosError('INTERNAL', `both sides need the same items, got ${n} and ${b.n} rows`);
  if (!Number.isInteger(k) || k < 1 || k > n - 2)
    throw new EidosError(
      'BAD_ARGUMENT',
      `k = ${k} neighbours needs at least k + 2 items to compare (there are ${n}); use a k between 1 and ${Math.max(1, n - 2)}.`,
    );
  const knnA = await timed(() => kernels.knnAsync(a, k));
  // The same matrix on both sides (a model against itself): its one kNN graph serves both.
  const knnB = b === a ? { value: knnA.value, ms: 0 } : await timed(() => kernels.knnAsync(b, k));
  const start = performance.now();
  const overlaps = neighbourOverlaps(knnA.value, knnB.value, n);
  const interval = await bootstrapMeanInterval(overlaps, k, {
    ...(options.resamples !== undefined ? { resamples: options.resamples } : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    ...(options.yieldEvery ? { yieldEvery: options.yieldEvery } : {}),
  });
  const cka = await linearCka(a, b);
  const overlapHistogram = new Array<number>(k + 1).fill(0);
  for (const overlap of overlaps) overlapHistogram[overlap]!++;
  const disagreements = mostDisagreeing(overlaps, options.disagreements ?? DEFAULT_DISAGREEMENTS).map((item) => ({
    item,
    overlap: overlaps[item]!,
    neighboursA: neighboursOf(knnA.value, item),
    neighboursB: neighboursOf(knnB.value, item),
  }));
  return {
    n,
    k,
    mutualKnn: meanAlignment(overlaps, k),
    chance: chanceAlignment(k, n),
    interval,
    cka,
    overlapHistogram,
    disagreements,
    timings: { knnA: knnA.ms, knnB: knnB.ms, rest: performance.now() - start },
  };
}
