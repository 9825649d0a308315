/**
 * The reference of `Kernels.resampleImage`: Pillow's antialiased resampling (BICUBIC: Catmull-Rom, a = −0.5;
 * BILINEAR: the triangle) of 8-bit interleaved pixels to any size, aspect not kept. When shrinking, the kernel is stretched by
 * the scale so every source pixel counts (no aliasing); taps outside the picture are dropped and the rest
 * renormalised. Separable: along columns, then along rows, every sum in float32 tap by tap; each output
 * value rounded half up and clamped to 0–255.
 *
 * native/src/resample.cc does the same arithmetic in the same order, so the two agree to the byte except
 * where a compiler fuses a multiply-add (arm64's default; ±1 then).
 */
import { EidosError } from '../contract/errors.ts';
import type { ResampleArgs } from './contract.ts';
import { checkCount, checkLength } from './validate.ts';

export type ResampleFilter = ResampleArgs[6];

/** Catmull-Rom cubic (a = −0.5), Pillow's BICUBIC. */
function cubic(x: number): number {
  const a = -0.5;
  const t = Math.abs(x);
  if (t < 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
  if (t < 2) return (((t - 5) * t + 8) * t - 4) * a;
  return 0;
}

/** Pillow's two filters the models' processors name, with their supports. */
const FILTERS: Record<ResampleFilter, { weight: (x: number) => number; support: number }> = {
  bicubic: { weight: cubic, support: 2 },
  bilinear: { weight: (x) => Math.max(0, 1 - Math.abs(x)), support: 1 },
};

/** Each output position's first source index, tap count and `stride` float32 weights (the first `count` used). */
export interface AxisTaps {
  first: Int32Array;
  count: Int32Array;
  weights: Float32Array;
  stride: number;
}

/** The taps of output positions first … first + count − 1 of an inSize → outSize resize. */
export function axisTaps(
  inSize: number,
  outSize: number,
  filter: ResampleFilter,
  firstOut = 0,
  countOut = outSize,
): AxisTaps {
  const { weight, support: base } = FILTERS[filter];
  const scale = inSize / outSize;
  const stretch = Math.max(scale, 1);
  const support = base * stretch;
  const stride = Math.ceil(support) * 2 + 1;
  const first = new Int32Array(countOut);
  const count = new Int32Array(countOut);
  const weights = new Float32Array(countOut * stride);
  for (let i = 0; i < countOut; i++) {
    const centre = (firstOut + i + 0.5) * scale;
    const from = Math.max(0, Math.floor(centre - support));
    const to = Math.min(inSize, Math.ceil(centre + support));
    let total = 0;
    for (let j = from; j < to; j++) {
      const w = weight((j + 0.5 - centre) / stretch);
      weights[i * stride + j - from] = w;
      total += w;
    }
    for (let j = 0; j < to - from; j++) weights[i * stride + j] = weights[i * stride + j]! / total;
    first[i] = from;
    count[i] = to - from;
  }
  return { first, count, weights, stride };
}

function fail(message: string): never {
  throw new EidosError('BAD_ARGUMENT', message);
}

/** The same checks, in the same words, as native/src/resample.cc. */
/** A non-negative integer field of the window (the native check's words). */
function checkWindowField(name: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
    fail(`window.${name} must be a non-negative integer`);
}

export function checkResample(
  ...[src, width, height, channels, outWidth, outHeight, filter, window]: ResampleArgs
): void {
  for (const [name, value] of Object.entries({ width, height, channels, outWidth, outHeight })) {
    checkCount(name, value);
    if (value === 0) fail(`${name} must be a positive integer, got 0`);
  }
  if (channels > 4) fail(`channels must be between 1 and 4, got ${channels}`);
  if (filter !== 'bicubic' && filter !== 'bilinear') fail("filter must be 'bicubic' or 'bilinear'");
  if (window !== undefined) {
    if (typeof window !== 'object' || window === null) fail('window must be { left, top, width, height }');
    for (const name of ['left', 'top', 'width', 'height'] as const) checkWindowField(name, window[name]);
    if (
      window.width < 1 ||
      window.height < 1 ||
      window.left + window.width > outWidth ||
      window.top + window.height > outHeight
    )
      fail('window must be a non-empty part of the outWidth×outHeight picture');
  }
  if (!(src instanceof Uint8Array)) fail('src must be a Uint8Array');
  checkLength('src', src, width * height * channels, 'width×height×channels');
}

/** One pass along columns: each output row the float32 sum, tap by tap, of its taps' rows (`length` values a row). */
function alongColumns(src: ArrayLike<number>, length: number, taps: AxisTaps, outRows: number): Float32Array {
  const out = new Float32Array(outRows * length);
  const f = Math.fround;
  for (let y = 0; y < outRows; y++)
    for (let i = 0; i < length; i++) {
      let sum = 0;
      for (let k = 0; k < taps.count[y]!; k++)
        sum = f(sum + f(taps.weights[y * taps.stride + k]! * src[(taps.first[y]! + k) * length + i]!));
      out[y * length + i] = sum;
    }
  return out;
}

/** rows × cols pixels of `channels` values → cols × rows pixels. */
function transpose(src: Float32Array, rows: number, cols: number, channels: number): Float32Array {
  const out = new Float32Array(src.length);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++)
      for (let k = 0; k < channels; k++) out[(c * rows + r) * channels + k] = src[(r * cols + c) * channels + k]!;
  return out;
}

export function resampleImage(...args: ResampleArgs): Uint8Array {
  checkResample(...args);
  const [src, width, height, channels, outWidth, outHeight, filter] = args;
  const window = args[7] ?? { left: 0, top: 0, width: outWidth, height: outHeight };
  const { width: w, height: h } = window;
  const ys = axisTaps(height, outHeight, filter, window.top, h);
  const columns = alongColumns(src, width * channels, ys, h);
  // Along rows: the same pass on the transposed picture, then turned back.
  const xs = axisTaps(width, outWidth, filter, window.left, w);
  const rows = alongColumns(transpose(columns, h, width, channels), h * channels, xs, w);
  const turned = transpose(rows, w, h, channels);
  return Uint8Array.from(turned, (value) => Math.min(255, Math.max(0, Math.floor(value + 0.5))));
}
