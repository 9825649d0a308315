/**
 * Regions of the map: k-means (Lloyd's algorithm with k-means++ seeding, D. Arthur and S. Vassilvitskii,
 * "k-means++: the advantages of careful seeding", SODA 2007) on the 2-D layout, seeded, so the same
 * layout always gives the same regions. Clustering the layout rather than the embedding makes a region
 * what the eye sees as one island (UMAP keeps local neighbourhoods, so an island is a neighbourhood).
 */
import { mulberry32 } from '../util/mulberry32.ts';

/** Enough regions to name the map's main parts, few enough to read: √(n/3), from 2 to 16. */
export function regionCount(n: number): number {
  return Math.max(1, Math.min(n, 16, Math.max(2, Math.round(Math.sqrt(n / 3)))));
}

export interface Regions {
  /** Region of each point. */
  assignment: Uint16Array;
  /** Region centres, k×2. */
  centres: Float32Array;
}

const MAX_ITERATIONS = 100;

export function kMeans(xy: Float32Array, k: number, seed: number): Regions {
  const n = xy.length / 2;
  const random = mulberry32(seed);
  const centres = new Float32Array(k * 2);
  // k-means++: each next centre drawn with probability ∝ squared distance to the nearest chosen one.
  const nearest = new Float64Array(n).fill(Infinity);
  let pick = Math.floor(random() * n);
  for (let c = 0; c < k; c++) {
    centres[2 * c] = xy[2 * pick]!;
    centres[2 * c + 1] = xy[2 * pick + 1]!;
    let total = 0;
    for (let i = 0; i < n; i++) {
      const dx = xy[2 * i]! - centres[2 * c]!;
      const dy = xy[2 * i + 1]! - centres[2 * c + 1]!;
      nearest[i] = Math.min(nearest[i]!, dx * dx + dy * dy);
      total += nearest[i]!;
    }
    let target = random() * total;
    pick = n - 1;
    for (let i = 0; i < n; i++) {
      target -= nearest[i]!;
      if (target < 0) {
        pick = i;
        break;
      }
    }
  }
  const assignment = new Uint16Array(n);
  for (let iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
    if (!assign(xy, centres, assignment) && iteration > 0) break;
    const sums = new Float64Array(k * 3);
    for (let i = 0; i < n; i++) {
      const c = assignment[i]!;
      sums[3 * c]! += xy[2 * i]!;
      sums[3 * c + 1]! += xy[2 * i + 1]!;
      sums[3 * c + 2]! += 1;
    }
    for (let c = 0; c < k; c++) {
      if (sums[3 * c + 2] === 0) continue; // an empty region keeps its centre
      centres[2 * c] = sums[3 * c]! / sums[3 * c + 2]!;
      centres[2 * c + 1] = sums[3 * c + 1]! / sums[3 * c + 2]!;
    }
  }
  return { assignment, centres };
}

/** Assigns each point to its nearest centre; true when any assignment changed. */
export function assign(xy: Float32Array, centres: Float32Array, assignment: Uint16Array): boolean {
  let changed = false;
  for (let i = 0; i < assignment.length; i++) {
    const c = nearestCentre(centres, xy[2 * i]!, xy[2 * i + 1]!);
    if (c !== assignment[i]) {
      assignment[i] = c;
      changed = true;
    }
  }
  return changed;
}

export function nearestCentre(centres: Float32Array, x: number, y: number): number {
  let best = 0;
  let bestDistance = Infinity;
  for (let c = 0; c < centres.length / 2; c++) {
    const dx = x - centres[2 * c]!;
    const dy = y - centres[2 * c + 1]!;
    const distance = dx * dx + dy * dy;
    if (distance < bestDistance) {
      best = c;
      bestDistance = distance;
    }
  }
  return best;
}
