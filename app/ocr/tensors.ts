/**
 * The pixels PP-OCR's three networks take, sampled from one RGB photo (8-bit, HWC). PaddleOCR reads images
 * with OpenCV, so every network sees channels in B, G, R order. Sampling is bilinear; a crop shrunk by more
 * than 2× averages several samples per output pixel so thin strokes do not alias away.
 */
import type { TextQuad } from '../contract/photo-text.ts';
import { distance } from './geometry.ts';

export interface RgbImage {
  data: Uint8Array;
  width: number;
  height: number;
}

/**
 * The three channels at a real-valued position, bilinear, clamped at the edges, added into `into[0..2]`
 * (R, G, B). Allocation-free: it runs for every pixel of every line crop.
 */
function addSample(image: RgbImage, x: number, y: number, into: Float64Array): void {
  const { data, width, height } = image;
  const cx = x < 0 ? 0 : x > width - 1 ? width - 1 : x;
  const cy = y < 0 ? 0 : y > height - 1 ? height - 1 : y;
  const x0 = cx | 0;
  const y0 = cy | 0;
  const x1 = x0 + 1 < width ? x0 + 1 : x0;
  const y1 = y0 + 1 < height ? y0 + 1 : y0;
  const fx = cx - x0;
  const fy = cy - y0;
  const w00 = (1 - fx) * (1 - fy);
  const w10 = fx * (1 - fy);
  const w01 = (1 - fx) * fy;
  const w11 = fx * fy;
  const i00 = (y0 * width + x0) * 3;
  const i10 = (y0 * width + x1) * 3;
  const i01 = (y1 * width + x0) * 3;
  const i11 = (y1 * width + x1) * 3;
  for (let c = 0; c < 3; c++)
    into[c] = into[c]! + data[i00 + c]! * w00 + data[i10 + c]! * w10 + data[i01 + c]! * w01 + data[i11 + c]! * w11;
}

/** The detector's input size: long side at most `limit`, both sides multiples of 32 (the network's stride). */
export function detectorSize(width: number, height: number, limit: number): { width: number; height: number } {
  const scale = Math.min(1, limit / Math.max(width, height));
  const round32 = (v: number): number => Math.max(32, Math.round((v * scale) / 32) * 32);
  return { width: round32(width), height: round32(height) };
}

/**
 * The gate's input size: the detector's size scaled by `scale`, both sides multiples of 32; undefined
 * when there is no gate (`scale` 0) or it would be no smaller than the detector's own input.
 */
export function gateSize(
  detector: { width: number; height: number },
  scale: number,
): { width: number; height: number } | undefined {
  if (scale <= 0) return undefined;
  const round32 = (v: number): number => Math.max(32, Math.round((v * scale) / 32) * 32);
  const size = { width: round32(detector.width), height: round32(detector.height) };
  return size.width * size.height < detector.width * detector.height ? size : undefined;
}

/** The largest look at `scale`: that of a photo at least as large as the detector's `limit` on both sides. */
export function largestGateSize(limit: number, scale: number): { width: number; height: number } | undefined {
  return gateSize({ width: limit, height: limit }, scale);
}

const MEAN = [0.485, 0.456, 0.406];
const STD = [0.229, 0.224, 0.225];

/**
 * The detector's input from a photo already resized to its size (sharp does that, in libvips):
 * ImageNet-normalised, NCHW in B, G, R order.
 */
export function detectorInput(image: RgbImage): Float32Array {
  const plane = image.width * image.height;
  const out = new Float32Array(3 * plane);
  const data = image.data;
  for (let k = 0; k < 3; k++) {
    const rgb = 2 - k; // output channel k is B, G, R
    const scale = 1 / (255 * STD[k]!);
    const shift = MEAN[k]! / STD[k]!;
    for (let i = 0; i < plane; i++) out[k * plane + i] = data[i * 3 + rgb]! * scale - shift;
  }
  return out;
}

/** A line's width in pixels at `height` pixels tall, from its quad (reading order). */
export function lineWidthAt(quad: TextQuad, height: number): number {
  const w = distance(quad[0], quad[1]);
  const h = Math.max(1, distance(quad[0], quad[3]));
  return Math.max(1, Math.ceil((height * w) / h));
}

/**
 * Writes the quad's pixels (reading order: row 0 runs from corner 0 to corner 1), `height` tall and
 * `width` wide, normalised to [−1, 1], into `out` (NCHW, B G R) for batch slot `slot` of width `stride`;
 * columns past `width` stay as they are (zero: the padding PP-OCR uses).
 */
export function writeLineCrop(
  image: RgbImage,
  quad: TextQuad,
  out: Float32Array,
  slot: number,
  stride: number,
  height: number,
  width: number,
): void {
  const [p0, p1, , p3] = quad;
  const ux = (p1.x - p0.x) / width;
  const uy = (p1.y - p0.y) / width;
  const vx = (p3.x - p0.x) / height;
  const vy = (p3.y - p0.y) / height;
  const shrink = Math.max(Math.hypot(ux, uy), Math.hypot(vx, vy));
  const n = Math.min(4, Math.max(1, Math.ceil(shrink / 2)));
  const plane = height * stride;
  const base = slot * 3 * plane;
  const acc = new Float64Array(3);
  const norm = 1 / (n * n * 127.5);
  const columns = Math.min(width, stride);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < columns; x++) {
      acc[0] = 0;
      acc[1] = 0;
      acc[2] = 0;
      for (let j = 0; j < n; j++) {
        const v = y + (j + 0.5) / n;
        for (let i = 0; i < n; i++) {
          const u = x + (i + 0.5) / n;
          addSample(image, p0.x + u * ux + v * vx - 0.5, p0.y + u * uy + v * vy - 0.5, acc);
        }
      }
      // (mean / 255 − 0.5) / 0.5, channels B, G, R
      const at = base + y * stride + x;
      out[at] = acc[2]! * norm - 1;
      out[at + plane] = acc[1]! * norm - 1;
      out[at + 2 * plane] = acc[0]! * norm - 1;
    }
  }
}
