/**
 * MobileCLIP2's preprocessing (short side to 256, centre crop 256, /255, no mean/std, bilinear) against
 * the reference processor: transformers.js's CLIPImageProcessor configured from the model folder's
 * `preprocessor_config.json` (the one the MobileCLIP2-S2 twin installs; open_clip's MobileCLIP2 settings).
 * As the CLIP parity test does (preprocess-parity.test.ts): exact where no resize happens (photos
 * pre-sized so their short side is 256), and within that test's envelope where both sides resize
 * (we filter when shrinking as Pillow does; transformers.js samples with sharp's affine, which aliases).
 * Also: the manifest's `preprocess` of mobileclip2-s2 is what that config says.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLIPImageProcessor, RawImage } from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { preprocessForModel } from '../../../app/image/preprocess.ts';
import { findModel, loadManifest } from '../../../app/models/manifest.ts';
import type { PreprocessSpec } from '../../../app/models/manifest-types.ts';
import { cachedMobileClip2Twin } from '../../../models/mobileclip2-twin/twin-cache.ts';
import { IMAGENET_PHOTOS, pixelDifference, presizeShortestEdge } from './parity-photos.ts';

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

const photos = IMAGENET_PHOTOS;
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
      await presizeShortestEdge(file, spec.shortestEdge, presized);
      const ours = await preprocessForModel(presized, spec);
      expect(ours).toHaveLength(3 * 256 * 256);
      maxPx = Math.max(maxPx, pixelDifference(ours, await reference(presized), spec.std).maxPx);
    }
    // v/255 in float32 on both sides: far below one 8-bit step.
    expect(maxPx).toBeLessThan(1e-3);
  });

  it('stays within the CLIP parity test’s envelope where both sides resize', async () => {
    let sum = 0;
    let worstPhotoMeanPx = 0;
    const sample = photos.filter((_, i) => i % 2 === 0);
    for (const file of sample) {
      const { meanPx } = pixelDifference(await preprocessForModel(file, spec), await reference(file), spec.std);
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
