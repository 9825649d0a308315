/**
 * How much fine detail a photo holds, to suggest the sharpest of a group of copies: the variance of the
 * Laplacian (Pech-Pacheco et al. 2000) of its luminance at one fixed scale, 256 × 256. At a fixed scale
 * a copy that was made smaller (and so lost detail) or blurred scores lower than its original, and a
 * recompressed one about the same.
 */
export const SHARPNESS_EDGE = 256;

/** Variance of the 4-neighbour Laplacian over the inner pixels of a `width` × `height` grey image. */
export function sharpnessOfGrey(grey: ArrayLike<number>, width: number, height: number): number {
  let sum = 0;
  let sumSquares = 0;
  let count = 0;
  for (let y = 1; y < height - 1; y++)
    for (let x = 1; x < width - 1; x++) {
      const i = y * width + x;
      const laplacian = grey[i - 1]! + grey[i + 1]! + grey[i - width]! + grey[i + width]! - 4 * grey[i]!;
      sum += laplacian;
      sumSquares += laplacian * laplacian;
      count++;
    }
  if (count === 0) return 0;
  const mean = sum / count;
  return sumSquares / count - mean * mean;
}
