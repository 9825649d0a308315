/**
 * The parity suite (run by clip-twin-parity.test.ts on a subset, by test/slow on everything):
 * Eidos's embeddings against the reference implementation (transformers.js) on the CLIP ViT-B/32
 * architecture twins: the same ONNX files, so any difference comes from the glue (tensor names, token
 * ids and mask, batching, Core ML padding, normalisation). Both sides get the same pixel_values from
 * Eidos's preprocessing (the resize differs from transformers.js's on purpose; preprocessing has its
 * own parity test). fp32: cosine ≥ 0.99999 for every item; int8: ≥ 0.999 (DynamicQuantizeLinear
 * picks one activation range per batch, so padded rows may move the others a little).
 *
 * Photos from imagenet-dev at batch 32, 7 and 1, and through the Core ML path on the CPU (the vision
 * graph's fixed-batch copy, app/models/coreml-copy.ts, so batches padded to 8); texts from parity-texts.ts (long, non-Latin, emoji, near-empty) at batch 32, 7, 1.
 */
import { readdirSync, rmSync, mkdtempSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Encoder } from '../../../app/encoders/encoder.ts';
import { defaultProvider, type ProviderName } from '../../../app/models/platform-default.ts';
import { preprocessForModel } from '../../../app/image/preprocess.ts';
import { findModel, loadManifest } from '../../../app/models/manifest.ts';
import type { ModelSpec } from '../../../app/models/manifest-types.ts';
import { fetchModel } from '../../../app/models/store.ts';
import { copyCachedTwin } from '../../../models/clip-twin/twin-cache.ts';
import { IMAGENET_DIR } from '../image/clip-reference.ts';
import { parityTexts } from './parity-texts.ts';
import { loadReferenceClip, type ReferenceClip } from './reference-clip.ts';

const PER_PHOTO = 3 * 224 * 224;
const D = 512;
const THREADS = availableParallelism();
const manifest = loadManifest();
const modelsDir = mkdtempSync(join(tmpdir(), 'eidos-parity-models-'));
const allPhotos = readdirSync(IMAGENET_DIR)
  .filter((f) => f.endsWith('.JPEG') || f.endsWith('.jpg'))
  .sort();
const allTexts = parityTexts();
let pixels: Float32Array;

/** Per-item cosine of two sets of L2-normalised rows. */
function cosines(a: Float32Array, b: Float32Array): number[] {
  expect(a.length).toBe(b.length);
  return Array.from({ length: a.length / D }, (_, row) => {
    let dot = 0;
    for (let i = row * D; i < (row + 1) * D; i++) dot += (a[i] as number) * (b[i] as number);
    return dot;
  });
}

/** The reference run over the same batches Eidos makes (`batch` rows at a time, unpadded). */
async function referenceImages(reference: ReferenceClip, count: number, batch: number): Promise<Float32Array> {
  const out = new Float32Array(count * D);
  for (let start = 0; start < count; start += batch) {
    const n = Math.min(batch, count - start);
    out.set(await reference.embedImages(pixels.slice(start * PER_PHOTO, (start + n) * PER_PHOTO), n), start * D);
  }
  return out;
}

async function eidosImages(
  model: ModelSpec,
  count: number,
  batch: number,
  fixedBatchGraph = false,
  provider: ProviderName = 'cpu',
): Promise<Float32Array> {
  const encoder = await Encoder.open({
    model,
    modelDir: join(modelsDir, model.id),
    towers: ['vision'],
    provider,
    threads: THREADS,
    batchSize: batch,
    fixedBatchGraph,
  });
  try {
    expect(encoder.provider).toBe(provider);
    return (await encoder.embedImages(pixels.subarray(0, count * PER_PHOTO), count)).data;
  } finally {
    await encoder.close();
  }
}

/** Texts in calls of `batch` (each one text-tower run on both sides). */
async function textPair(
  model: ModelSpec,
  reference: ReferenceClip,
  subset: string[],
  batch: number,
): Promise<number[]> {
  const encoder = await Encoder.open({
    model,
    modelDir: join(modelsDir, model.id),
    towers: ['text'],
    provider: 'cpu',
    threads: THREADS,
  });
  try {
    const result: number[] = [];
    for (let start = 0; start < subset.length; start += batch) {
      const chunk = subset.slice(start, start + batch);
      result.push(...cosines((await encoder.embedTexts(chunk)).data, await reference.embedTexts(chunk)));
    }
    return result;
  } finally {
    await encoder.close();
  }
}

/** How many items each check covers. */
export interface ParityScope {
  photosAtBatch32: number;
  photosAtBatch7: number;
  photosAtBatch1: number;
  photosPadded: number;
  /** Every `textStride`-th text at batch 32 and 7; `textsAtBatch1` of those at batch 1. */
  textStride: number;
  textsAtBatch1: number;
}

/** Everything: all 500 photos, all 200 texts at every batch size. */
export const FULL_SCOPE: ParityScope = {
  photosAtBatch32: 500,
  photosAtBatch7: 500,
  photosAtBatch1: 500,
  photosPadded: 500,
  textStride: 1,
  textsAtBatch1: 200,
};

const CASES = [
  { id: 'clip-vit-b32-twin', precision: 'fp32', minCosine: 0.99999 },
  { id: 'clip-vit-b32-int8-twin', precision: 'int8', minCosine: 0.999 },
] as const;

export function parityTests(scope: ParityScope): void {
  const photos = allPhotos.slice(
    0,
    Math.max(scope.photosAtBatch32, scope.photosAtBatch7, scope.photosAtBatch1, scope.photosPadded),
  );
  const texts = allTexts.filter((_, i) => i % scope.textStride === 0);
  beforeAll(async () => {
    expect(allPhotos).toHaveLength(500);
    expect(allTexts).toHaveLength(200);
    pixels = new Float32Array(photos.length * PER_PHOTO);
    const spec = findModel(manifest, 'clip-vit-b32-int8-twin').preprocess;
    for (const [i, file] of photos.entries())
      pixels.set(await preprocessForModel(join(IMAGENET_DIR, file), spec), i * PER_PHOTO);
  });
  afterAll(() => rmSync(modelsDir, { recursive: true, force: true }));

  describe.each(CASES)(
    '$id: Eidos equals transformers.js (cosine ≥ $minCosine per item)',
    ({ id, precision, minCosine }) => {
      const model = findModel(manifest, id);
      let reference: ReferenceClip;
      beforeAll(async () => {
        await fetchModel(id, { generate: copyCachedTwin(precision) }, { modelsDir, manifest });
        reference = await loadReferenceClip(modelsDir, id, precision, THREADS);
      });
      afterAll(async () => {
        await reference.release();
        rmSync(join(modelsDir, id), { recursive: true, force: true });
      });

      it.each([
        [32, scope.photosAtBatch32],
        [7, scope.photosAtBatch7],
        [1, scope.photosAtBatch1],
      ])('on imagenet-dev photos at batch %i (%i photos)', async (batch, count) => {
        const ours = await eidosImages(model, count, batch);
        expect(Math.min(...cosines(ours, await referenceImages(reference, count, batch)))).toBeGreaterThanOrEqual(
          minCosine,
        );
      });

      it(`through the Core ML path (${scope.photosPadded} photos, the fixed-batch copy, batches padded to 8) run on the CPU`, async () => {
        const ours = await eidosImages(model, scope.photosPadded, 8, true);
        expect(
          Math.min(...cosines(ours, await referenceImages(reference, scope.photosPadded, 8))),
        ).toBeGreaterThanOrEqual(minCosine);
      });

      // On Apple Silicon (the macOS workflow): Core ML itself, static batches of 8, against the CPU reference.
      // Core ML may compute in reduced precision, so the bound is int8's.
      it.runIf(defaultProvider() === 'coreml')(
        `on Core ML itself (${scope.photosPadded} photos, static batch 8)`,
        async () => {
          const ours = await eidosImages(model, scope.photosPadded, 8, true, 'coreml');
          expect(
            Math.min(...cosines(ours, await referenceImages(reference, scope.photosPadded, 8))),
          ).toBeGreaterThanOrEqual(0.999);
        },
      );

      it.each([32, 7, 1])(
        `on ${texts.length} texts (long, non-Latin, emoji, near-empty) at batch %i`,
        async (batch) => {
          const subset =
            batch === 1 ? texts.filter((_, i) => i % Math.ceil(texts.length / scope.textsAtBatch1) === 0) : texts;
          const result = await textPair(model, reference, subset, batch);
          expect(result).toHaveLength(subset.length);
          expect(Math.min(...result)).toBeGreaterThanOrEqual(minCosine);
        },
      );
    },
  );
}
