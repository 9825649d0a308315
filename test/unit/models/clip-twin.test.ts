/**
 * The CLIP ViT-B/32 architecture twins against public facts about the model they stand in for:
 * parameter counts, the int8 files' sizes (the manifest's pins of the real Xenova export), opset and
 * I/O signatures; and installed through `models fetch` with their own pins (the generator is
 * deterministic). Generation is cached across test files (models/clip-twin/twin-cache.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { findModel, loadManifest } from '../../../app/models/manifest.ts';
import { inspectOnnx } from '../../../app/models/onnx-inspect.ts';
import { fetchModel } from '../../../app/models/store.ts';
import { ClipTokenizer } from '../../../app/tokenizer/clip-tokenizer.ts';
import { PROJECTION_DIM, TEXT } from '../../../models/clip-twin/architecture.ts';
import { twinFileSizes, twinTowers, TWIN_OPSET } from '../../../models/clip-twin/generate-twin.ts';
import { copyCachedTwin } from '../../../models/clip-twin/twin-cache.ts';

const manifest = loadManifest();
const modelsDir = mkdtempSync(join(tmpdir(), 'eidos-twin-models-'));
afterAll(() => rmSync(modelsDir, { recursive: true, force: true }));

const pinnedBytes = (id: string, role: 'vision' | 'text'): number =>
  findModel(manifest, id).files.find((f) => f.role === role)!.bytes!;

describe('CLIP ViT-B/32 architecture twins', () => {
  it('have the parameter counts of CLIP ViT-B/32: vision 87.8 M, text 63.4 M (63.2 M without its projection)', () => {
    for (const precision of ['fp32', 'int8'] as const) {
      const { vision, text } = twinTowers(precision);
      // Closed forms from the architecture (patch conv, class + position embeddings, 12 layers of
      // 4 attention projections + 2 MLP matrices with biases + 2 LayerNorms, pre/post LN, projection).
      expect(vision.parameters).toBe(87_849_216);
      expect(text.parameters).toBe(63_428_096);
      expect(text.parameters - TEXT.width * PROJECTION_DIM).toBe(63_165_952);
    }
  });

  it('write int8 files within 2 % of the real quantised export, and fp32 files of 4 bytes per parameter', () => {
    const int8 = twinFileSizes('int8');
    expect(Math.abs(int8.vision / pinnedBytes('clip-vit-b32-int8', 'vision') - 1)).toBeLessThan(0.02);
    expect(Math.abs(int8.text / pinnedBytes('clip-vit-b32-int8', 'text') - 1)).toBeLessThan(0.02);
    const fp32 = twinFileSizes('fp32');
    // Weights plus graph structure (names, shapes): well under 1 % on top of 4 bytes per parameter.
    expect(fp32.vision / (4 * 87_849_216)).toBeGreaterThan(1);
    expect(fp32.vision / (4 * 87_849_216)).toBeLessThan(1.01);
    expect(fp32.text / (4 * 63_428_096)).toBeLessThan(1.01);
    // The manifest pins what the generator writes.
    expect(int8.vision).toBe(pinnedBytes('clip-vit-b32-int8-twin', 'vision'));
    expect(fp32.text).toBe(pinnedBytes('clip-vit-b32-twin', 'text'));
  });

  it('installs the int8 twin through models fetch (pins checked), with the export’s opset, I/O signature and quantised ops', async () => {
    const { path } = await fetchModel(
      'clip-vit-b32-int8-twin',
      { generate: copyCachedTwin('int8') },
      { modelsDir, manifest },
    );
    const vision = inspectOnnx(join(path, 'onnx/vision_model_quantized.onnx'));
    const text = inspectOnnx(join(path, 'onnx/text_model_quantized.onnx'));
    for (const outline of [vision, text]) {
      expect(outline.opsets).toEqual([{ domain: '', version: TWIN_OPSET }]);
      expect(outline.opTypes.DynamicQuantizeLinear).toBeGreaterThan(0);
      expect(outline.opTypes.MatMulInteger).toBe(6 * 12 + 1); // q, k, v, out, fc1, fc2 per layer + projection
    }
    expect(vision.opTypes.ConvInteger).toBe(1);
    expect(vision.inputs).toEqual([{ name: 'pixel_values', elemType: 'float32', dims: ['batch_size', 3, 224, 224] }]);
    expect(vision.outputs).toEqual([{ name: 'image_embeds', elemType: 'float32', dims: ['batch_size', 512] }]);
    expect(text.inputs).toEqual([
      { name: 'input_ids', elemType: 'int64', dims: ['batch_size', 'sequence_length'] },
      { name: 'attention_mask', elemType: 'int64', dims: ['batch_size', 'sequence_length'] },
    ]);
    expect(text.outputs).toEqual([{ name: 'text_embeds', elemType: 'float32', dims: ['batch_size', 512] }]);
  });

  it('installs the fp32 twin through models fetch (pins checked), without quantised ops', async () => {
    const { path } = await fetchModel(
      'clip-vit-b32-twin',
      { generate: copyCachedTwin('fp32') },
      { modelsDir, manifest },
    );
    const vision = inspectOnnx(join(path, 'onnx/vision_model.onnx'));
    expect(vision.opTypes).toMatchObject({ Conv: 1, MatMul: 6 * 12 + 1 + 2 * 12 });
    expect(vision.opTypes.MatMulInteger).toBeUndefined();
    expect(vision.initializerElements).toBeGreaterThanOrEqual(87_849_216);
  });

  it('runs in onnxruntime with activations in a trained model’s range: distinct texts give distinct, finite embeddings', async () => {
    const dir = join(modelsDir, 'clip-vit-b32-int8-twin');
    const session = await ort.InferenceSession.create(join(dir, 'onnx/text_model_quantized.onnx'), {
      intraOpNumThreads: 1,
    });
    const { inputIds, attentionMask } = ClipTokenizer.fromFile(join(dir, 'tokenizer.json')).encodeBatch([
      'a photo of a dog',
      'a red car at night',
      '',
    ]);
    const out = await session.run({
      input_ids: new ort.Tensor('int64', inputIds, [3, 77]),
      attention_mask: new ort.Tensor('int64', attentionMask, [3, 77]),
    });
    const data = out.text_embeds!.data as Float32Array;
    expect(out.text_embeds!.dims).toEqual([3, 512]);
    expect(data.every(Number.isFinite)).toBe(true);
    const row = (i: number): Float32Array => data.subarray(i * 512, (i + 1) * 512);
    const norm = (v: Float32Array): number => Math.hypot(...v);
    const cos = (a: Float32Array, b: Float32Array): number =>
      a.reduce((s, x, i) => s + x * (b[i] as number), 0) / (norm(a) * norm(b));
    // Post-LN features of unit scale projected by width^-½ weights: norms of order 1, like CLIP's.
    for (let i = 0; i < 3; i++) expect(norm(row(i))).toBeGreaterThan(0.1);
    expect(cos(row(0), row(1))).toBeLessThan(0.999);
    await session.release();
  });
});
