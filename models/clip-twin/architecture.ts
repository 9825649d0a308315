/**
 * The shapes of OpenAI CLIP ViT-B/32 as the Xenova/clip-vit-base-patch32 export carries them
 * (Hugging Face CLIPVisionModelWithProjection / CLIPTextModelWithProjection; config of
 * openai/clip-vit-base-patch32): pre-LN transformers with quick-GELU MLPs.
 */
import { CLIP_CONTEXT_LENGTH, CLIP_IMAGE_SIZE, CLIP_VOCAB_SIZE } from '../clip/processor-files.ts';

export interface TowerShape {
  width: number;
  layers: number;
  heads: number;
  /** MLP hidden size (4 × width). */
  intermediate: number;
}

export const VISION = {
  width: 768,
  layers: 12,
  heads: 12,
  intermediate: 3072,
  patch: 32,
  imageSize: CLIP_IMAGE_SIZE,
} as const;
export const TEXT = {
  width: 512,
  layers: 12,
  heads: 8,
  intermediate: 2048,
  vocab: CLIP_VOCAB_SIZE,
  context: CLIP_CONTEXT_LENGTH,
} as const;
export const PROJECTION_DIM = 512;
export const LAYER_NORM_EPS = 1e-5;
/** Patches per side (7) and tokens (49 patches + the class token). */
export const PATCHES_PER_SIDE = VISION.imageSize / VISION.patch;
export const VISION_TOKENS = PATCHES_PER_SIDE * PATCHES_PER_SIDE + 1;
/** τ = 100: OpenAI CLIP's trained logit scale (exp of config.json's logit_scale, ln 100 written out). */
export const LOGIT_SCALE = 100;
export const LN_LOGIT_SCALE = 4.605170185988092;
