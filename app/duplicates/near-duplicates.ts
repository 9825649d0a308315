/**
 * Near-duplicates: pairs of distinct contents whose pixel fingerprints (app/image/fingerprint.ts) are
 * at least `NEAR_DUPLICATE_MIN_SIMILARITY` alike. Candidates come from the native exact kNN kernel,
 * as the map's neighbour graph does: every view of every photo (its whole frame and its crops) asks
 * for its nearest whole frames, and each candidate pair is then scored exactly. A copy cropped by up
 * to 10 % lines up with one of its original's crops, so it is among that view's nearest whole frames.
 */
import type { Kernels } from '../kernels/contract.ts';
import { fingerprintSimilarity, VIEW_COUNT, VIEW_LENGTH } from '../image/fingerprint.ts';

/**
 * Chosen on the development half of pairs made from ../shared/photos (test/bench/duplicates.ts: the
 * lowest similarity keeping precision ≥ 0.995 there, 0.9781), and reported once on the held-out half.
 */
export const NEAR_DUPLICATE_MIN_SIMILARITY = 0.978;
/** Whole frames each view asks for: a photo rarely has more copies than this. */
const CANDIDATES_PER_VIEW = 8;

export interface SimilarPair {
  a: number;
  b: number;
  similarity: number;
}

/**
 * The pairs (a < b) of items whose fingerprints are at least `minSimilarity` alike. `fingerprints[i]`
 * is item i's (undefined when it could not be read: it pairs with nothing).
 */
export async function similarPairs(
  fingerprints: readonly (Float32Array | undefined)[],
  kernels: Pick<Kernels, 'knnAsync'>,
  minSimilarity: number = NEAR_DUPLICATE_MIN_SIMILARITY,
): Promise<SimilarPair[]> {
  const items = fingerprints.flatMap((f, i) => (f ? [i] : []));
  const n = items.length;
  if (n < 2) return [];
  const frames = new Float32Array(n * VIEW_LENGTH);
  const views = new Float32Array(n * VIEW_COUNT * VIEW_LENGTH);
  items.forEach((item, row) => {
    const f = fingerprints[item]!;
    frames.set(f.subarray(0, VIEW_LENGTH), row * VIEW_LENGTH);
    views.set(f, row * VIEW_COUNT * VIEW_LENGTH);
  });
  const k = Math.min(CANDIDATES_PER_VIEW, n);
  const { indices } = await kernels.knnAsync(
    { dtype: 'f32', data: frames, n, d: VIEW_LENGTH },
    k,
    views,
    n * VIEW_COUNT,
  );
  const seen = new Set<number>();
  const pairs: SimilarPair[] = [];
  for (let q = 0; q < n * VIEW_COUNT; q++) {
    const row = Math.floor(q / VIEW_COUNT);
    for (let j = 0; j < k; j++) {
      const other = indices[q * k + j]!;
      if (other === row || other < 0 || other >= n) continue;
      const [lo, hi] = row < other ? [row, other] : [other, row];
      const key = lo * n + hi;
      if (seen.has(key)) continue;
      seen.add(key);
      const similarity = fingerprintSimilarity(fingerprints[items[lo]!]!, fingerprints[items[hi]!]!);
      if (similarity >= minSimilarity) pairs.push({ a: items[lo]!, b: items[hi]!, similarity });
    }
  }
  return pairs.sort((x, y) => x.a - y.a || x.b - y.b);
}
