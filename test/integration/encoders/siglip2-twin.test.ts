/**
 * Issue 22 part 4: the SigLIP 2 architecture twin (models/siglip2-twin) against independent truths:
 * the byte sizes of the real onnx-community files (pinned in the manifest and ../shared/docs/model-pins.md),
 * the parameter count the real fp32 files imply (4 bytes a parameter), the I/O of the real export, and,
 * run end to end, Eidos's encoder against transformers.js's SiglipVisionModel / SiglipTextModel and
 * tokenizer on the same generated files. Also: onnxruntime's CPU provider on the signed-weight
 * ConvInteger / MatMulInteger forms of the real `_int8` vision file, against hand-computed integer sums.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AutoTokenizer, env, SiglipTextModel, SiglipVisionModel, Tensor } from '@huggingface/transformers';
import ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Encoder } from '../../../app/encoders/encoder.ts';
import { hashFile } from '../../../app/models/hash-file.ts';
import { findModel, loadManifest } from '../../../app/models/manifest.ts';
import { checkOnnxTower } from '../../../app/models/onnx-signature.ts';
import {
  generateSiglip2Twin,
  siglipTwinFileSizes,
  siglipTwinText,
  siglipTwinVision,
} from '../../../models/siglip2-twin/generate-twin.ts';
import { attr, encodeModel, type GraphSpec } from '../../../models/onnx/onnx-writer.ts';
import { ALL_MULTILINGUAL_TEXTS } from '../tokenizer/multilingual-texts.ts';

vi.setConfig({ testTimeout: 300_000, hookTimeout: 300_000 });

const manifest = loadManifest();
const real = findModel(manifest, 'siglip2-base');
const twin = findModel(manifest, 'siglip2-base-twin');
/** fp32 sizes of the real files (model-pins.md §3; two or more projects agree). */
const REAL_FP32_BYTES = { vision: 371_807_752, text: 1_129_469_657 };

const bytesOf = (role: 'vision' | 'text'): number => real.files.find((f) => f.role === role)!.bytes!;
const within = (value: number, target: number, fraction: number): boolean => Math.abs(value / target - 1) <= fraction;
const opTypes = (graph: GraphSpec): Set<string> => new Set(graph.nodes.map((n) => n.opType));

describe('the SigLIP 2 twin has the real export’s size and form', () => {
  it('its int8 files are within 2 % of the real files’ bytes', () => {
    const sizes = siglipTwinFileSizes('int8');
    expect(within(sizes.vision, bytesOf('vision'), 0.02), `vision ${sizes.vision}`).toBe(true);
    expect(within(sizes.text, bytesOf('text'), 0.02), `text ${sizes.text}`).toBe(true);
  });

  it('its parameters are within 2 % of what the real fp32 files imply (4 bytes each)', () => {
    expect(within(siglipTwinVision('fp32').parameters, REAL_FP32_BYTES.vision / 4, 0.02)).toBe(true);
    expect(within(siglipTwinText('fp32').parameters, REAL_FP32_BYTES.text / 4, 0.02)).toBe(true);
    // The Gemma table alone: 256,000 × 768.
    expect(siglipTwinText('fp32').parameters).toBeGreaterThan(256_000 * 768);
  });

  it('uses quantize_dynamic’s operator forms and the 256k-row uint8 embedding table', () => {
    const vision = siglipTwinVision('int8').graph;
    const text = siglipTwinText('int8').graph;
    for (const op of ['ConvInteger', 'MatMulInteger', 'DynamicQuantizeLinear', 'Softmax', 'Tanh'])
      expect(opTypes(vision).has(op), op).toBe(true);
    for (const op of ['Gather', 'DequantizeLinear', 'MatMulInteger', 'DynamicQuantizeLinear', 'Tanh'])
      expect(opTypes(text).has(op), op).toBe(true);
    const table = text.initializers.find((t) => t.name.endsWith('token_embedding.weight_quantized'));
    expect(table?.dims).toEqual([256_000, 768]);
    expect(text.inputs.map((i) => i.name)).toEqual(['input_ids']);
    expect(vision.outputs.map((o) => o.name)).toContain('pooler_output');
    expect(text.outputs.map((o) => o.name)).toContain('pooler_output');
  });
});

describe('onnxruntime’s CPU provider runs the signed-weight integer ops of the real _int8 vision file', () => {
  /** One-node model: uint8 input, int8 weight. */
  async function run(node: 'ConvInteger' | 'MatMulInteger'): Promise<Int32Array> {
    const conv = node === 'ConvInteger';
    const weight = Int8Array.from({ length: conv ? 2 * 3 * 2 * 2 : 4 * 2 }, (_, i) => (i % 5) - 2);
    const graph: GraphSpec = {
      name: 'g',
      inputs: [{ name: 'x', elemType: 'uint8', dims: conv ? [1, 3, 4, 4] : [1, 4] }],
      outputs: [{ name: 'y', elemType: 'int32', dims: conv ? [1, 2, 2, 2] : [1, 2] }],
      initializers: [{ name: 'w', dims: conv ? [2, 3, 2, 2] : [4, 2], data: weight }],
      nodes: [
        {
          opType: node,
          inputs: ['x', 'w'],
          outputs: ['y'],
          ...(conv ? { attributes: { kernel_shape: attr.ints([2, 2]), strides: attr.ints([2, 2]) } } : {}),
        },
      ],
    };
    const session = await ort.InferenceSession.create(
      encodeModel({ graph, producerName: 'test', producerVersion: '1', opsetVersion: 14 }),
    );
    const x = Uint8Array.from({ length: conv ? 48 : 4 }, (_, i) => i);
    const out = await session.run({ x: new ort.Tensor('uint8', x, conv ? [1, 3, 4, 4] : [1, 4]) });
    await session.release();
    return out.y!.data as Int32Array;
  }

  it('ConvInteger with int8 weights: Σ x·w over each 2×2 patch', async () => {
    // Weight w[o][c][ky][kx] = ((o·12 + c·4 + ky·2 + kx) mod 5) − 2; input x[c][y][x] = c·16 + y·4 + x.
    const expected: number[] = [];
    for (let o = 0; o < 2; o++)
      for (let py = 0; py < 2; py++)
        for (let px = 0; px < 2; px++) {
          let sum = 0;
          for (let c = 0; c < 3; c++)
            for (let ky = 0; ky < 2; ky++)
              for (let kx = 0; kx < 2; kx++)
                sum += (c * 16 + (2 * py + ky) * 4 + 2 * px + kx) * (((o * 12 + c * 4 + ky * 2 + kx) % 5) - 2);
          expected.push(sum);
        }
    expect(Array.from(await run('ConvInteger'))).toEqual(expected);
  });

  it('MatMulInteger with int8 weights', async () => {
    // x = [0,1,2,3]; w[r][c] = ((r·2 + c) mod 5) − 2.
    const expected = [0, 1].map((c) => [0, 1, 2, 3].reduce((s, r) => s + r * (((r * 2 + c) % 5) - 2), 0));
    expect(Array.from(await run('MatMulInteger'))).toEqual(expected);
  });
});

describe('the generated twin, run by Eidos and by transformers.js', () => {
  let root: string;
  let dir: string;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'eidos-siglip2-twin-'));
    dir = join(root, twin.id);
    await generateSiglip2Twin(dir);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('is byte for byte what the manifest pins, with the I/O Eidos checks', async () => {
    for (const file of twin.files) {
      const digest = await hashFile(join(dir, file.path));
      expect({ path: file.path, sha256: digest.sha256, bytes: digest.bytes }).toEqual({
        path: file.path,
        sha256: file.sha256,
        bytes: file.bytes,
      });
    }
    checkOnnxTower(twin, 'vision', join(dir, twin.files.find((f) => f.role === 'vision')!.path));
    checkOnnxTower(twin, 'text', join(dir, twin.files.find((f) => f.role === 'text')!.path));
  });

  it('embeds photos and multilingual texts as transformers.js does (pooler_output, L2-normalised)', async () => {
    env.allowRemoteModels = false;
    env.localModelPath = root;
    const options = { device: 'cpu' as const, session_options: { intraOpNumThreads: 2 } };
    const texts = ALL_MULTILINGUAL_TEXTS.filter((_, i) => i % 4 === 0);
    const encoder = await Encoder.open({ model: twin, modelDir: dir, towers: ['vision', 'text'], threads: 2 });
    try {
      // Texts: ours from the raw query (lower-cased inside), theirs from the lower-cased text, padded to 64.
      const ours = await encoder.embedTexts(texts);
      const tokenizer = await AutoTokenizer.from_pretrained(twin.id);
      const textModel = await SiglipTextModel.from_pretrained(twin.id, { ...options, dtype: 'int8' });
      // Python's truncation (first 63 ids, then <eos>); transformers.js 4.x would drop the <eos> of a long text.
      const ids = new BigInt64Array(texts.length * 64);
      texts.forEach((text, row) => {
        let encoded = tokenizer.encode(text.toLowerCase());
        if (encoded.length > 64) encoded = [...encoded.slice(0, 63), 1];
        encoded.forEach((id, i) => (ids[row * 64 + i] = BigInt(id)));
      });
      const inputs = { input_ids: new Tensor('int64', ids, [texts.length, 64]) };
      const { pooler_output } = (await textModel({ input_ids: inputs.input_ids })) as { pooler_output: Tensor };
      expectRowsClose(ours.data, pooler_output.data as Float32Array, texts.length, 768);
      await textModel.dispose();

      // Photos: the same pixel values into both.
      const n = 3;
      const pixels = Float32Array.from({ length: n * 3 * 224 * 224 }, (_, i) => Math.sin(i * 0.37) * 0.9);
      const oursImages = await encoder.embedImages(pixels, n);
      const visionModel = await SiglipVisionModel.from_pretrained(twin.id, { ...options, dtype: 'q8' });
      const out = (await visionModel({ pixel_values: new Tensor('float32', pixels, [n, 3, 224, 224]) })) as {
        pooler_output: Tensor;
      };
      expectRowsClose(oursImages.data, out.pooler_output.data as Float32Array, n, 768);
      await visionModel.dispose();
    } finally {
      await encoder.close();
    }
  });

  it('treats a query and its upper-case form alike, and a long query as its first 64 tokens (on the caller’s thread)', async () => {
    const encoder = await Encoder.open({
      model: twin,
      modelDir: dir,
      towers: ['text'],
      threads: 2,
      placement: 'this-thread',
    });
    try {
      const [a, b] = [
        await encoder.embedTexts(['Chien sur la plage']),
        await encoder.embedTexts(['CHIEN SUR LA PLAGE']),
      ];
      expect(Array.from(a.data)).toEqual(Array.from(b.data));
      const long = await encoder.embedTexts(['x'.repeat(500), `${'x'.repeat(500)} and more words at the end`]);
      expect(Array.from(long.data.subarray(0, 768))).toEqual(Array.from(long.data.subarray(768)));
    } finally {
      await encoder.close();
    }
  });
});

/** Each row of `ours` is unit length and within float noise of the normalised reference row. */
function expectRowsClose(ours: Float32Array, reference: Float32Array, n: number, d: number): void {
  expect(ours.length).toBe(n * d);
  for (let row = 0; row < n; row++) {
    const a = ours.subarray(row * d, (row + 1) * d);
    const b = reference.subarray(row * d, (row + 1) * d);
    const norm = Math.hypot(...b);
    let dot = 0;
    for (let i = 0; i < d; i++) dot += a[i]! * (b[i]! / norm);
    expect(Math.hypot(...a)).toBeCloseTo(1, 5);
    expect(dot, `row ${row}`).toBeGreaterThan(0.99999);
  }
}
