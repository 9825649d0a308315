/**
 * The small files every CLIP-layout model folder carries beside its ONNX towers, as transformers.js
 * reads them: `tokenizer.json` and `tokenizer_config.json` (the real OpenAI CLIP BPE tokenizer) and
 * `preprocessor_config.json` (CLIPImageProcessor: shortest edge 224, centre crop 224, CLIP mean/std).
 * Shared by the synthetic model and the architecture twins. Deterministic: JSON printed by the
 * spec-defined shortest round-trip number form.
 */
import { clipTokenizerJsonText, END_OF_TEXT, START_OF_TEXT, type ClipVocabulary } from './build-tokenizer-json.ts';

export const CLIP_IMAGE_SIZE = 224;
export const CLIP_CONTEXT_LENGTH = 77;
export const CLIP_VOCAB_SIZE = 49408;
export const CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073] as const;
export const CLIP_STD = [0.26862954, 0.26130258, 0.27577711] as const;

export function jsonText(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

function preprocessorConfig(): object {
  return {
    crop_size: { height: CLIP_IMAGE_SIZE, width: CLIP_IMAGE_SIZE },
    do_center_crop: true,
    do_convert_rgb: true,
    do_normalize: true,
    do_rescale: true,
    do_resize: true,
    image_mean: CLIP_MEAN,
    image_processor_type: 'CLIPImageProcessor',
    image_std: CLIP_STD,
    resample: 3,
    rescale_factor: 1 / 255,
    size: { shortest_edge: CLIP_IMAGE_SIZE },
  };
}

function tokenizerConfig(): object {
  const special = (content: string, normalized: boolean) => ({
    content,
    lstrip: false,
    normalized,
    rstrip: false,
    single_word: false,
    special: true,
  });
  return {
    add_prefix_space: false,
    added_tokens_decoder: { '49406': special(START_OF_TEXT, true), '49407': special(END_OF_TEXT, false) },
    bos_token: START_OF_TEXT,
    clean_up_tokenization_spaces: false,
    do_lower_case: true,
    eos_token: END_OF_TEXT,
    errors: 'replace',
    model_max_length: CLIP_CONTEXT_LENGTH,
    pad_token: END_OF_TEXT,
    processor_class: 'CLIPProcessor',
    tokenizer_class: 'CLIPTokenizer',
    unk_token: END_OF_TEXT,
  };
}

/** tokenizer.json, tokenizer_config.json and preprocessor_config.json, as file path → text. */
export function clipProcessorFiles(
  vocabulary: ClipVocabulary,
): Record<'tokenizer.json' | 'tokenizer_config.json' | 'preprocessor_config.json', string> {
  return {
    'tokenizer.json': clipTokenizerJsonText(vocabulary),
    'tokenizer_config.json': jsonText(tokenizerConfig()),
    'preprocessor_config.json': jsonText(preprocessorConfig()),
  };
}
