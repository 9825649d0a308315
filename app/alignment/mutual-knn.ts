/**
 * Mutual k-nearest-neighbour alignment (Huh, Cheung, Wang and Isola, "The Platonic Representation
 * Hypothesis", ICML 2024, arXiv:2405.07987, §2.1 and Appendix A): for each item i, the share of its k
 * nearest neighbours under representation A that are also among its k nearest under B,
 *   m_i = |N_k^A(i) ∩ N_k^B(i)| / k,
 * and the alignment is the mean of m_i over the items (neighbours by cosine, each item left out of its
 * own list). Identical representations give 1; any isometry of one (a rotation) leaves it unchanged.
 */
import type { Neighbours } from '../kernels/contract.ts';

/** |N_k^A(i) ∩ N_k^B(i)| for every item (0…k), from the two kNN graphs over the same n items. */
export function neighbourOverlaps(a: Neighbours, b: Neighbours, n: number): Uint16Array {
  const { k } = a;
  if (b.k !== k) throw new RangeError(`both kNN graphs need the same k, got ${a.k} and ${b.k}`);
  const overlaps = new Uint16Array(n);
  // Marks of item i's A-neighbours, stamped with i + 1 so the array never needs clearing.
  const stamp = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = i * k; j < (i + 1) * k; j++) stamp[a.indices[j]!] = i + 1;
    let shared = 0;
    for (let j = i * k; j < (i + 1) * k; j++) if (stamp[b.indices[j]!] === i + 1) shared++;
    overlaps[i] = shared;
  }
  return overlaps;
}

/** The mean of m_i = overlap_i / k over the items. */
export function meanAlignment(overlaps: ArrayLike<number>, k: number): number {
  let total = 0;
  for (let i = 0; i < overlaps.length; i++) total += overlaps[i]!;
  return total / (overlaps.length * k);
}

/**
 * The alignment two unrelated representations give in expectation: when N_k^B(i) is a uniformly random
 * k-subset of the other n − 1 items, each of i's k A-neighbours is in it with probability k/(n − 1), so
 * E|N_k^A(i) ∩ N_k^B(i)| = k²/(n − 1) and E[m_i] = k/(n − 1) (the hypergeometric mean).
 */
export function chanceAlignment(k: number, n: number): number {
  return k / (n - 1);
}
