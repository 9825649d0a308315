/**
 * Quarter turns, mirrors and crops on small interleaved pixel buffers (HEIF thumbnails of a few hundred
 * pixels), applied in the order a HEIF item lists its transformative properties.
 */
import type { HeifPixels } from './libheif.ts';

/** Turns the image `quarterTurns` × 90° anticlockwise (HEIF `irot`). */
export function rotateAnticlockwise(image: HeifPixels, quarterTurns: number): HeifPixels {
  const turns = ((quarterTurns % 4) + 4) % 4;
  if (turns === 0) return image;
  const { width: w, height: h, channels: c, data } = image;
  const swap = turns % 2 === 1;
  const outWidth = swap ? h : w;
  const outHeight = swap ? w : h;
  const out = new Uint8Array(data.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      // Where source (x, y) lands after the turn.
      const [ox, oy] = turns === 1 ? [y, w - 1 - x] : turns === 2 ? [w - 1 - x, h - 1 - y] : [h - 1 - y, x];
      out.set(data.subarray((y * w + x) * c, (y * w + x) * c + c), (oy * outWidth + ox) * c);
    }
  }
  return { data: out, width: outWidth, height: outHeight, channels: c };
}

/** HEIF `imir`: axis 0 mirrors about the vertical axis (left ↔ right), axis 1 about the horizontal one. */
export function mirror(image: HeifPixels, axis: 0 | 1): HeifPixels {
  const { width: w, height: h, channels: c, data } = image;
  const out = new Uint8Array(data.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const [sx, sy] = axis === 0 ? [w - 1 - x, y] : [x, h - 1 - y];
      out.set(data.subarray((sy * w + sx) * c, (sy * w + sx) * c + c), (y * w + x) * c);
    }
  }
  return { ...image, data: out };
}

/** The rectangle at (left, top) of `width` × `height`, clamped to the image. */
export function crop(image: HeifPixels, left: number, top: number, width: number, height: number): HeifPixels {
  const x0 = Math.max(0, Math.min(image.width - 1, Math.round(left)));
  const y0 = Math.max(0, Math.min(image.height - 1, Math.round(top)));
  const w = Math.max(1, Math.min(image.width - x0, Math.round(width)));
  const h = Math.max(1, Math.min(image.height - y0, Math.round(height)));
  const c = image.channels;
  const out = new Uint8Array(w * h * c);
  for (let y = 0; y < h; y++) {
    const from = ((y0 + y) * image.width + x0) * c;
    out.set(image.data.subarray(from, from + w * c), y * w * c);
  }
  return { data: out, width: w, height: h, channels: c };
}
