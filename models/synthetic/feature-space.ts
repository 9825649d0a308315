/**
 * The synthetic model's hidden feature space, shared by its image and text encoders:
 *
 *   index 0                 "a photo": 1 for every image, a small constant for every text, so no
 *                           embedding is ever zero and an empty query scores every photo alike;
 *   1 .. K                  global colour features (image: is the colour present, 0..1);
 *   1+K .. 1+K+4K−1         quadrant colour features, colour-major (k·4 + quadrant), √ of the share.
 *
 * Square roots give each quadrant's features norm 1 (shares in a quadrant sum to 1), so ranking within
 * a quadrant is a plain sum over the features a text names; the presence features make an image's norm
 * grow with its number of colours, so a photo with an extra object ranks below the one described.
 * A fixed random orthonormal projection maps the features to SYNTHETIC_DIM embedding dimensions so
 * that no single dimension is a colour; dot products (hence cosines) are preserved exactly.
 */
import { COLOUR_NAMES, QUADRANTS } from './world.ts';
import { createRng } from './random.ts';

export const SYNTHETIC_DIM = 64;
export const COLOUR_COUNT = COLOUR_NAMES.length;
export const QUADRANT_COUNT = QUADRANTS.length;
export const FEATURE_COUNT = 1 + COLOUR_COUNT + COLOUR_COUNT * QUADRANT_COUNT;

/** Value of the "a photo" feature in every text embedding (1 in every image embedding). */
export const TEXT_PHOTO_FEATURE = 0.1;

const PROJECTION_SEED = 0x5eed_0001;

/** Human names of the hidden features, in feature order (for tests and explanations). */
export function featureNames(): string[] {
  const names = ['photo', ...COLOUR_NAMES];
  for (const colour of COLOUR_NAMES) for (const q of QUADRANTS) names.push(`${colour} ${q}`);
  return names;
}

/**
 * FEATURE_COUNT × SYNTHETIC_DIM, row-major, rows orthonormal (Gram–Schmidt on seeded uniform vectors;
 * only +, −, ×, ÷ and √, which IEEE 754 rounds identically everywhere, so the bytes never vary).
 */
export function projectionMatrix(): Float32Array {
  return orthonormalRows(FEATURE_COUNT, PROJECTION_SEED);
}

/** `count` orthonormal SYNTHETIC_DIM-vectors from `seed`, row-major (the construction of projectionMatrix). */
export function orthonormalRows(count: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const rows: Float64Array[] = [];
  while (rows.length < count) {
    const v = Float64Array.from({ length: SYNTHETIC_DIM }, () => rng.uniform(-1, 1));
    for (const r of rows) {
      let dot = 0;
      for (let i = 0; i < SYNTHETIC_DIM; i++) dot += v[i]! * r[i]!;
      for (let i = 0; i < SYNTHETIC_DIM; i++) v[i]! -= dot * r[i]!;
    }
    let norm = 0;
    for (let i = 0; i < SYNTHETIC_DIM; i++) norm += v[i]! * v[i]!;
    norm = Math.sqrt(norm);
    if (norm < 1e-3) continue; // nearly dependent draw: take another
    rows.push(v.map((x) => x / norm));
  }
  const out = new Float32Array(count * SYNTHETIC_DIM);
  rows.forEach((r, i) => out.set(r, i * SYNTHETIC_DIM));
  return out;
}

/** Rows `from .. from+count−1` of the projection, as a [count, SYNTHETIC_DIM] matrix. */
export function projectionRows(projection: Float32Array, from: number, count: number): Float32Array {
  return projection.slice(from * SYNTHETIC_DIM, (from + count) * SYNTHETIC_DIM);
}

export const GLOBAL_OFFSET = 1;
export const QUADRANT_OFFSET = 1 + COLOUR_COUNT;
