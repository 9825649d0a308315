/**
 * The shapes of Apple MobileCLIP2-S2 as its ONNX export carries them. Image tower: MCi2, a FastViT
 * variant (apple/ml-mobileclip mobileclip/models/mci.py `mci2`, reparameterised for inference): a
 * convolutional stem, three stages of RepMixer blocks (depthwise convolutions and convolutional MLPs)
 * and a last stage of multi-head self-attention, then a grouped 3×3 expansion with squeeze-excitation,
 * global pooling and a projection to 512. Text tower: CLIP's 12-layer, 512-wide transformer under a
 * causal mask (MobileCLIP's "Base" text encoder), pooled at the end-of-text token.
 */
import { CLIP_CONTEXT_LENGTH, CLIP_VOCAB_SIZE } from '../clip/processor-files.ts';

export const MCI2 = {
  imageSize: 256,
  /** Blocks per stage; the last stage's blocks use attention, the others RepMixer. */
  layers: [4, 12, 24, 4],
  widths: [80, 160, 320, 640],
  mlpRatio: 3,
  /** The stride-2 patch embeddings into stages 3 and 4 carry squeeze-excitation (`se_downsamples`). */
  seDownsamples: [false, false, true, true],
  headDim: 32,
  /** conv_exp widens the last stage by this before pooling (`cls_ratio`). */
  clsRatio: 2,
  /** mobileone SEBlock's reduction (`rd_ratio`). */
  seRatio: 0.0625,
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
/** The real export's file sizes (plhery/mobileclip2-onnx onnx/s2, pinned in models/manifest.json). */
export const REAL_VISION_BYTES = 143_044_797;
export const REAL_TEXT_BYTES = 254_053_669;
