/**
 * Hubness of a ranking (M. Radovanović, A. Nanopoulos, M. Ivanović, "Hubs in space", JMLR 11, 2010):
 * N_k(i) counts the queries whose top k holds image i. A ranking free of hubs spreads these counts
 * evenly; a few images in everyone's top k (hubs) make the distribution right-skewed, and leave
 * others in no one's top k (anti-hubs).
 */
export interface Hubness {
  k: number;
  /** Skewness E[(N_k − μ)³]/σ³ of N_k over the images (0 when every image has the same count). */
  skewness: number;
  /** Images in no query's top k. */
  neverInTopK: number;
  /** The largest N_k. */
  maxOccurrence: number;
}

/** `topLists` holds each query's top-k image indices (any k ≤ the list length is cut to `k`). */
export function hubness(topLists: readonly ArrayLike<number>[], images: number, k: number): Hubness {
  const counts = new Float64Array(images);
  for (const top of topLists) for (let r = 0; r < Math.min(k, top.length); r++) counts[top[r]!]!++;
  const mean = counts.reduce((a, b) => a + b, 0) / images;
  let m2 = 0;
  let m3 = 0;
  for (const c of counts) {
    m2 += (c - mean) ** 2;
    m3 += (c - mean) ** 3;
  }
  m2 /= images;
  m3 /= images;
  return {
    k,
    skewness: m2 > 0 ? m3 / m2 ** 1.5 : 0,
    neverInTopK: counts.filter((c) => c === 0).length,
    maxOccurrence: Math.max(...counts),
  };
}
