/**
 * The MobileCLIP2-S2 and -S0 architecture twins against public facts about the exports they stand in for
 * (plhery/mobileclip2-onnx onnx/s2 and onnx/s0, pinned in the manifest): the real files' sizes, which fix its
 * parameter count to within the graph's bytes, and the I/O signature model-pins.md records; its operator
 * mix (the MCi2 convolution stages and the attention stage, exact GELU, the text pooling at the last
 * largest id); Core ML's coverage of its image graph; and its install through `models fetch` with its
 * own pins.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { coreMlCoverage } from '../../../app/encoders/coreml-coverage.ts';
import { findModel, loadManifest } from '../../../app/models/manifest.ts';
import { inspectOnnx } from '../../../app/models/onnx-inspect.ts';
import { checkOnnxTower } from '../../../app/models/onnx-signature.ts';
import { fetchModel } from '../../../app/models/store.ts';
import { MCI0, MCI2 } from '../../../models/mobileclip2-twin/architecture.ts';
import { mobileClip2FileSizes, mobileClip2Towers } from '../../../models/mobileclip2-twin/generate-twin.ts';
import { copyCachedMobileClip2S0Twin, copyCachedMobileClip2Twin } from '../../../models/mobileclip2-twin/twin-cache.ts';

vi.setConfig({ testTimeout: 300_000, hookTimeout: 300_000 });

const manifest = loadManifest();
const modelsDir = mkdtempSync(join(tmpdir(), 'eidos-mobileclip2-twin-'));
afterAll(() => rmSync(modelsDir, { recursive: true, force: true }));

const pinned = (id: string, role: 'vision' | 'text'): number =>
  findModel(manifest, id).files.find((f) => f.role === role)!.bytes!;

const VARIANTS = [
  { variant: 's2', real: 'mobileclip2-s2', twin: 'mobileclip2-s2-twin', shape: MCI2, copy: copyCachedMobileClip2Twin },
  {
    variant: 's0',
    real: 'mobileclip2-s0',
    twin: 'mobileclip2-s0-twin',
    shape: MCI0,
    copy: copyCachedMobileClip2S0Twin,
  },
] as const;

describe.each(VARIANTS)('the $real architecture twin', ({ variant, real, twin, shape, copy }) => {
  it('has the parameters the real float32 files imply, within 2 % (bytes / 4, less the graph)', () => {
    const { vision, text } = mobileClip2Towers(variant);
    for (const [tower, parameters] of [
      ['vision', vision.parameters],
      ['text', text.parameters],
    ] as const) {
      const implied = pinned(real, tower) / 4;
      expect(Math.abs(parameters / implied - 1)).toBeLessThan(0.02);
    }
    // The text tower is CLIP's (12 layers, 512 wide, 49408 × 512 token table, 77 positions, 512 projection).
    expect(text.parameters).toBe(63_428_096);
  });

  it('writes files within 2 % of the real export, and the manifest pins what it writes', () => {
    const sizes = mobileClip2FileSizes(variant);
    expect(Math.abs(sizes.vision / pinned(real, 'vision') - 1)).toBeLessThan(0.02);
    expect(Math.abs(sizes.text / pinned(real, 'text') - 1)).toBeLessThan(0.02);
    expect(sizes.vision).toBe(pinned(twin, 'vision'));
    expect(sizes.text).toBe(pinned(twin, 'text'));
  });

  it('installs through models fetch (pins checked) with the real signature and MCi’s operator mix', async () => {
    const { path } = await fetchModel(twin, { generate: copy }, { modelsDir, manifest });
    const model = findModel(manifest, real);
    // The signature Eidos demands of the real model's towers (app/models/onnx-signature.ts).
    const vision = checkOnnxTower(model, 'vision', join(path, 'onnx/vision_model.onnx'));
    const text = checkOnnxTower(model, 'text', join(path, 'onnx/text_model.onnx'));
    expect(vision.inputs).toEqual([{ name: 'pixel_values', elemType: 'float32', dims: ['batch_size', 3, 256, 256] }]);
    expect(vision.outputs).toEqual([{ name: 'image_embeds', elemType: 'float32', dims: ['batch_size', 512] }]);
    expect(text.inputs).toEqual([{ name: 'input_ids', elemType: 'int64', dims: ['batch_size', 77] }]);
    expect(text.outputs).toEqual([{ name: 'text_embeds', elemType: 'float32', dims: ['batch_size', 512] }]);
    const repMixers = shape.layers.slice(0, -1).reduce((a, b) => a + b, 0);
    const attentions = shape.layers.at(-1)!;
    // Stem 3 + patch embeddings 3 × 2 + their SE 2 × 2 + RepMixer blocks × 4 (mixer, FFN dw, fc1, fc2)
    // + RepCPE 1 + attention blocks × 3 (FFN) + conv_exp 1 + its SE 2.
    expect(vision.opTypes).toMatchObject({
      Conv: 3 + 3 * 2 + 2 * 2 + repMixers * 4 + 1 + attentions * 3 + 1 + 2,
      Softmax: attentions,
      BatchNormalization: attentions,
      GlobalAveragePool: 4,
      Erf: 3 + 2 * 3 + repMixers + attentions + 1,
    });
    expect(text.opTypes).toMatchObject({ ArgMax: 1, GatherND: 1, Softmax: 12, Erf: 12 });
    expect(text.inputs.map((i) => i.name)).not.toContain('attention_mask');
  });

  it('is an image graph Core ML runs whole (no operator outside its ML Program list)', () => {
    const coverage = coreMlCoverage(inspectOnnx(join(modelsDir, twin, 'onnx/vision_model.onnx')).opTypes);
    expect(coverage.unsupported).toEqual({});
    expect(coverage.covered).toBe(coverage.total);
  });
});
