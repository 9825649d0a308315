import { describe, expect, it } from 'vitest';
import { convexHull, minAreaRect, rectQuad } from '../../../app/ocr/geometry.ts';
import { boxesFromProbabilityMap, unclip } from '../../../app/ocr/db-boxes.ts';

/** Every integer point inside a w × h rectangle centred at (cx, cy), turned by `angle` radians. */
function rotatedRectanglePoints(cx: number, cy: number, w: number, h: number, angle: number) {
  const points = [];
  for (let u = -w / 2; u <= w / 2; u += 0.5)
    for (let v = -h / 2; v <= h / 2; v += 0.5)
      points.push({
        x: cx + u * Math.cos(angle) - v * Math.sin(angle),
        y: cy + u * Math.sin(angle) + v * Math.cos(angle),
      });
  return points;
}

describe('geometry of text boxes', () => {
  it('finds the convex hull of a square with points inside as its four corners', () => {
    const hull = convexHull([
      { x: 0, y: 0 },
      { x: 2, y: 0 },
      { x: 1, y: 1 },
      { x: 2, y: 2 },
      { x: 0, y: 2 },
      { x: 1, y: 0 },
    ]);
    expect(hull).toHaveLength(4);
    expect(new Set(hull.map((p) => `${p.x},${p.y}`))).toEqual(new Set(['0,0', '2,0', '2,2', '0,2']));
  });

  it.each([0, 0.3, Math.PI / 4, 1.2])('recovers a rectangle turned by %f rad: its sides and area', (angle) => {
    const rect = minAreaRect(rotatedRectanglePoints(50, 40, 60, 12, angle));
    const long = Math.max(rect.width, rect.height);
    const short = Math.min(rect.width, rect.height);
    expect(long).toBeCloseTo(60, 6);
    expect(short).toBeCloseTo(12, 6);
    expect(rect.cx).toBeCloseTo(50, 6);
    expect(rect.cy).toBeCloseTo(40, 6);
  });

  it('orders a quad clockwise from the top left of the text, the long side as the baseline', () => {
    const quad = rectQuad({ cx: 10, cy: 5, width: 4, height: 20, ux: 0, uy: 1 });
    // 20 wide along x after choosing the axis nearest to horizontal, 4 tall.
    expect(quad[0]).toEqual({ x: 0, y: 3 });
    expect(quad[1]).toEqual({ x: 20, y: 3 });
    expect(quad[2]).toEqual({ x: 20, y: 7 });
    expect(quad[3]).toEqual({ x: 0, y: 7 });
  });

  it("grows a box by area × ratio / perimeter on every side (the DB paper's unclip offset)", () => {
    // A 9 × 3 region of pixel centres covers 10 × 4 pixels: offset 10·4·1.5 / (2·14) = 15/7.
    const grown = unclip({ cx: 0, cy: 0, width: 9, height: 3, ux: 1, uy: 0 }, 1.5);
    expect(grown.width).toBeCloseTo(10 + 30 / 7, 9);
    expect(grown.height).toBeCloseTo(4 + 30 / 7, 9);
  });
});

describe('DB post-processing of a probability map', () => {
  const options = { binaryThreshold: 0.3, boxThreshold: 0.6, unclipRatio: 1.5, maxBoxes: 10, minSize: 3 };

  it('finds each region above the threshold as one grown box, and drops faint and tiny ones', () => {
    const width = 100;
    const height = 60;
    const map = new Float32Array(width * height);
    const fill = (x0: number, y0: number, x1: number, y1: number, p: number) => {
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) map[y * width + x] = p;
    };
    fill(10, 10, 50, 18, 0.9); // a line of text: 40 × 8 pixels
    fill(60, 30, 90, 40, 0.45); // above the binary threshold but too faint on average
    fill(5, 50, 7, 52, 0.95); // 2 × 2: noise
    const boxes = boxesFromProbabilityMap(map, width, height, options);
    expect(boxes).toHaveLength(1);
    const [box] = boxes;
    expect(box!.score).toBeCloseTo(0.9, 5);
    const offset = (40 * 8 * 1.5) / (2 * 48);
    const [p0, p1, , p3] = box!.quad;
    expect(p1.x - p0.x).toBeCloseTo(40 + 2 * offset, 6);
    expect(p3.y - p0.y).toBeCloseTo(8 + 2 * offset, 6);
    expect((p0.x + p1.x) / 2).toBeCloseTo(29.5, 6);
  });

  it('keeps at most maxBoxes boxes however much of the map is text', () => {
    const width = 200;
    const height = 200;
    const map = new Float32Array(width * height);
    // 400 separate 6 × 4 blobs.
    for (let by = 0; by < 20; by++)
      for (let bx = 0; bx < 20; bx++)
        for (let y = 0; y < 4; y++) for (let x = 0; x < 6; x++) map[(by * 10 + y) * width + bx * 10 + x] = 0.9;
    expect(boxesFromProbabilityMap(map, width, height, options)).toHaveLength(10);
  });
});
