/**
 * The reference CLIP image processor (transformers.js, npm) built from the real
 * `preprocessor_config.json`, and the same config expressed as our `PreprocessSpec`.
 */
import { readFileSync } from 'node:fs';
import { CLIPImageProcessor, RawImage } from '@huggingface/transformers';
import type { PreprocessSpec } from '../../../app/models/manifest-types.ts';

export const CLIP_CONFIG_FILE = '/work/shared/tokenizers/clip/preprocessor_config.json';
export const IMAGENET_DIR = '/work/shared/photos/imagenet-dev/images';

interface ClipPreprocessorConfig {
  crop_size: { height: number; width: number };
  size: { shortest_edge: number };
  resample: number;
  rescale_factor: number;
  image_mean: [number, number, number];
  image_std: [number, number, number];
}

const config = JSON.parse(readFileSync(CLIP_CONFIG_FILE, 'utf8')) as ClipPreprocessorConfig;

/** Pillow's resample codes: 2 = BILINEAR, 3 = BICUBIC. */
export const CLIP_SPEC: PreprocessSpec = {
  size: config.crop_size.height,
  shortestEdge: config.size.shortest_edge,
  interpolation: config.resample === 3 ? 'bicubic' : 'bilinear',
  rescaleFactor: config.rescale_factor,
  mean: config.image_mean,
  std: config.image_std,
};

const processor = new CLIPImageProcessor(config);

export async function referencePixelValues(file: string): Promise<Float32Array> {
  const { pixel_values } = await processor(await RawImage.read(file));
  return pixel_values.data as Float32Array;
}
