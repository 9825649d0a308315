/**
 * The small grey pictures a photo's fingerprint and sharpness are computed from (64 × 64 and 256 × 256,
 * aspect ignored), made from the pixels the indexer already decoded.
 *
 * Why not libvips: it did the same in three pipelines (grey, then each size), ~13 ms of CPU a photo,
 * most of it per-pipeline overhead and the float colour conversion of every source pixel, beside an
 * encoder that needs the same cores. Here: the photo's luminance through lookup tables, resampled to
 * 256 × 256 by the native kernel (Pillow's antialiased bicubic, `kernels.resampleImage`), and that to 64 × 64.
 *
 * Luminance as libvips' `greyscale()` makes it from sRGB: decode each channel to linear light, take
 * Y = 0.2126 R + 0.7152 G + 0.0722 B (Rec. 709), encode Y back with the sRGB curve, rounded to 0–255.
 */
import { kernels } from '../kernels/index.ts';
import type { DecodedImage } from './decode.ts';

/** sRGB-encoded byte → linear light in [0, 1]. */
const TO_LINEAR: Float64Array = (() => {
  const table = new Float64Array(256);
  for (let v = 0; v < 256; v++) {
    const c = v / 255;
    table[v] = c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }
  return table;
})();

/** Steps of linear light in the table back to sRGB: fine enough that a step moves the output < 0.2 of a level. */
const ENCODE_STEPS = 16384;
const TO_SRGB: Uint8Array = (() => {
  const table = new Uint8Array(ENCODE_STEPS + 1);
  for (let i = 0; i <= ENCODE_STEPS; i++) {
    const y = i / ENCODE_STEPS;
    table[i] = Math.round(255 * (y <= 0.0031308 ? 12.92 * y : 1.055 * y ** (1 / 2.4) - 0.055));
  }
  return table;
})();

const WR = 0.2126;
const WG = 0.7152;
const WB = 0.0722;

/** The luminance of interleaved 8-bit sRGB pixels (3 channels), sRGB-encoded, one byte a pixel. */
export function luminanceOf(rgb: Uint8Array, width: number, height: number): Uint8Array {
  const pixels = width * height;
  if (rgb.length !== pixels * 3)
    throw new RangeError(`${width}×${height} RGB pixels are ${pixels * 3} bytes, got ${rgb.length}`);
  const grey = new Uint8Array(pixels);
  const linear = TO_LINEAR;
  const encode = TO_SRGB;
  for (let i = 0, p = 0; i < pixels; i++, p += 3) {
    const y = WR * linear[rgb[p]!]! + WG * linear[rgb[p + 1]!]! + WB * linear[rgb[p + 2]!]!;
    grey[i] = encode[(y * ENCODE_STEPS + 0.5) | 0]!;
  }
  return grey;
}

/**
 * The photo in grey at `large` × `large` (its sharpness is measured there) and at `small` × `small`
 * resampled from that (its fingerprint's views are cut from it), aspect ignored. Grey first, as libvips
 * did: a third of the pixels to resample.
 */
export function greyPictures(
  image: DecodedImage,
  large: number,
  small: number,
): { large: Uint8Array; small: Uint8Array } {
  const grey = luminanceOf(image.data, image.width, image.height);
  const big = kernels.resampleImage(grey, image.width, image.height, 1, large, large, 'bicubic');
  return { large: big, small: kernels.resampleImage(big, large, large, 1, small, small, 'bicubic') };
}
