/**
 * The shapes of google/siglip2-base-patch16-224 (Hugging Face `SiglipModel`: the fixed-resolution SigLIP 2
 * checkpoints keep SigLIP's architecture) as onnx-community/siglip2-base-patch16-224-ONNX exports them:
 * pre-LN ViT-B/16 towers with tanh-GELU MLPs, LayerNorm eps 1e-6, no class token (the image tower pools
 * with a multi-head attention probe), a text tower over the Gemma vocabulary of 256,000 tokens, 64 positions,
 * pooled at the last position and projected by a biased 768×768 head. Values from the model's config.json.
 */
export interface SiglipTowerShape {
  width: number;
  layers: number;
  heads: number;
  /** MLP hidden size. */
  intermediate: number;
}

export const SIGLIP2_VISION = {
  width: 768,
  layers: 12,
  heads: 12,
  intermediate: 3072,
  patch: 16,
  imageSize: 224,
} as const;

export const SIGLIP2_TEXT = {
  width: 768,
  layers: 12,
  heads: 12,
  intermediate: 3072,
  /** The Gemma tokenizer's vocabulary. */
  vocab: 256_000,
  context: 64,
} as const;

export const SIGLIP2_EMBEDDING_DIM = 768;
export const SIGLIP2_LAYER_NORM_EPS = 1e-6;
/** 14 × 14 patches; no class token. */
export const SIGLIP2_PATCH_TOKENS = (SIGLIP2_VISION.imageSize / SIGLIP2_VISION.patch) ** 2;

/**
 * The trained logit scale (ln) and bias (model.safetensors of google/siglip2-base-patch16-224: logit_scale
 * 4.724453449249268, logit_bias −16.771724700927734): p(match) = sigmoid(exp(scale)·cos + bias). Written
 * into the twin's config.json; the manifest carries exp(scale) = 112.6689 and the bias.
 */
export const SIGLIP2_LN_LOGIT_SCALE = 4.724453449249268;
export const SIGLIP2_LOGIT_BIAS = -16.771724700927734;
