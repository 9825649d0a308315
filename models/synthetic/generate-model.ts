/**
 * Writes the synthetic CLIP-like model in the layout of a transformers.js CLIP export:
 *
 *   onnx/vision_model.onnx   pixel_values [batch,3,224,224] → image_embeds [batch,SYNTHETIC_DIM]
 *   onnx/text_model.onnx     input_ids, attention_mask [batch,77] → text_embeds [batch,SYNTHETIC_DIM]
 *   tokenizer.json, tokenizer_config.json   the real OpenAI CLIP BPE tokenizer
 *   preprocessor_config.json                CLIPImageProcessor (shortest edge 224, centre crop 224)
 *   config.json                             projection_dim, logit_scale = ln τ
 *
 * Deterministic: the same bytes on every run and machine (seeded integer PRNG, no dates, JSON numbers
 * printed by the spec-defined shortest round-trip form).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildClipVocabulary } from '../clip/build-tokenizer-json.ts';
import {
  CLIP_CONTEXT_LENGTH,
  CLIP_IMAGE_SIZE,
  CLIP_VOCAB_SIZE,
  clipProcessorFiles,
  jsonText,
} from '../clip/processor-files.ts';
import { SYNTHETIC_DIM, projectionMatrix } from './feature-space.ts';
import { encodeModel, type GraphSpec } from '../onnx/onnx-writer.ts';
import { textGraph } from './text-graph.ts';
import { visionGraph } from './vision-graph.ts';

export { SYNTHETIC_DIM, featureNames } from './feature-space.ts';
export { COLOUR_NAMES, QUADRANTS, POSITION_WORDS, COLOURS } from './world.ts';

/**
 * τ in s = τ·cos. Measured on 200 generated photos (test/unit/synthetic/retrieval.test.ts): a colour
 * word's cosine is 0.36–0.41 with every photo holding the colour and 0.03–0.04 with the others, so
 * τ = 30 puts ≈ 10 nats between them (non-holders carry no mass in any library under ~20 000 photos),
 * while the spread among holders (≈ 0.05, from how many colours a photo has) stays a soft ≈ 1.5 nats;
 * a description's own photo leads the runner-up by ≥ 0.066 in cosine, ≥ 2 nats. OpenAI CLIP's τ = 100
 * fits its own, narrower cosine range, and here would make p(i|q) winner-take-all.
 */
export const SYNTHETIC_LOGIT_SCALE = 30;
/** ln 30, written out so config.json never depends on a libm's last bit. */
const LN_LOGIT_SCALE = 3.4011973816621555;

export const SYNTHETIC_MODEL_FILES = [
  'onnx/vision_model.onnx',
  'onnx/text_model.onnx',
  'tokenizer.json',
  'tokenizer_config.json',
  'preprocessor_config.json',
  'config.json',
] as const;

function onnx(graph: GraphSpec): Uint8Array {
  return encodeModel({ graph, producerName: 'eidos-synthetic', producerVersion: '1' });
}

function modelConfig(): object {
  return {
    architectures: ['CLIPModel'],
    model_type: 'clip',
    eidos_synthetic: true,
    projection_dim: SYNTHETIC_DIM,
    logit_scale: LN_LOGIT_SCALE,
    logit_scale_init_value: LN_LOGIT_SCALE,
    text_config: {
      max_position_embeddings: CLIP_CONTEXT_LENGTH,
      vocab_size: CLIP_VOCAB_SIZE,
      projection_dim: SYNTHETIC_DIM,
    },
    vision_config: { image_size: CLIP_IMAGE_SIZE, num_channels: 3, projection_dim: SYNTHETIC_DIM },
  };
}

export async function generateSyntheticModel(dir: string): Promise<void> {
  await writeSyntheticModel(dir, projectionMatrix());
}

/**
 * The model files for a projection of the hidden features (FEATURE_COUNT × SYNTHETIC_DIM): both towers
 * compute the same features (feature-space.ts) and map them through it. A zero row hides a feature.
 */
export async function writeSyntheticModel(dir: string, projection: Float32Array): Promise<void> {
  const vocabulary = buildClipVocabulary();
  const files: Record<(typeof SYNTHETIC_MODEL_FILES)[number], string | Uint8Array> = {
    'onnx/vision_model.onnx': onnx(visionGraph(projection)),
    'onnx/text_model.onnx': onnx(textGraph(projection, vocabulary)),
    ...clipProcessorFiles(vocabulary),
    'config.json': jsonText(modelConfig()),
  };
  mkdirSync(join(dir, 'onnx'), { recursive: true });
  for (const [path, content] of Object.entries(files)) writeFileSync(join(dir, path), content);
}
