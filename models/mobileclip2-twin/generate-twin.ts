/**
 * Writes an architecture twin of MobileCLIP2-S2 or -S0 (plhery/mobileclip2-onnx onnx/s2, onnx/s0): the same towers,
 * input and output names, shapes and dtypes, operator mix and (within 2 %) size, with pseudo-random
 * weights. No real semantics: for tests and benchmarks of everything around the model (256-pixel
 * preprocessing, tokenising and its padding rule, batching, speed, memory) at the real size.
 *
 *   onnx/vision_model.onnx (~142 MB), onnx/text_model.onnx (~254 MB)
 *   tokenizer.json, tokenizer_config.json (OpenAI CLIP BPE), preprocessor_config.json (256, no mean/std),
 *   config.json
 *
 * What is not known about the real graph, and chosen here (docs/models.md): its opset (14 here:
 * LayerNorm and GELU decomposed), whether the text batch is free (free here), and the exact export of
 * open_clip's attention (separate q, k, v MatMuls here; one packed in-projection there has the same
 * parameters).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildClipVocabulary } from '../clip/build-tokenizer-json.ts';
import { clipProcessorFiles, jsonText } from '../clip/processor-files.ts';
import { encodedSize, writeModelFile } from '../onnx/onnx-writer.ts';
import { twinTower, type TwinProducer, type TwinTower } from '../onnx/twin-model.ts';
import { MCI0, MCI2, PROJECTION_DIM, TEXT, type MciShape } from './architecture.ts';
import { textGraph } from './text-graph.ts';
import { visionGraph } from './vision-graph.ts';

/** Bump when the bytes a seed produces change (it keys the test cache). */
export const MOBILECLIP2_TWIN_VERSION = 2;
export const MOBILECLIP2_TWIN_SEED = 29;
export const MOBILECLIP2_TWIN_OPSET = 14;
export const MOBILECLIP2_TWIN_PATHS = { vision: 'onnx/vision_model.onnx', text: 'onnx/text_model.onnx' } as const;

/** The variants: S2 (MCi2 image tower) and S0 (MCi0); both have CLIP's text transformer. */
export type MobileClip2Variant = 's2' | 's0';
const SHAPES: Record<MobileClip2Variant, MciShape> = { s2: MCI2, s0: MCI0 };

const PRODUCER: TwinProducer = {
  name: 'eidos-mobileclip2-twin',
  version: MOBILECLIP2_TWIN_VERSION,
  opset: MOBILECLIP2_TWIN_OPSET,
};

export function mobileClip2Towers(
  variant: MobileClip2Variant = 's2',
  seed = MOBILECLIP2_TWIN_SEED,
): { vision: TwinTower; text: TwinTower } {
  return {
    vision: twinTower(MOBILECLIP2_TWIN_PATHS.vision, visionGraph(seed, SHAPES[variant]), PRODUCER),
    text: twinTower(MOBILECLIP2_TWIN_PATHS.text, textGraph(seed), PRODUCER),
  };
}

export const mobileClip2FileSizes = (variant: MobileClip2Variant = 's2'): { vision: number; text: number } => {
  const towers = mobileClip2Towers(variant);
  return { vision: encodedSize(towers.vision.model), text: encodedSize(towers.text.model) };
};

/**
 * CLIPImageProcessor settings for MobileCLIP2 (what transformers.js reads): shortest edge 256, centre
 * crop 256, bilinear (resample 2), rescale 1/255, no normalisation (open_clip's mean 0 / std 1).
 */
function preprocessorConfig(shape: MciShape): object {
  return {
    crop_size: { height: shape.imageSize, width: shape.imageSize },
    do_center_crop: true,
    do_convert_rgb: true,
    do_normalize: false,
    do_rescale: true,
    do_resize: true,
    image_mean: [0, 0, 0],
    image_processor_type: 'CLIPImageProcessor',
    image_std: [1, 1, 1],
    resample: 2,
    rescale_factor: 1 / 255,
    size: { shortest_edge: shape.imageSize },
  };
}

function modelConfig(variant: MobileClip2Variant): object {
  return {
    eidos_architecture_twin: `pseudo-random weights with the architecture of apple/MobileCLIP2-${variant.toUpperCase()}: no real semantics`,
    image_encoder: variant === 's2' ? 'mci2' : 'mci0',
    image_size: SHAPES[variant].imageSize,
    projection_dim: PROJECTION_DIM,
    text_context_length: TEXT.context,
    text_vocab_size: TEXT.vocab,
    text_width: TEXT.width,
    text_layers: TEXT.layers,
    text_pad_after_end_of_text: 0,
  };
}

export async function generateMobileClip2Twin(
  dir: string,
  variant: MobileClip2Variant = 's2',
  seed = MOBILECLIP2_TWIN_SEED,
): Promise<void> {
  mkdirSync(join(dir, 'onnx'), { recursive: true });
  const files = {
    ...clipProcessorFiles(buildClipVocabulary()),
    'preprocessor_config.json': jsonText(preprocessorConfig(SHAPES[variant])),
    'config.json': jsonText(modelConfig(variant)),
  };
  for (const [path, content] of Object.entries(files)) writeFileSync(join(dir, path), content);
  // One tower at a time, so only one graph's lazy weights exist at once.
  writeModelFile(mobileClip2Towers(variant, seed).text.model, join(dir, MOBILECLIP2_TWIN_PATHS.text));
  writeModelFile(mobileClip2Towers(variant, seed).vision.model, join(dir, MOBILECLIP2_TWIN_PATHS.vision));
}

export const generateMobileClip2S2Twin = (dir: string): Promise<void> => generateMobileClip2Twin(dir, 's2');
export const generateMobileClip2S0Twin = (dir: string): Promise<void> => generateMobileClip2Twin(dir, 's0');
