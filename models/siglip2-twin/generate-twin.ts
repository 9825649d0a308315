/**
 * Writes an architecture twin of onnx-community/siglip2-base-patch16-224-ONNX's int8 files: the same
 * towers, tensor names, shapes, I/O and quantised operator forms, with pseudo-random weights (the CLIP
 * twin's weights.ts) instead of the trained ones. No real semantics: for tests and benchmarks of
 * everything around the model (Gemma tokenising, 64-token texts, pooler outputs, the 256k-row embedding
 * table's memory, speed) at the real size.
 *
 *   onnx/vision_model_quantized.onnx  (~94 MB; the real one is 94,553,333 B)
 *   onnx/text_model_int8.onnx         (~283 MB; the real one is 283,438,275 B)
 *   tokenizer.json (Gemma-shaped, gemma-tokenizer-json.ts), tokenizer_config.json, preprocessor_config.json, config.json
 *
 * Deterministic from the seed; the ONNX files are streamed, one tensor in memory at a time.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Precision } from '../clip-twin/graph-builder.ts';
import { encodedSize, writeModelFile, type GraphSpec, type OnnxModelSpec } from '../onnx/onnx-writer.ts';
import { twinModel, type TwinProducer } from '../onnx/twin-model.ts';
import { siglipSmallFiles } from './processor-files.ts';
import { siglipTextGraph } from './text-graph.ts';
import { siglipVisionGraph } from './vision-graph.ts';

/** Bump when the bytes a seed produces change. */
export const SIGLIP2_TWIN_VERSION = 1;
export const SIGLIP2_TWIN_SEED = 17;
export const SIGLIP2_TWIN_OPSET = 14;

export const SIGLIP2_TWIN_PATHS = {
  vision: 'onnx/vision_model_quantized.onnx',
  text: 'onnx/text_model_int8.onnx',
} as const;

const PRODUCER: TwinProducer = { name: 'eidos-siglip2-twin', version: SIGLIP2_TWIN_VERSION, opset: SIGLIP2_TWIN_OPSET };
const model = (built: { graph: GraphSpec }): OnnxModelSpec => twinModel(built.graph, PRODUCER);

export const siglipTwinVision = (precision: Precision = 'int8', seed = SIGLIP2_TWIN_SEED) =>
  siglipVisionGraph(precision, seed);
export const siglipTwinText = (precision: Precision = 'int8', seed = SIGLIP2_TWIN_SEED) =>
  siglipTextGraph(precision, seed);

/** The two files' sizes, without making any weight. */
export function siglipTwinFileSizes(precision: Precision = 'int8'): { vision: number; text: number } {
  return {
    vision: encodedSize(model(siglipTwinVision(precision))),
    text: encodedSize(model(siglipTwinText(precision))),
  };
}

export async function generateSiglip2Twin(dir: string, seed = SIGLIP2_TWIN_SEED): Promise<void> {
  mkdirSync(join(dir, 'onnx'), { recursive: true });
  for (const [path, content] of Object.entries(siglipSmallFiles())) writeFileSync(join(dir, path), content);
  // One tower at a time, so only one graph's lazy weights exist at once.
  writeModelFile(model(siglipTwinText('int8', seed)), join(dir, SIGLIP2_TWIN_PATHS.text));
  writeModelFile(model(siglipTwinVision('int8', seed)), join(dir, SIGLIP2_TWIN_PATHS.vision));
}
