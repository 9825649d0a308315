/**
 * Bursts: the same scene taken seconds apart. Photos are ordered by capture time (EXIF, `files.taken_at`);
 * two consecutive photos of the same camera at most `BURST_MAX_GAP_SECONDS` apart join one burst when
 * they also look alike: their fingerprints at least `BURST_MIN_SIMILARITY` alike (the same framing with
 * something moving), or, with a model whose embeddings mean something, embeddings at least
 * `BURST_MIN_EMBEDDING_COSINE` alike (the same scene from a step aside). Photos without a capture time
 * are never in a burst: a file's modification time says when it was copied, not taken.
 */
import { fingerprintSimilarity } from '../image/fingerprint.ts';

/** A camera's burst mode shoots several frames a second; a person re-taking a shot, a few seconds. */
export const BURST_MAX_GAP_SECONDS = 10;
/**
 * Well below the near-duplicate rule (0.978): between two frames the subject has moved. Alone it would
 * join many different photos (1.9 % of the pairs of different photos of the duplicates bench's
 * development half reach it, test/bench/duplicates.ts prints the share); it is only asked of photos
 * taken at most BURST_MAX_GAP_SECONDS apart by one camera.
 */
export const BURST_MIN_SIMILARITY = 0.7;
/** For real image towers (CLIP-like): photos of one scene typically sit above this; not measured here. */
export const BURST_MIN_EMBEDDING_COSINE = 0.9;

export interface BurstCandidate {
  /** Capture time in ms since the epoch. */
  takenAtMs: number | undefined;
  /** Make and model, when known: photos of two cameras are never one burst. */
  camera: string | undefined;
  fingerprint: Float32Array | undefined;
}

/** The pairs of consecutive photos that belong to one burst; `embeddingCosine` is given only for a model with meaning. */
export function burstPairs(
  items: readonly BurstCandidate[],
  embeddingCosine?: (a: number, b: number) => number | undefined,
): { a: number; b: number; similarity: number; seconds: number }[] {
  const timed = items.flatMap((item, i) => (item.takenAtMs === undefined ? [] : [i]));
  timed.sort((x, y) => items[x]!.takenAtMs! - items[y]!.takenAtMs! || x - y);
  const pairs: { a: number; b: number; similarity: number; seconds: number }[] = [];
  for (let t = 1; t < timed.length; t++) {
    const [a, b] = [timed[t - 1]!, timed[t]!];
    const [x, y] = [items[a]!, items[b]!];
    const seconds = (y.takenAtMs! - x.takenAtMs!) / 1000;
    if (seconds > BURST_MAX_GAP_SECONDS) continue;
    if (x.camera !== undefined && y.camera !== undefined && x.camera !== y.camera) continue;
    const similarity = x.fingerprint && y.fingerprint ? fingerprintSimilarity(x.fingerprint, y.fingerprint) : -1;
    const cosine = embeddingCosine?.(a, b);
    if (similarity >= BURST_MIN_SIMILARITY || (cosine !== undefined && cosine >= BURST_MIN_EMBEDDING_COSINE))
      pairs.push({ a: Math.min(a, b), b: Math.max(a, b), similarity, seconds });
  }
  return pairs;
}
