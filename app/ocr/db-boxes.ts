/**
 * DB post-processing (Liao et al., "Real-time Scene Text Detection with Differentiable Binarization",
 * AAAI 2020), as PP-OCR's detector expects: the probability map is cut at `binaryThreshold`, each connected
 * region becomes the rectangle of least area around it, a region whose mean probability is below
 * `boxThreshold` is dropped, and the rest are grown back by the amount the model was trained to shrink
 * them ("unclip": offset by area × ratio / perimeter, Vatti clipping in the paper's code; for a rectangle
 * the offset rectangle's own minimum-area rectangle is the rectangle grown by that distance on each side).
 */
import type { TextQuad } from '../contract/photo-text.ts';
import { minAreaRect, rectQuad, type RotatedRect } from './geometry.ts';
import type { TextPoint } from '../contract/photo-text.ts';

export interface DbOptions {
  binaryThreshold: number;
  boxThreshold: number;
  unclipRatio: number;
  /** Keep at most this many boxes (the largest, most certain ones): bounds the recognition work per photo. */
  maxBoxes: number;
  /** Regions thinner than this many map pixels are noise. */
  minSize: number;
}

export interface DetectedBox {
  quad: TextQuad;
  /** Mean text probability over the region. */
  score: number;
}

/**
 * Boxes from a `width` × `height` probability map, in map pixels. `maxRegions` caps the connected regions
 * examined, so a map that is noise everywhere costs bounded time.
 */
export function boxesFromProbabilityMap(
  map: Float32Array,
  width: number,
  height: number,
  options: DbOptions,
): DetectedBox[] {
  const labels = new Int32Array(width * height);
  const stack = new Int32Array(width * height);
  const candidates: Array<{ rect: RotatedRect; score: number }> = [];
  let label = 0;
  const maxRegions = options.maxBoxes * 8;
  for (let start = 0; start < map.length && label < maxRegions; start++) {
    if (labels[start] !== 0 || map[start]! <= options.binaryThreshold) continue;
    label++;
    // Flood fill (8-connected, as a contour tracer sees a region), keeping each row's leftmost and rightmost pixel:
    // the convex hull of a region is the hull of those.
    const rowMin = new Map<number, number>();
    const rowMax = new Map<number, number>();
    let sum = 0;
    let count = 0;
    let top = 0;
    stack[top++] = start;
    labels[start] = label;
    while (top > 0) {
      const index = stack[--top]!;
      const x = index % width;
      const y = (index - x) / width;
      sum += map[index]!;
      count++;
      if (!(rowMin.get(y)! <= x)) rowMin.set(y, x);
      if (!(rowMax.get(y)! >= x)) rowMax.set(y, x);
      for (let dy = -1; dy <= 1; dy++) {
        const ny = y + dy;
        if (ny < 0 || ny >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          if (nx < 0 || nx >= width || (dx === 0 && dy === 0)) continue;
          const next = ny * width + nx;
          if (labels[next] === 0 && map[next]! > options.binaryThreshold) {
            labels[next] = label;
            stack[top++] = next;
          }
        }
      }
    }
    if (count < options.minSize * options.minSize) continue;
    const points: TextPoint[] = [];
    for (const [y, x] of rowMin) points.push({ x, y }, { x: rowMax.get(y)!, y });
    const rect = minAreaRect(points);
    if (Math.min(rect.width, rect.height) < options.minSize) continue;
    const score = sum / count;
    if (score < options.boxThreshold) continue;
    candidates.push({ rect, score });
  }
  candidates.sort((a, b) => b.rect.width * b.rect.height * b.score - a.rect.width * a.rect.height * a.score);
  return candidates.slice(0, options.maxBoxes).flatMap(({ rect, score }) => {
    const grown = unclip(rect, options.unclipRatio);
    if (Math.min(grown.width, grown.height) < options.minSize + 2) return [];
    return [{ quad: rectQuad(grown), score }];
  });
}

/** The rectangle grown by area × ratio / perimeter on every side. Pixel centres span one pixel less than the region. */
export function unclip(rect: RotatedRect, ratio: number): RotatedRect {
  const width = rect.width + 1;
  const height = rect.height + 1;
  const distance = (width * height * ratio) / (2 * (width + height));
  return { ...rect, width: width + 2 * distance, height: height + 2 * distance };
}
