/**
 * Writes an architecture twin of the Xenova/clip-vit-base-patch32 export: the same towers, layers,
 * tensor names and shapes, opset and file layout, with pseudo-random weights (weights.ts) instead of
 * the trained ones, which cannot be downloaded here. No real semantics: for tests and benchmarks of
 * everything around the model (tokenising, batching, pooling, speed, memory) at the real size.
 *
 *   onnx/vision_model.onnx, onnx/text_model.onnx                     (fp32: 351 MB + 254 MB)
 *   onnx/vision_model_quantized.onnx, onnx/text_model_quantized.onnx (int8: ~89 MB + ~64 MB)
 *   tokenizer.json, tokenizer_config.json, preprocessor_config.json, config.json
 *
 * Deterministic from the seed; the ONNX files are streamed, one tensor in memory at a time.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildClipVocabulary } from '../clip/build-tokenizer-json.ts';
import { clipProcessorFiles, jsonText } from '../clip/processor-files.ts';
import { encodedSize, writeModelFile } from '../onnx/onnx-writer.ts';
import { twinTower, type TwinProducer, type TwinTower } from '../onnx/twin-model.ts';
import { LAYER_NORM_EPS, LN_LOGIT_SCALE, PROJECTION_DIM, TEXT, VISION } from './architecture.ts';
import type { Precision } from './graph-builder.ts';
import { textGraph } from './text-graph.ts';
import { visionGraph } from './vision-graph.ts';

/** Bump when the bytes a seed produces change (it keys the test cache, twin-cache.ts). */
export const TWIN_GENERATOR_VERSION = 1;
export const TWIN_SEED = 13;
/** optimum's default opset for CLIP exports, which the Xenova files were made with. */
export const TWIN_OPSET = 14;

export const twinOnnxPaths = (precision: Precision): { vision: string; text: string } =>
  precision === 'fp32'
    ? { vision: 'onnx/vision_model.onnx', text: 'onnx/text_model.onnx' }
    : { vision: 'onnx/vision_model_quantized.onnx', text: 'onnx/text_model_quantized.onnx' };

const PRODUCER: TwinProducer = { name: 'eidos-clip-twin', version: TWIN_GENERATOR_VERSION, opset: TWIN_OPSET };

/** Both towers' graphs (weights still lazy: nothing big is made until a file is written). */
export function twinTowers(precision: Precision, seed = TWIN_SEED): { vision: TwinTower; text: TwinTower } {
  const paths = twinOnnxPaths(precision);
  return {
    vision: twinTower(paths.vision, visionGraph(precision, seed), PRODUCER),
    text: twinTower(paths.text, textGraph(precision, seed), PRODUCER),
  };
}

/** The file sizes the towers will have, without making any weight. */
export const twinFileSizes = (precision: Precision): { vision: number; text: number } => {
  const towers = twinTowers(precision);
  return { vision: encodedSize(towers.vision.model), text: encodedSize(towers.text.model) };
};

/** Hugging Face CLIPModel config of openai/clip-vit-base-patch32 (what transformers.js reads), marked as a twin. */
function modelConfig(): object {
  const common = {
    attention_dropout: 0,
    dropout: 0,
    hidden_act: 'quick_gelu',
    initializer_factor: 1,
    initializer_range: 0.02,
    layer_norm_eps: LAYER_NORM_EPS,
    projection_dim: PROJECTION_DIM,
  };
  return {
    architectures: ['CLIPModel'],
    eidos_architecture_twin:
      'pseudo-random weights with the architecture of openai/clip-vit-base-patch32: no real semantics',
    logit_scale_init_value: 2.6592,
    logit_scale: LN_LOGIT_SCALE,
    model_type: 'clip',
    projection_dim: PROJECTION_DIM,
    text_config: {
      ...common,
      bos_token_id: 49406,
      eos_token_id: 49407,
      hidden_size: TEXT.width,
      intermediate_size: TEXT.intermediate,
      max_position_embeddings: TEXT.context,
      model_type: 'clip_text_model',
      num_attention_heads: TEXT.heads,
      num_hidden_layers: TEXT.layers,
      pad_token_id: 1,
      vocab_size: TEXT.vocab,
    },
    vision_config: {
      ...common,
      hidden_size: VISION.width,
      image_size: VISION.imageSize,
      intermediate_size: VISION.intermediate,
      model_type: 'clip_vision_model',
      num_attention_heads: VISION.heads,
      num_channels: 3,
      num_hidden_layers: VISION.layers,
      patch_size: VISION.patch,
    },
  };
}

export async function generateClipTwin(dir: string, precision: Precision, seed = TWIN_SEED): Promise<void> {
  mkdirSync(join(dir, 'onnx'), { recursive: true });
  const files = { ...clipProcessorFiles(buildClipVocabulary()), 'config.json': jsonText(modelConfig()) };
  for (const [path, content] of Object.entries(files)) writeFileSync(join(dir, path), content);
  // One tower at a time, so only one graph's lazy weights exist at once.
  writeModelFile(twinTowers(precision, seed).text.model, join(dir, twinOnnxPaths(precision).text));
  writeModelFile(twinTowers(precision, seed).vision.model, join(dir, twinOnnxPaths(precision).vision));
}

export const generateClipTwinFp32 = (dir: string): Promise<void> => generateClipTwin(dir, 'fp32');
export const generateClipTwinInt8 = (dir: string): Promise<void> => generateClipTwin(dir, 'int8');
