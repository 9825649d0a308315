/**
 * Plane geometry the text detector's boxes need: the convex hull of a region's pixels and the rectangle of
 * least area around it (rotating calipers over the hull's edges: the minimum-area enclosing rectangle has a
 * side on an edge of the hull, Freeman & Shapira 1975), and the four corners in reading order.
 */
import type { TextPoint, TextQuad } from '../contract/photo-text.ts';

/** A rotated rectangle: centre, side lengths along its own axes, and the direction of its first axis. */
export interface RotatedRect {
  cx: number;
  cy: number;
  /** Length along `(ux, uy)`. */
  width: number;
  /** Length along the perpendicular `(-uy, ux)`. */
  height: number;
  ux: number;
  uy: number;
}

const cross = (o: TextPoint, a: TextPoint, b: TextPoint): number =>
  (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);

/** Andrew's monotone chain; the hull counter-clockwise (in a y-up frame), no collinear points. */
export function convexHull(points: readonly TextPoint[]): TextPoint[] {
  const sorted = [...points].sort((a, b) => a.x - b.x || a.y - b.y);
  if (sorted.length <= 2) return sorted;
  const lower: TextPoint[] = [];
  for (const p of sorted) {
    while (lower.length >= 2 && cross(lower[lower.length - 2]!, lower[lower.length - 1]!, p) <= 0) lower.pop();
    lower.push(p);
  }
  const upper: TextPoint[] = [];
  for (let i = sorted.length - 1; i >= 0; i--) {
    const p = sorted[i]!;
    while (upper.length >= 2 && cross(upper[upper.length - 2]!, upper[upper.length - 1]!, p) <= 0) upper.pop();
    upper.push(p);
  }
  return lower.slice(0, -1).concat(upper.slice(0, -1));
}

/** The rectangle of least area holding every point. */
export function minAreaRect(points: readonly TextPoint[]): RotatedRect {
  const hull = convexHull(points);
  if (hull.length === 0) return { cx: 0, cy: 0, width: 0, height: 0, ux: 1, uy: 0 };
  let best: RotatedRect | undefined;
  let bestArea = Infinity;
  // A single point or a segment still has a direction to measure along; the x axis is as good as any.
  const directions: Array<[number, number]> = [[1, 0]];
  for (let i = 0; i < hull.length; i++) {
    const a = hull[i]!;
    const b = hull[(i + 1) % hull.length]!;
    const length = Math.hypot(b.x - a.x, b.y - a.y);
    if (length > 0) directions.push([(b.x - a.x) / length, (b.y - a.y) / length]);
  }
  for (const [ux, uy] of directions) {
    let minU = Infinity;
    let maxU = -Infinity;
    let minV = Infinity;
    let maxV = -Infinity;
    for (const p of hull) {
      const u = p.x * ux + p.y * uy;
      const v = -p.x * uy + p.y * ux;
      if (u < minU) minU = u;
      if (u > maxU) maxU = u;
      if (v < minV) minV = v;
      if (v > maxV) maxV = v;
    }
    const area = (maxU - minU) * (maxV - minV);
    if (area < bestArea) {
      bestArea = area;
      const cu = (minU + maxU) / 2;
      const cv = (minV + maxV) / 2;
      best = { cx: cu * ux - cv * uy, cy: cu * uy + cv * ux, width: maxU - minU, height: maxV - minV, ux, uy };
    }
  }
  return best!;
}

/**
 * The rectangle's corners as a quad in reading order: its long side is the text's baseline direction,
 * pointing rightwards (or downwards when vertical), and the corners run clockwise from the top left. A
 * rectangle taller than wide stays so (vertical text, or a line rotated by 90°: the reader turns its crop).
 */
export function rectQuad(rect: RotatedRect): TextQuad {
  // Pick the axis that is closer to horizontal as the reading direction, pointing right.
  let ux = rect.ux;
  let uy = rect.uy;
  let w = rect.width;
  let h = rect.height;
  if (Math.abs(uy) > Math.abs(ux)) {
    [ux, uy] = [uy, -ux];
    [w, h] = [h, w];
  }
  if (ux < 0) {
    ux = -ux;
    uy = -uy;
  }
  // With y down, (−uy, ux) points down when the reading direction points right.
  const vx = -uy;
  const vy = ux;
  const corner = (su: number, sv: number): TextPoint => ({
    x: rect.cx + (su * w * ux) / 2 + (sv * h * vx) / 2,
    y: rect.cy + (su * w * uy) / 2 + (sv * h * vy) / 2,
  });
  return [corner(-1, -1), corner(1, -1), corner(1, 1), corner(-1, 1)];
}

export const distance = (a: TextPoint, b: TextPoint): number => Math.hypot(b.x - a.x, b.y - a.y);

/** A point a fraction `t` of the way from `a` to `b`. */
export const lerp = (a: TextPoint, b: TextPoint, t: number): TextPoint => ({
  x: a.x + (b.x - a.x) * t,
  y: a.y + (b.y - a.y) * t,
});

export function scaleQuad(quad: TextQuad, sx: number, sy: number): TextQuad {
  const s = (p: TextPoint): TextPoint => ({ x: p.x * sx, y: p.y * sy });
  return [s(quad[0]), s(quad[1]), s(quad[2]), s(quad[3])];
}
