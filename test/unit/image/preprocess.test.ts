import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../../app/image/decode.ts';
import { modelInputGeometry, preprocessDecoded, preprocessForModel } from '../../../app/image/preprocess.ts';
import type { PreprocessSpec } from '../../../app/models/manifest-types.ts';
import { isEidosError } from '../../../app/contract/errors.ts';
import { scratchDir } from './fixtures.ts';

const CLIP: PreprocessSpec = {
  size: 224,
  shortestEdge: 224,
  interpolation: 'bicubic',
  rescaleFactor: 1 / 255,
  mean: [0.48145466, 0.4578275, 0.40821073],
  std: [0.26862954, 0.26130258, 0.27577711],
};
const dir = scratchDir();

describe('modelInputGeometry', () => {
  it('follows the reference arithmetic: floor of the scaled side, floor of half the excess', () => {
    expect(modelInputGeometry(500, 375, CLIP)).toEqual({ resizeWidth: 298, resizeHeight: 224, left: 37, top: 0 });
    expect(modelInputGeometry(375, 500, CLIP)).toEqual({ resizeWidth: 224, resizeHeight: 298, left: 0, top: 37 });
    expect(modelInputGeometry(100, 75, CLIP)).toEqual({ resizeWidth: 298, resizeHeight: 224, left: 37, top: 0 });
    expect(modelInputGeometry(224, 224, CLIP)).toEqual({ resizeWidth: 224, resizeHeight: 224, left: 0, top: 0 });
  });
});

describe('preprocessForModel', () => {
  it('turns a uniform colour into (v/255 − mean)/std in every CHW plane', async () => {
    const file = join(dir, 'uniform.png');
    await sharp({ create: { width: 300, height: 200, channels: 3, background: { r: 200, g: 100, b: 50 } } })
      .png()
      .toFile(file);
    const tensor = await preprocessForModel(file, CLIP);
    expect(tensor).toHaveLength(3 * 224 * 224);
    const plane = 224 * 224;
    [200, 100, 50].forEach((v, c) => {
      const expected = (v / 255 - CLIP.mean[c]!) / CLIP.std[c]!;
      expect(tensor[c * plane]).toBeCloseTo(expected, 5);
      expect(tensor[c * plane + plane - 1]).toBeCloseTo(expected, 5);
    });
  });

  it('keeps the left half of the centre crop in the left half of the tensor', async () => {
    const file = join(dir, 'halves.png');
    await sharp({ create: { width: 400, height: 224, channels: 3, background: '#000000' } })
      .composite([
        { input: { create: { width: 200, height: 224, channels: 3, background: '#ffffff' } }, left: 200, top: 0 },
      ])
      .png()
      .toFile(file);
    const tensor = await preprocessForModel(file, CLIP);
    const white = (1 - CLIP.mean[0]) / CLIP.std[0];
    expect(tensor[100 * 224 + 10]).toBeLessThan(0); // dark on the left
    expect(tensor[100 * 224 + 200]).toBeCloseTo(white, 5); // white on the right
  });

  it('gives nearly the same tensor from a shared bounded decode (the thumbnail path)', async () => {
    const file = join(dir, 'big.jpg');
    await sharp('/work/shared/photos/imagenet-dev/images/n01440764_tench.JPEG')
      .resize({ width: 2000 })
      .jpeg({ quality: 92 })
      .toFile(file);
    const direct = await preprocessForModel(file, CLIP);
    const shared = preprocessDecoded(await decodeImage(file, { maxLongEdge: 1280, minShortEdge: 224 }), CLIP);
    let diff = 0;
    for (let i = 0; i < direct.length; i++) diff += Math.abs(direct[i]! - shared[i]!);
    // Two-stage resampling vs one: about a pixel level on average (0.015 normalised ≈ 1 px).
    expect(diff / direct.length).toBeLessThan(0.03);
  });

  it('refuses a spec whose shortest edge is smaller than the crop', async () => {
    const error = await preprocessForModel('/nonexistent.jpg', { ...CLIP, shortestEdge: 200 }).catch((e: unknown) => e);
    expect(isEidosError(error, 'BAD_ARGUMENT')).toBe(true);
  });
});

describe('preprocessDecoded on a panorama', () => {
  it('computes only the centre crop: a 20,000 × 2 strip (a 2.2-million-pixel-wide resize) gives its 224 × 224 input', async () => {
    // Left half black, right half white: the centre crop straddles the edge, black then white.
    const width = 20_000;
    const data = Buffer.alloc(width * 2 * 3);
    for (let y = 0; y < 2; y++) data.fill(255, (y * width + width / 2) * 3, (y + 1) * width * 3);
    const geometry = modelInputGeometry(width, 2, CLIP);
    expect(geometry.resizeWidth).toBe(2_240_000);
    const pixels = preprocessDecoded({ data, width, height: 2 }, CLIP);
    expect(pixels).toHaveLength(3 * 224 * 224);
    const plane = 224 * 224;
    // (v/255 − mean)/std of the red channel at the crop's first and last column.
    expect(pixels[0]).toBeCloseTo((0 - CLIP.mean[0]!) / CLIP.std[0]!, 5);
    expect(pixels[plane - 1]).toBeCloseTo((1 - CLIP.mean[0]!) / CLIP.std[0]!, 5);
  });
});
