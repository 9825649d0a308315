import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AutoProcessor, AutoTokenizer, RawImage, env } from '@huggingface/transformers';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateSyntheticModel, COLOUR_NAMES } from '../../../models/synthetic/generate-model.ts';
import { writePhotoSet } from '../../../models/synthetic/photos.ts';
import type { LabelRow } from '../../../models/synthetic/labels.ts';

// The synthetic model on ~200 generated photos, with independent preprocessing and tokenisation:
// transformers.js's CLIPImageProcessor and CLIP tokenizer, loaded from the generated folder only.
const PHOTO_COUNT = 200;
const BATCH = 25;

let labels: LabelRow[];
let imageEmbeds: Float32Array[];
let textSession: ort.InferenceSession;
let tokenize: (texts: string[]) => { input_ids: ort.Tensor; attention_mask: ort.Tensor };

function normalised(v: Float32Array): Float32Array {
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

function rows(data: Float32Array, dim: number): Float32Array[] {
  return Array.from({ length: data.length / dim }, (_, i) => normalised(data.slice(i * dim, (i + 1) * dim)));
}

const dot = (a: Float32Array, b: Float32Array): number => a.reduce((s, x, i) => s + x * b[i]!, 0);

async function embedTexts(texts: string[]): Promise<Float32Array[]> {
  const out = await textSession.run(tokenize(texts));
  return rows(out.text_embeds!.data as Float32Array, out.text_embeds!.dims[1]!);
}

beforeAll(async () => {
  const root = mkdtempSync(join(tmpdir(), 'eidos-synth-'));
  const modelDir = join(root, 'model');
  const photoDir = join(root, 'photos');
  await generateSyntheticModel(modelDir);
  labels = await writePhotoSet(photoDir, { count: PHOTO_COUNT, width: 640, height: 480, seed: 7 });

  env.allowRemoteModels = false;
  env.localModelPath = root;
  const processor = await AutoProcessor.from_pretrained('model');
  const tokenizer = await AutoTokenizer.from_pretrained('model');
  tokenize = (texts) => {
    const enc = tokenizer(texts, { padding: 'max_length', max_length: 77, truncation: true });
    return {
      input_ids: new ort.Tensor('int64', enc.input_ids.data as BigInt64Array, enc.input_ids.dims),
      attention_mask: new ort.Tensor('int64', enc.attention_mask.data as BigInt64Array, enc.attention_mask.dims),
    };
  };
  const vision = await ort.InferenceSession.create(join(modelDir, 'onnx/vision_model.onnx'));
  textSession = await ort.InferenceSession.create(join(modelDir, 'onnx/text_model.onnx'));
  imageEmbeds = [];
  for (let start = 0; start < labels.length; start += BATCH) {
    const images = await Promise.all(
      labels.slice(start, start + BATCH).map((l) => RawImage.read(join(photoDir, l.relative_path))),
    );
    const { pixel_values } = await processor(images);
    const out = await vision.run({
      pixel_values: new ort.Tensor('float32', pixel_values.data as Float32Array, pixel_values.dims),
    });
    imageEmbeds.push(...rows(out.image_embeds!.data as Float32Array, out.image_embeds!.dims[1]!));
  }
}, 300_000);

describe('synthetic model on generated photos', () => {
  it('ranks each photo first for its own description (R@1 ≥ 0.8)', async () => {
    const texts = await embedTexts(labels.map((l) => l.description));
    let hits = 0;
    texts.forEach((t, i) => {
      const scores = imageEmbeds.map((img) => dot(t, img));
      const best = scores.indexOf(Math.max(...scores));
      if (best === i) hits++;
    });
    const recallAt1 = hits / labels.length;
    console.log(`synthetic R@1 over ${labels.length} photos: ${recallAt1.toFixed(3)}`);
    expect(recallAt1).toBeGreaterThanOrEqual(0.8);
  });

  it('a colour word scores every photo holding that colour far above every photo without it', async () => {
    const texts = await embedTexts([...COLOUR_NAMES]);
    const gaps: string[] = [];
    COLOUR_NAMES.forEach((colour, c) => {
      const holds = labels.map((l) => l.colours.split(';').includes(colour));
      const scores = imageEmbeds.map((img) => dot(texts[c]!, img));
      const inside = scores.filter((_, i) => holds[i]);
      const outside = scores.filter((_, i) => !holds[i]);
      expect(inside.length).toBeGreaterThan(0);
      const gap = Math.min(...inside) - Math.max(...outside);
      gaps.push(
        `${colour} ${gap.toFixed(3)} (min in ${Math.min(...inside).toFixed(3)}, max out ${Math.max(...outside).toFixed(3)})`,
      );
      expect(gap).toBeGreaterThan(0.2);
    });
    console.log(`colour-word cosine gaps: ${gaps.join('; ')}`);
  });

  it('maps a synonym to the same embedding ("crimson" = "scarlet" = "red")', async () => {
    const [red, crimson, scarlet] = await embedTexts(['red', 'crimson', 'scarlet']);
    expect(dot(red!, crimson!)).toBeCloseTo(1, 6);
    expect(dot(red!, scarlet!)).toBeCloseTo(1, 6);
  });

  it('embeds every text without colour words to one vector that scores all photos low', async () => {
    const [photo, holiday, red] = await embedTexts(['a photo', 'a picture of my holiday in rome', 'red']);
    expect(dot(photo!, holiday!)).toBeCloseTo(1, 6);
    const photoScores = imageEmbeds.map((img) => dot(photo!, img));
    const redScores = imageEmbeds.map((img) => dot(red!, img));
    // Its spread (from how many colours a photo has) is small next to what one colour word separates.
    expect(Math.max(...photoScores) - Math.min(...photoScores)).toBeLessThan(
      0.2 * (Math.max(...redScores) - Math.min(...redScores)),
    );
  });
});
