/**
 * MobileCLIP2's preprocessing (short side to 256, centre crop 256, /255, no mean/std, bilinear) against
 * the reference processor: transformers.js's CLIPImageProcessor configured from the model folder's
 * `preprocessor_config.json` (the one the MobileCLIP2-S2 twin installs; open_clip's MobileCLIP2 settings).
 * As the CLIP parity test does (preprocess-parity.test.ts): exact where no resize happens (photos
 * pre-sized so their short side is 256), and within that test's envelope where both sides resize
 * (we filter when shrinking as Pillow does; transformers.js samples with sharp's affine, which aliases).
 * Also: the manifest's `preprocess` of mobileclip2-s2 is what that config says.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLIPImageProcessor, RawImage } from '@huggingface/transformers';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { preprocessForModel } from '../../../app/image/preprocess.ts';
import { findModel, loadManifest } from '../../../app/models/manifest.ts';
import type { PreprocessSpec } from '../../../app/models/manifest-types.ts';
import { cachedMobileClip2Twin } from '../../../models/mobileclip2-twin/twin-cache.ts';
import { IMAGENET_DIR } from './clip-reference.ts';

vi.setConfig({ testTimeout: 600_000, hookTimeout: 300_000 });

interface ProcessorConfig {
  crop_size: { height: number; width: number };
  size: { shortest_edge: number };
  resample: number;
  rescale_factor: number;
  do_normalize: boolean;
  image_mean: [number, number, number];
  image_std: [number, number, number];
}

const photos = readdirSync(IMAGENET_DIR)
  .filter((name) => /\.jpe?g$/i.test(name))
  .sort()
  .map((name) => join(IMAGENET_DIR, name));
const scratch = mkdtempSync(join(tmpdir(), 'eidos-mc2-parity-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let spec: PreprocessSpec;
let processor: CLIPImageProcessor;

beforeAll(async () => {
  const config = JSON.parse(
    readFileSync(join(await cachedMobileClip2Twin(), 'preprocessor_config.json'), 'utf8'),
  ) as ProcessorConfig;
  // The config in our terms (Pillow's resample codes: 2 = BILINEAR, 3 = BICUBIC); no normalisation = mean 0, std 1.
  spec = {
    size: config.crop_size.height,
    shortestEdge: config.size.shortest_edge,
    interpolation: config.resample === 3 ? 'bicubic' : 'bilinear',
    rescaleFactor: config.rescale_factor,
    mean: config.do_normalize ? config.image_mean : [0, 0, 0],
    std: config.do_normalize ? config.image_std : [1, 1, 1],
  };
  processor = new CLIPImageProcessor(config);
});

const reference = async (file: string): Promise<Float32Array> =>
  (await processor(await RawImage.read(file))).pixel_values.data as Float32Array;

/** Mean and max |ours − reference| in 0..255 pixel units (std is 1, so × 255). */
function difference(ours: Float32Array, theirs: Float32Array): { meanPx: number; maxPx: number } {
  expect(ours.length).toBe(theirs.length);
  let sum = 0;
  let max = 0;
  for (let i = 0; i < ours.length; i++) {
    const d = Math.abs(ours[i]! - theirs[i]!) * 255;
    sum += d;
    max = Math.max(max, d);
  }
  return { meanPx: sum / ours.length, maxPx: max };
}

describe('MobileCLIP2 preprocessing parity with transformers.js on imagenet-dev', () => {
  it('is the manifest’s preprocessing for mobileclip2-s2 and its twin', () => {
    expect(spec).toEqual({ ...findModel(loadManifest(), 'mobileclip2-s2').preprocess });
    expect(findModel(loadManifest(), 'mobileclip2-s2-twin').preprocess).toEqual(spec);
    expect(spec).toMatchObject({ size: 256, interpolation: 'bilinear', mean: [0, 0, 0], std: [1, 1, 1] });
  });

  it('matches exactly when no resize is involved (crop, colour, layout, rescale without normalisation)', async () => {
    let maxPx = 0;
    for (const file of photos.filter((_, i) => i % 5 === 0)) {
      const presized = join(scratch, 'presized.png');
      const meta = await sharp(file).autoOrient().metadata();
      const scale = spec.shortestEdge / Math.min(meta.autoOrient.width, meta.autoOrient.height);
      await sharp(file)
        .autoOrient()
        .resize({
          width: Math.floor(Number((meta.autoOrient.width * scale).toFixed(2))),
          height: Math.floor(Number((meta.autoOrient.height * scale).toFixed(2))),
          fit: 'fill',
        })
        .png()
        .toFile(presized);
      const ours = await preprocessForModel(presized, spec);
      expect(ours).toHaveLength(3 * 256 * 256);
      maxPx = Math.max(maxPx, difference(ours, await reference(presized)).maxPx);
    }
    // v/255 in float32 on both sides: far below one 8-bit step.
    expect(maxPx).toBeLessThan(1e-3);
  });

  it('stays within the CLIP parity test’s envelope where both sides resize', async () => {
    let sum = 0;
    let worstPhotoMeanPx = 0;
    const sample = photos.filter((_, i) => i % 2 === 0);
    for (const file of sample) {
      const { meanPx } = difference(await preprocessForModel(file, spec), await reference(file));
      sum += meanPx;
      worstPhotoMeanPx = Math.max(worstPhotoMeanPx, meanPx);
    }
    const meanPx = sum / sample.length;
    console.log(
      `MobileCLIP2 vs transformers.js, with resize: mean ${meanPx.toFixed(3)} px, worst photo ${worstPhotoMeanPx.toFixed(3)} px`,
    );
    // The CLIP test's bounds (preprocess-parity.test.ts): mean < 6.5 px, worst photo < 25 px.
    expect(meanPx).toBeLessThan(6.5);
    expect(worstPhotoMeanPx).toBeLessThan(25);
  });
});
