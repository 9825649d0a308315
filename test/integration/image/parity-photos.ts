/**
 * What the preprocessing parity tests (CLIP, MobileCLIP2, SigLIP 2) share: the imagenet-dev photos, a
 * photo pre-sized losslessly so neither side resizes it again, and the size of a difference between two
 * model inputs in 0..255 pixel units.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { expect } from 'vitest';
import { IMAGENET_DIR } from './clip-reference.ts';

/** Every JPEG of imagenet-dev, sorted by name (the set has 500). */
export const IMAGENET_PHOTOS = readdirSync(IMAGENET_DIR)
  .filter((name) => /\.jpe?g$/i.test(name))
  .sort()
  .map((name) => join(IMAGENET_DIR, name));

/**
 * Writes `file`, upright, as a PNG at `out` whose shortest edge is `shortestEdge` (the other edge as the
 * processors compute it), so a processor resizing to that shortest edge leaves it alone.
 */
export async function presizeShortestEdge(file: string, shortestEdge: number, out: string): Promise<void> {
  const meta = await sharp(file).autoOrient().metadata();
  const scale = shortestEdge / Math.min(meta.autoOrient.width, meta.autoOrient.height);
  await sharp(file)
    .autoOrient()
    .resize({
      width: Math.floor(Number((meta.autoOrient.width * scale).toFixed(2))),
      height: Math.floor(Number((meta.autoOrient.height * scale).toFixed(2))),
      fit: 'fill',
    })
    .png()
    .toFile(out);
}

/** Mean and max |ours − theirs| of two CHW model inputs in 0..255 pixel units (normalised Δ × std × 255). */
export function pixelDifference(
  ours: Float32Array,
  theirs: Float32Array,
  std: readonly number[],
): { meanPx: number; maxPx: number } {
  expect(ours.length).toBe(theirs.length);
  const plane = ours.length / 3;
  let sum = 0;
  let max = 0;
  for (let i = 0; i < ours.length; i++) {
    const px = Math.abs(ours[i]! - theirs[i]!) * std[Math.floor(i / plane)]! * 255;
    sum += px;
    max = Math.max(max, px);
  }
  return { meanPx: sum / ours.length, maxPx: max };
}
