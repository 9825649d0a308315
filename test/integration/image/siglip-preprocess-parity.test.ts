/**
 * Issue 22 part 5: SigLIP 2's preprocessing (resize straight to 224×224, bicubic, rescale 1/255, mean =
 * std = 0.5; `resize: 'stretch'` in the manifest) against transformers.js's SiglipImageProcessor built from
 * a SigLIP `preprocessor_config.json` (the twin's, written like the real one: models/siglip2-twin), on the
 * imagenet-dev photos, as the CLIP test (preprocess-parity.test.ts) does:
 *
 * 1. Exact where no resize happens: photos pre-sized losslessly to 224×224 go through neither side's
 *    resize, so colour, layout, rescale and normalisation are compared bit for bit (float32 rounding).
 * 2. With the resize, within the CLIP test's measured envelope: we filter when shrinking as Pillow does,
 *    transformers.js samples with sharp's affine, which aliases (see preprocess-parity.test.ts).
 * 3. Against the Pillow port (the Python processor the model was trained with), closely.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RawImage, SiglipImageProcessor } from '@huggingface/transformers';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { hwcToNormalisedChw, modelInputGeometry, preprocessForModel } from '../../../app/image/preprocess.ts';
import { findModel, loadManifest } from '../../../app/models/manifest.ts';
import { siglipPreprocessorConfig } from '../../../models/siglip2-twin/processor-files.ts';
import { IMAGENET_PHOTOS, pixelDifference } from './parity-photos.ts';
import { pillowResize } from './pillow-resample.ts';

interface SiglipConfig {
  size: { height: number; width: number };
  resample: number;
  rescale_factor: number;
  image_mean: [number, number, number];
  image_std: [number, number, number];
}

const config = siglipPreprocessorConfig() as SiglipConfig;
const processor = new SiglipImageProcessor(config);
const manifest = loadManifest();
const photos = IMAGENET_PHOTOS;
const scratch = mkdtempSync(join(tmpdir(), 'eidos-siglip-parity-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function reference(file: string): Promise<Float32Array> {
  const { pixel_values } = await processor(await RawImage.read(file));
  return pixel_values.data as Float32Array;
}

describe('SigLIP 2 preprocessing parity with transformers.js', () => {
  for (const id of ['siglip2-base', 'siglip2-base-twin']) {
    it(`${id}: the manifest says what preprocessor_config.json says`, () => {
      const spec = findModel(manifest, id).preprocess;
      expect(spec.resize).toBe('stretch');
      expect([spec.size, spec.size]).toEqual([config.size.height, config.size.width]);
      expect(spec.interpolation).toBe(config.resample === 3 ? 'bicubic' : 'bilinear');
      expect(spec.rescaleFactor).toBeCloseTo(config.rescale_factor, 15);
      expect(spec.mean).toEqual(config.image_mean);
      expect(spec.std).toEqual(config.image_std);
    });
  }

  const spec = findModel(manifest, 'siglip2-base').preprocess;

  it('stretches to size×size whatever the aspect ratio, cropping nothing', () => {
    expect(modelInputGeometry(4000, 300, spec)).toEqual({ resizeWidth: 224, resizeHeight: 224, left: 0, top: 0 });
    expect(modelInputGeometry(100, 900, spec)).toEqual({ resizeWidth: 224, resizeHeight: 224, left: 0, top: 0 });
  });

  it('matches exactly when no resize is involved (colour, layout, rescale, normalisation)', async () => {
    let max = 0;
    for (const file of photos.filter((_, i) => i % 10 === 0)) {
      const presized = join(scratch, 'presized.png');
      await sharp(file).autoOrient().resize({ width: 224, height: 224, fit: 'fill' }).png().toFile(presized);
      max = Math.max(
        max,
        pixelDifference(await preprocessForModel(presized, spec), await reference(presized), spec.std).maxPx,
      );
    }
    console.log(`SigLIP no-resize parity: max ${max.toExponential(3)} px`);
    expect(max).toBeLessThan(1e-3);
  });

  it('stays within the CLIP test envelope with the resize, including extreme aspect ratios', async () => {
    let sum = 0;
    let worst = 0;
    const chosen = photos.filter((_, i) => i % 4 === 0);
    const panorama = join(scratch, 'panorama.jpg');
    await sharp(chosen[0]!).autoOrient().resize({ width: 1200, height: 150, fit: 'fill' }).jpeg().toFile(panorama);
    const files = [...chosen, panorama];
    for (const file of files) {
      const { meanPx: mean } = pixelDifference(await preprocessForModel(file, spec), await reference(file), spec.std);
      sum += mean;
      worst = Math.max(worst, mean);
    }
    console.log(
      `SigLIP vs transformers.js with resize: mean ${(sum / files.length).toFixed(3)} px, worst photo ${worst.toFixed(3)} px`,
    );
    // The CLIP test's bounds (preprocess-parity.test.ts): mean < 6.5 px, worst photo < 25 px.
    expect(sum / files.length).toBeLessThan(6.5);
    expect(worst).toBeLessThan(25);
  });

  it("reproduces Pillow's bicubic stretch to 224×224 (the Python processor)", async () => {
    let sum = 0;
    const files = photos.filter((_, i) => i % 10 === 0);
    for (const file of files) {
      const { data, info } = await sharp(file)
        .autoOrient()
        .toColourspace('srgb')
        .raw()
        .toBuffer({ resolveWithObject: true });
      const pillow = hwcToNormalisedChw(
        pillowResize(data, info.width, info.height, 224, 224, spec.interpolation),
        spec,
      );
      sum += pixelDifference(await preprocessForModel(file, spec), pillow, spec.std).meanPx;
    }
    console.log(`SigLIP vs Pillow port: mean ${(sum / files.length).toFixed(3)} px`);
    // The CLIP test's bound for shrinking (libvips and Pillow round their two passes in other orders).
    expect(sum / files.length).toBeLessThan(0.5);
  });
});
