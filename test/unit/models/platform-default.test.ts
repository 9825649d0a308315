/**
 * Which file each platform installs by default, decided from Core ML's operator coverage measured on the
 * architecture twins' graphs (the layout of the real exports): the int8 graph puts every quantised
 * MatMul (and its activation quantiser) outside Core ML, the float graph keeps all but one node inside.
 * The fp16 export is the same float graph in float16, which Core ML's ML Program takes (docs/coreml.md).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { coreMlCoverage } from '../../../app/encoders/coreml-coverage.ts';
import { findModel, loadManifest } from '../../../app/models/manifest.ts';
import { inspectOnnx } from '../../../app/models/onnx-inspect.ts';
import { defaultModelFor } from '../../../app/models/platform-default.ts';
import { twinOnnxPaths } from '../../../models/clip-twin/generate-twin.ts';
import { cachedTwin } from '../../../models/clip-twin/twin-cache.ts';

const manifest = loadManifest();

async function coverage(precision: 'fp32' | 'int8', tower: 'vision' | 'text') {
  return coreMlCoverage(inspectOnnx(join(await cachedTwin(precision), twinOnnxPaths(precision)[tower])).opTypes);
}

describe('the default model per platform', () => {
  it('Core ML cannot run the int8 graph’s quantised ops: each of the 73 MatMulIntegers per tower would fall back to the CPU', async () => {
    for (const tower of ['vision', 'text'] as const) {
      const int8 = await coverage('int8', tower);
      expect(int8.unsupported).toMatchObject({ MatMulInteger: 73 });
      expect(int8.unsupported.DynamicQuantizeLinear).toBeGreaterThanOrEqual(49);
      expect(int8.covered / int8.total).toBeLessThan(0.9);
      const fp32 = await coverage('fp32', tower);
      // One node outside (the class token's Expand / the end-token GatherND), all weights inside.
      expect(fp32.total - fp32.covered).toBe(1);
      expect(Object.keys(fp32.unsupported)).not.toContain('MatMul');
    }
  });

  it('is the fp16 export under Core ML (MobileCLIP2-S2 once its licence is accepted) and the int8 export on the CPU', () => {
    const coreMl = defaultModelFor(manifest, 'coreml');
    expect(coreMl.id).toBe('clip-vit-b32-fp16');
    expect(coreMl.files).toEqual(['onnx/vision_model_fp16.onnx', 'onnx/text_model_fp16.onnx']);
    expect(coreMl.reason).toMatch(/float16/);
    expect(coreMl.reason).toMatch(/MatMulInteger/);
    expect(coreMl.reason).toMatch(/mobileclip2-s2 is the better choice once you accept its licence/);
    // Half the fp32 download.
    const towerBytes = (id: string): number =>
      findModel(manifest, id)
        .files.filter((f) => f.role === 'vision' || f.role === 'text')
        .reduce((sum, f) => sum + f.bytes!, 0);
    expect(towerBytes('clip-vit-b32-fp16') / towerBytes('clip-vit-b32')).toBeCloseTo(0.5, 2);
    const accepted = defaultModelFor(manifest, 'coreml', (id) => id === 'mobileclip2-s2');
    expect(accepted.id).toBe('mobileclip2-s2');
    expect(accepted.files).toEqual(['onnx/vision_model.onnx', 'onnx/text_model.onnx']);
    const cpu = defaultModelFor(manifest, 'cpu', () => true);
    expect(cpu.id).toBe('clip-vit-b32-int8');
    expect(cpu.files).toEqual(['onnx/vision_model_quantized.onnx', 'onnx/text_model_quantized.onnx']);
  });
});
