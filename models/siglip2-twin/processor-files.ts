/**
 * The small files of a SigLIP 2 model folder as transformers.js reads them: `preprocessor_config.json`
 * (SiglipImageProcessor: resize straight to 224×224, bicubic, rescale 1/255, mean = std = 0.5),
 * `tokenizer_config.json` (GemmaTokenizer: no <bos>, <eos> appended, pad with <pad> on the right to 64),
 * `config.json` (SiglipConfig) and the twin's tokenizer.json. Deterministic.
 */
import { jsonText } from '../clip/processor-files.ts';
import {
  SIGLIP2_LN_LOGIT_SCALE,
  SIGLIP2_LAYER_NORM_EPS,
  SIGLIP2_LOGIT_BIAS,
  SIGLIP2_TEXT,
  SIGLIP2_VISION,
} from './architecture.ts';
import { gemmaLikeTokenizerJsonText } from './gemma-tokenizer-json.ts';

export function siglipPreprocessorConfig(): object {
  return {
    do_convert_rgb: null,
    do_normalize: true,
    do_rescale: true,
    do_resize: true,
    image_mean: [0.5, 0.5, 0.5],
    image_processor_type: 'SiglipImageProcessor',
    image_std: [0.5, 0.5, 0.5],
    processor_class: 'SiglipProcessor',
    resample: 3,
    rescale_factor: 1 / 255,
    size: { height: SIGLIP2_VISION.imageSize, width: SIGLIP2_VISION.imageSize },
  };
}

export function siglipTokenizerConfig(): object {
  return {
    add_bos_token: false,
    add_eos_token: true,
    bos_token: '<bos>',
    clean_up_tokenization_spaces: false,
    eos_token: '<eos>',
    model_max_length: SIGLIP2_TEXT.context,
    pad_token: '<pad>',
    padding_side: 'right',
    processor_class: 'SiglipProcessor',
    tokenizer_class: 'GemmaTokenizer',
    unk_token: '<unk>',
  };
}

function modelConfig(): object {
  const common = {
    attention_dropout: 0,
    hidden_act: 'gelu_pytorch_tanh',
    layer_norm_eps: SIGLIP2_LAYER_NORM_EPS,
  };
  return {
    architectures: ['SiglipModel'],
    eidos_architecture_twin:
      'pseudo-random weights with the architecture of google/siglip2-base-patch16-224: no real semantics',
    eidos_logit_scale: SIGLIP2_LN_LOGIT_SCALE,
    eidos_logit_bias: SIGLIP2_LOGIT_BIAS,
    model_type: 'siglip',
    text_config: {
      ...common,
      hidden_size: SIGLIP2_TEXT.width,
      intermediate_size: SIGLIP2_TEXT.intermediate,
      max_position_embeddings: SIGLIP2_TEXT.context,
      model_type: 'siglip_text_model',
      num_attention_heads: SIGLIP2_TEXT.heads,
      num_hidden_layers: SIGLIP2_TEXT.layers,
      vocab_size: SIGLIP2_TEXT.vocab,
    },
    vision_config: {
      ...common,
      hidden_size: SIGLIP2_VISION.width,
      image_size: SIGLIP2_VISION.imageSize,
      intermediate_size: SIGLIP2_VISION.intermediate,
      model_type: 'siglip_vision_model',
      num_attention_heads: SIGLIP2_VISION.heads,
      num_channels: 3,
      num_hidden_layers: SIGLIP2_VISION.layers,
      patch_size: SIGLIP2_VISION.patch,
    },
  };
}

export function siglipSmallFiles(): Record<string, string> {
  return {
    'tokenizer.json': gemmaLikeTokenizerJsonText(),
    'tokenizer_config.json': jsonText(siglipTokenizerConfig()),
    'preprocessor_config.json': jsonText(siglipPreprocessorConfig()),
    'config.json': jsonText(modelConfig()),
  };
}
