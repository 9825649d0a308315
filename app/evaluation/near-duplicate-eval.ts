/**
 * Precision and recall of a near-duplicate rule "two photos are copies when their fingerprints'
 * similarity (app/image/fingerprint.ts) is at least t", over a library of photos and the copies made of some of them
 * (near-duplicate-edits.ts). Every pair of the library counts: a pair of one source (the photo and a
 * copy, or two copies) should be found, a pair of two different photos should not. Looking at every
 * pair includes each photo's nearest distinct neighbours, the pairs that decide precision.
 */
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { fingerprintSimilarity } from '../image/fingerprint.ts';

/** Which half a photo belongs to, by a hash of its file name: thresholds are chosen on `dev` and reported once on `test`. */
export const halfOf = (file: string): 'dev' | 'test' =>
  createHash('sha256').update(basename(file)).digest()[0]! % 2 === 0 ? 'dev' : 'test';

export interface FingerprintedItem {
  /** Which original photo this is, or is a copy of. */
  source: number;
  fingerprint: Float32Array;
}

/** The cosines of all same-source pairs, and of the different-source pairs above `floor` (the rest cannot matter). */
export interface PairScores {
  same: Float64Array;
  different: Float64Array;
  /** The closest different-source pairs, most similar first (to show what the rule confuses). */
  closestDifferent: { a: number; b: number; similarity: number }[];
}

export function scorePairs(items: readonly FingerprintedItem[], floor = 0.5): PairScores {
  const same: number[] = [];
  const different: number[] = [];
  const closest: { a: number; b: number; similarity: number }[] = [];
  for (let a = 0; a < items.length; a++) {
    for (let b = a + 1; b < items.length; b++) {
      const dot = fingerprintSimilarity(items[a]!.fingerprint, items[b]!.fingerprint);
      if (items[a]!.source === items[b]!.source) same.push(dot);
      else if (dot >= floor) {
        different.push(dot);
        closest.push({ a, b, similarity: dot });
      }
    }
  }
  closest.sort((x, y) => y.similarity - x.similarity);
  return {
    same: Float64Array.from(same),
    different: Float64Array.from(different),
    closestDifferent: closest.slice(0, 20),
  };
}

export interface Measured {
  threshold: number;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  precision: number;
  recall: number;
}

export function measure(scores: PairScores, threshold: number): Measured {
  const truePositives = scores.same.filter((s) => s >= threshold).length;
  const falsePositives = scores.different.filter((s) => s >= threshold).length;
  const falseNegatives = scores.same.length - truePositives;
  const found = truePositives + falsePositives;
  return {
    threshold,
    truePositives,
    falsePositives,
    falseNegatives,
    // Nothing found is no mistake made.
    precision: found === 0 ? 1 : truePositives / found,
    recall: scores.same.length === 0 ? 1 : truePositives / scores.same.length,
  };
}

/**
 * The threshold with the highest recall whose precision is at least `minPrecision`: the lowest
 * observed same-source cosine that keeps the precision (recall only falls as the threshold rises).
 */
export function chooseThreshold(scores: PairScores, minPrecision: number): Measured {
  const candidates = [...scores.same].sort((x, y) => x - y);
  for (const t of candidates) {
    const m = measure(scores, t);
    if (m.precision < minPrecision) continue;
    return m;
  }
  return measure(scores, Number.POSITIVE_INFINITY);
}
