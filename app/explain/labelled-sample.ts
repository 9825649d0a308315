/**
 * The labelled sample an explanation counts on: the query's top-k rows (Y = 1, best first) and a seeded
 * uniform sample of the other rows (Y = 0, ascending row order for a cache-friendly gather).
 */
import type { Kernels } from '../kernels/contract.ts';
import { mulberry32 } from '../util/mulberry32.ts';

export interface LabelledSample {
  /** Library rows of the candidates: top-k first, then the background. */
  rows: Uint32Array;
  /** 1 for the top-k, 0 for the background, aligned with `rows`. */
  labels: Uint8Array;
  topK: number;
  background: number;
}

export function labelledSample(
  rowScores: Float32Array,
  k: number,
  backgroundSize: number,
  seed: number,
  kernels: Pick<Kernels, 'topK'>,
): LabelledSample {
  const n = rowScores.length;
  const top = kernels.topK(rowScores, k).indices;
  const inTop = new Uint8Array(n);
  for (const row of top) inTop[row] = 1;
  const rest = new Uint32Array(n - top.length);
  for (let i = 0, at = 0; i < n; i++) if (!inTop[i]) rest[at++] = i;

  // Partial Fisher–Yates: the first `background` slots become a uniform sample without replacement.
  const background = Math.min(backgroundSize, rest.length);
  const random = mulberry32(seed);
  for (let i = 0; i < background; i++) {
    const j = i + Math.floor(random() * (rest.length - i));
    const t = rest[i]!;
    rest[i] = rest[j]!;
    rest[j] = t;
  }
  const rows = new Uint32Array(top.length + background);
  rows.set(top);
  rows.set(rest.subarray(0, background).sort(), top.length);
  const labels = new Uint8Array(rows.length);
  labels.fill(1, 0, top.length);
  return { rows, labels, topK: top.length, background };
}
