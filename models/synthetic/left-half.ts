/**
 * `synthetic-tiny-left`: a second synthetic model, built exactly as synthetic-tiny (generate-model.ts)
 * but blind to the right half of the view. Its hidden features are synthetic-tiny's "a photo" feature and
 * the colour shares of the two left quadrants, LEFT_HALF_FEATURES; the global colour-presence features
 * and the right quadrants are hidden (zero rows), and the kept features go through an orthonormal
 * projection of its own seed, so no embedding dimension means the same in both models.
 *
 * The two models therefore share a known subspace of dimension 21 (of synthetic-tiny's 51 features) and
 * nothing else: on a photo, the left model's embedding is synthetic-tiny's hidden features restricted to
 * LEFT_HALF_FEATURES, rotated, then L2-normalised. That is what model-alignment tests predict from.
 */
import { FEATURE_COUNT, QUADRANT_COUNT, QUADRANT_OFFSET, SYNTHETIC_DIM, orthonormalRows } from './feature-space.ts';
import { writeSyntheticModel } from './generate-model.ts';
import { COLOUR_NAMES, QUADRANTS } from './world.ts';

const LEFT_PROJECTION_SEED = 0x5eed_0002;

/** Feature indices the left model keeps, ascending: "a photo", then colour-major (colour, top-left / bottom-left). */
export const LEFT_HALF_FEATURES: readonly number[] = [
  0,
  ...COLOUR_NAMES.flatMap((_, colour) =>
    QUADRANTS.flatMap((quadrant, q) =>
      quadrant.endsWith('left') ? [QUADRANT_OFFSET + colour * QUADRANT_COUNT + q] : [],
    ),
  ),
];

/** FEATURE_COUNT × SYNTHETIC_DIM: orthonormal rows for the kept features, zero rows for the hidden ones. */
export function leftHalfProjection(): Float32Array {
  const kept = orthonormalRows(LEFT_HALF_FEATURES.length, LEFT_PROJECTION_SEED);
  const out = new Float32Array(FEATURE_COUNT * SYNTHETIC_DIM);
  LEFT_HALF_FEATURES.forEach((feature, row) =>
    out.set(kept.subarray(row * SYNTHETIC_DIM, (row + 1) * SYNTHETIC_DIM), feature * SYNTHETIC_DIM),
  );
  return out;
}

export async function generateSyntheticLeftModel(dir: string): Promise<void> {
  await writeSyntheticModel(dir, leftHalfProjection());
}
