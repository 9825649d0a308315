/**
 * How far the model input from an embedded preview is from the one from the full decode: both 224-px
 * tensors are mapped back to 8-bit values (inverting the model's rescale, mean and std), then compared
 * by PSNR (10·log10(255² / MSE), in dB) and mean absolute difference (in 8-bit levels).
 */
import { decodeImage } from '../../../app/image/decode.ts';
import { THUMBNAIL_EDGES } from '../../../app/image/thumbnails.ts';
import { preprocessDecoded } from '../../../app/image/preprocess.ts';
import type { PreprocessSpec } from '../../../app/models/manifest-types.ts';

export interface InputDiff {
  psnr: number;
  meanAbs: number;
  previewSource: string | undefined;
  fullSource: string | undefined;
}

/** The indexer's decode bounds (prepare-photo.ts), with or without an embedded image allowed. */
const bounds = (spec: PreprocessSpec, embedded: boolean) => ({
  maxLongEdge: THUMBNAIL_EDGES.grid * 2,
  minShortEdge: spec.shortestEdge,
  ...(embedded ? { embedded: { minShortEdge: spec.shortestEdge, minLongEdge: THUMBNAIL_EDGES.grid } } : {}),
});

export async function modelInputDiff(file: string, spec: PreprocessSpec): Promise<InputDiff> {
  const previewImage = await decodeImage(file, bounds(spec, true));
  const fullImage = await decodeImage(file, bounds(spec, false));
  const preview = preprocessDecoded(previewImage, spec, file);
  const full = preprocessDecoded(fullImage, spec, file);
  const plane = spec.size * spec.size;
  let squared = 0;
  let absolute = 0;
  for (let i = 0; i < preview.length; i++) {
    const c = Math.floor(i / plane);
    const level = (x: number): number => (x * spec.std[c]! + spec.mean[c]!) / spec.rescaleFactor;
    const d = level(preview[i]!) - level(full[i]!);
    squared += d * d;
    absolute += Math.abs(d);
  }
  const mse = squared / preview.length;
  return {
    psnr: mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse),
    meanAbs: absolute / preview.length,
    previewSource: previewImage.source,
    fullSource: fullImage.source,
  };
}
