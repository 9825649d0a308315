// resampleImage (Pillow's antialiased bicubic) against closed forms, against an independent implementation
// (a port of Pillow's Resample.c, on real photos), and the native kernel against the reference.
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { kernels, kernelStatus } from '../../../app/kernels/index.ts';
import { referenceKernels as ref } from '../../../app/kernels/reference.ts';
import { mulberry32 } from '../../../app/util/mulberry32.ts';
import { pillowResize } from '../../integration/image/pillow-resample.ts';

const PHOTOS = resolve(import.meta.dirname, '../../../../shared/photos/imagenet-dev/images');

const randomBytes = (length: number, seed: number): Uint8Array => {
  const random = mulberry32(seed);
  return Uint8Array.from({ length }, () => Math.floor(random() * 256));
};

it('loads the native addon (set EIDOS_KERNELS=typescript to test the fallback alone)', () => {
  expect(kernelStatus().backend).not.toBe('typescript');
});

describe.each([
  ['reference', 'bicubic', ref],
  ['reference', 'bilinear', ref],
  ['native', 'bicubic', kernels],
  ['native', 'bilinear', kernels],
] as const)('resampleImage, %s, %s', (_name, filter, impl) => {
  it('leaves a picture of the same size as it is (the kernel is 1 at 0 and 0 at ±1, ±2)', () => {
    const src = randomBytes(37 * 23 * 3, 1);
    expect(impl.resampleImage(src, 37, 23, 3, 37, 23, filter)).toEqual(src);
  });

  it('keeps a flat picture flat at any size, shrinking or enlarging (the weights sum to 1)', () => {
    const src = new Uint8Array(50 * 30 * 4).fill(0).map((_, i) => [200, 17, 90, 255][i % 4]!);
    for (const [w, h] of [
      [7, 5],
      [64, 64],
      [120, 13],
    ] as const) {
      const out = impl.resampleImage(src, 50, 30, 4, w, h, filter);
      expect(out).toHaveLength(w * h * 4);
      out.forEach((value, i) => expect(value).toBe([200, 17, 90, 255][i % 4]));
    }
  });

  it('halving a picture averages each pair with the stretched kernel: a two-pixel stripe becomes flat grey', () => {
    // Columns alternate 0 and 200: halved, every output column sees the same mix of both (symmetric taps).
    const src = Uint8Array.from({ length: 40 * 8 }, (_, i) => (i % 2 === 0 ? 0 : 200));
    const out = impl.resampleImage(src, 40, 8, 1, 20, 8, filter);
    // Away from the edges (where taps are dropped and the rest renormalised), exactly the mean.
    for (let y = 0; y < 8; y++) for (let x = 2; x < 18; x++) expect(out[y * 20 + x]).toBe(100);
  });

  it('computes a window of the resized picture as exactly that part of the whole', () => {
    const src = randomBytes(61 * 47 * 3, 9);
    const whole = impl.resampleImage(src, 61, 47, 3, 40, 30, filter);
    const window = { left: 7, top: 5, width: 20, height: 11 };
    const part = impl.resampleImage(src, 61, 47, 3, 40, 30, filter, window);
    expect(part).toHaveLength(20 * 11 * 3);
    for (let y = 0; y < 11; y++) {
      const from = ((y + 5) * 40 + 7) * 3;
      expect(part.subarray(y * 60, (y + 1) * 60)).toEqual(whole.subarray(from, from + 60));
    }
  });

  it('refuses what it cannot resample, naming the argument', () => {
    const src = new Uint8Array(12);
    expect(() => impl.resampleImage(src, 2, 2, 3, 0, 1, filter)).toThrow('outWidth must be a positive integer, got 0');
    expect(() => impl.resampleImage(src, 2, 2, 5, 1, 1, filter)).toThrow('channels must be between 1 and 4, got 5');
    expect(() => impl.resampleImage(src, 3, 2, 3, 1, 1, filter)).toThrow(
      'src must hold width×height×channels = 18 values, got 12',
    );
    expect(() => impl.resampleImage(new Float32Array(12) as unknown as Uint8Array, 2, 2, 3, 1, 1, filter)).toThrow(
      'src must be a Uint8Array',
    );
    expect(() => impl.resampleImage(src, 2, 2, 3, 4, 4, filter, { left: 2, top: 0, width: 3, height: 1 })).toThrow(
      'window must be a non-empty part of the outWidth×outHeight picture',
    );
    expect(() => impl.resampleImage(src, 2, 2, 3, 4, 4, filter, { left: -1, top: 0, width: 1, height: 1 })).toThrow(
      'window.left must be a non-negative integer',
    );
    expect(() => impl.resampleImage(src, 2, 2, 3, 1, 1, 'lanczos' as 'bicubic')).toThrow(
      "filter must be 'bicubic' or 'bilinear'",
    );
  });
});

describe('resampleImage on a real photo', () => {
  it.each(['bicubic', 'bilinear'] as const)(
    "is Pillow's resize (a port of its Resample.c), %s, up to its rounding between passes",
    async (filter) => {
      const files = readdirSync(PHOTOS).sort();
      // A landscape shrunk, a portrait stretched to a square, and one enlarged (smaller than the target).
      for (const [file, ow, oh] of [
        [files[0]!, 256, 256],
        [files[2]!, 224, 224],
        [files[13]!, 512, 300],
      ] as const) {
        const { data, info } = await sharp(join(PHOTOS, file))
          .removeAlpha()
          .raw()
          .toBuffer({ resolveWithObject: true });
        const rgb = new Uint8Array(data);
        const ours = kernels.resampleImage(rgb, info.width, info.height, 3, ow, oh, filter);
        const pillow = pillowResize(rgb, info.width, info.height, ow, oh, filter);
        let total = 0;
        let far = 0;
        for (let i = 0; i < ours.length; i++) {
          const gap = Math.abs(ours[i]! - pillow[i]!);
          total += gap;
          if (gap > 2) far++;
        }
        // Pillow rounds and clamps to bytes after its first pass, ours keeps that pass in float32: the two
        // part by more than a level or two only where the cubic overshoots at a hard edge.
        expect(total / ours.length).toBeLessThan(0.3);
        expect(far / ours.length).toBeLessThan(0.002);
      }
    },
  );

  it('the native kernel gives the reference bytes (±1 where a multiply-add is fused), shrinking and enlarging', () => {
    for (const [w, h, c, ow, oh, seed, filter] of [
      [500, 375, 1, 256, 256, 2, 'bicubic'],
      [333, 500, 3, 224, 224, 3, 'bicubic'],
      [500, 333, 3, 384, 256, 7, 'bilinear'],
      [90, 60, 3, 256, 200, 4, 'bicubic'],
      [90, 60, 3, 256, 200, 8, 'bilinear'],
      [256, 256, 1, 64, 64, 5, 'bicubic'],
      [31, 17, 4, 7, 40, 6, 'bilinear'],
    ] as const) {
      const src = randomBytes(w * h * c, seed);
      const native = kernels.resampleImage(src, w, h, c, ow, oh, filter);
      const reference = ref.resampleImage(src, w, h, c, ow, oh, filter);
      let differing = 0;
      for (let i = 0; i < native.length; i++) {
        expect(Math.abs(native[i]! - reference[i]!)).toBeLessThanOrEqual(1);
        if (native[i] !== reference[i]) differing++;
      }
      expect(differing / native.length).toBeLessThan(0.001);
    }
  });
});
