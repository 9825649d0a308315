import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  SYNTHETIC_DIM,
  SYNTHETIC_LOGIT_SCALE,
  SYNTHETIC_MODEL_FILES,
  generateSyntheticModel,
} from '../../../models/synthetic/generate-model.ts';
import { FEATURE_COUNT, featureNames, projectionMatrix } from '../../../models/synthetic/feature-space.ts';
import { COLOURS } from '../../../models/synthetic/world.ts';

const CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073];
const CLIP_STD = [0.26862954, 0.26130258, 0.27577711];

let dir: string;
let vision: ort.InferenceSession;
let text: ort.InferenceSession;
const projection = projectionMatrix();
const names = featureNames();

/**
 * Hidden features of an embedding (Pᵀ-multiply: P has orthonormal rows), keyed by feature name, to two
 * decimals; absent colours' presence (sigmoid(−6) ≈ 0.002) rounds away.
 */
function features(embedding: Float32Array): Record<string, number> {
  const out: Record<string, number> = {};
  for (let f = 0; f < FEATURE_COUNT; f++) {
    let v = 0;
    for (let d = 0; d < SYNTHETIC_DIM; d++) v += projection[f * SYNTHETIC_DIM + d]! * embedding[d]!;
    if (Math.abs(v) >= 0.005) out[names[f]!] = Math.round(v * 100) / 100;
  }
  return out;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'eidos-synth-model-'));
  await generateSyntheticModel(dir);
  vision = await ort.InferenceSession.create(join(dir, 'onnx/vision_model.onnx'));
  text = await ort.InferenceSession.create(join(dir, 'onnx/text_model.onnx'));
});

describe('generated synthetic model', () => {
  it('has the tensor names, dtypes and shapes of a transformers.js CLIP export', () => {
    expect(vision.inputMetadata).toEqual([
      { name: 'pixel_values', isTensor: true, type: 'float32', shape: ['batch', 3, 224, 224] },
    ]);
    expect(vision.outputMetadata).toEqual([
      { name: 'image_embeds', isTensor: true, type: 'float32', shape: ['batch', SYNTHETIC_DIM] },
    ]);
    expect(text.inputMetadata).toEqual([
      { name: 'input_ids', isTensor: true, type: 'int64', shape: ['batch', 77] },
      { name: 'attention_mask', isTensor: true, type: 'int64', shape: ['batch', 77] },
    ]);
    expect(text.outputMetadata).toEqual([
      { name: 'text_embeds', isTensor: true, type: 'float32', shape: ['batch', SYNTHETIC_DIM] },
    ]);
  });

  it('writes byte-identical files on every run', async () => {
    const again = mkdtempSync(join(tmpdir(), 'eidos-synth-model-'));
    await generateSyntheticModel(again);
    for (const file of SYNTHETIC_MODEL_FILES) {
      const a = readFileSync(join(dir, file));
      const b = readFileSync(join(again, file));
      const hash = createHash('sha256').update(a).digest('hex');
      console.log(`${file}\t${a.length} bytes\tsha256 ${hash}`);
      expect(b.equals(a), file).toBe(true);
    }
  });

  it('states projection_dim and logit_scale = ln τ in config.json', () => {
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as {
      projection_dim: number;
      logit_scale: number;
    };
    expect(config.projection_dim).toBe(SYNTHETIC_DIM);
    expect(Math.exp(config.logit_scale)).toBeCloseTo(SYNTHETIC_LOGIT_SCALE, 10);
  });

  it('projects with orthonormal rows (so cosines in feature space are kept)', () => {
    for (let a = 0; a < FEATURE_COUNT; a++) {
      for (let b = a; b < FEATURE_COUNT; b++) {
        let dot = 0;
        for (let d = 0; d < SYNTHETIC_DIM; d++)
          dot += projection[a * SYNTHETIC_DIM + d]! * projection[b * SYNTHETIC_DIM + d]!;
        expect(Math.abs(dot - (a === b ? 1 : 0))).toBeLessThan(1e-6);
      }
    }
  });

  it('sees colour shares: a green view with a red top-left quadrant', async () => {
    // CLIP-normalised pixels built by hand: the top-left 112×112 block red, the rest green.
    const [red, green] = [COLOURS[0]!.rgb, COLOURS[1]!.rgb];
    const pixels = new Float32Array(3 * 224 * 224);
    for (let c = 0; c < 3; c++) {
      for (let y = 0; y < 224; y++) {
        for (let x = 0; x < 224; x++) {
          const rgb = x < 112 && y < 112 ? red : green;
          pixels[(c * 224 + y) * 224 + x] = (rgb[c]! / 255 - CLIP_MEAN[c]!) / CLIP_STD[c]!;
        }
      }
    }
    const out = await vision.run({ pixel_values: new ort.Tensor('float32', pixels, [1, 3, 224, 224]) });
    expect(features(out.image_embeds!.data as Float32Array)).toEqual({
      photo: 1,
      red: 1,
      green: 1,
      'red top-left': 1,
      'green top-right': 1,
      'green bottom-left': 1,
      'green bottom-right': 1,
    });
  });

  it('reads colour and position words, attaching positions to the colour before them', async () => {
    // Token ids from the CLIP vocabulary (vocab.json): red 736, top 1253, left 1823, blue 1746,
    // bottom 5931, right 1155, green 1901, background 5994, a 320, at 536, the 518.
    const cases: Array<[number[], Record<string, number>]> = [
      [[736], { photo: 0.1, red: 1 }],
      [[736, 1253], { photo: 0.1, red: 1, 'red top-left': 0.5, 'red top-right': 0.5 }],
      [[736, 1253, 1823, 1746, 5931, 1155], { photo: 0.1, red: 1, blue: 1, 'red top-left': 1, 'blue bottom-right': 1 }],
      [[320, 736, 536, 518, 1253, 1823], { photo: 0.1, red: 1, 'red top-left': 1 }],
      [[1253, 1823, 736], { photo: 0.1, red: 1 }], // positions before the colour word do not attach
      [
        [1901, 5994],
        {
          photo: 0.1,
          green: 1,
          'green top-left': 1,
          'green top-right': 1,
          'green bottom-left': 1,
          'green bottom-right': 1,
        },
      ],
    ];
    const ids = new BigInt64Array(cases.length * 77).fill(49407n);
    const mask = new BigInt64Array(cases.length * 77);
    cases.forEach(([tokens], b) => {
      [49406, ...tokens, 49407].forEach((t, i) => {
        ids[b * 77 + i] = BigInt(t);
        mask[b * 77 + i] = 1n;
      });
    });
    const out = await text.run({
      input_ids: new ort.Tensor('int64', ids, [cases.length, 77]),
      attention_mask: new ort.Tensor('int64', mask, [cases.length, 77]),
    });
    const embeds = out.text_embeds!.data as Float32Array;
    cases.forEach(([, expected], b) =>
      expect(features(embeds.slice(b * SYNTHETIC_DIM, (b + 1) * SYNTHETIC_DIM))).toEqual(expected),
    );
  });

  it('ignores tokens the attention mask excludes', async () => {
    const ids = new BigInt64Array(77).fill(49407n);
    ids.set([49406n, 736n, 49407n, 1746n]);
    const mask = new BigInt64Array(77);
    mask.set([1n, 1n, 1n]);
    const out = await text.run({
      input_ids: new ort.Tensor('int64', ids, [1, 77]),
      attention_mask: new ort.Tensor('int64', mask, [1, 77]),
    });
    expect(features(out.text_embeds!.data as Float32Array)).toEqual({ photo: 0.1, red: 1 });
  });
});
