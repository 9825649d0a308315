/**
 * The shapes of Apple MobileCLIP2-S2 (and -S0) as their ONNX exports carry them. Image tower: MCi2 (MCi0), a FastViT
 * variant (apple/ml-mobileclip mobileclip/models/mci.py `mci2`, reparameterised for inference): a
 * convolutional stem, three stages of RepMixer blocks (depthwise convolutions and convolutional MLPs)
 * and a last stage of multi-head self-attention, then a grouped 3×3 expansion with squeeze-excitation,
 * global pooling and a projection to 512. Text tower: CLIP's 12-layer, 512-wide transformer under a
 * causal mask (MobileCLIP's "Base" text encoder), pooled at the end-of-text token.
 */
/** One MCi image tower (FastViT variant) as mci.py defines it; MobileCLIP2-S2 is MCi2, -S0 is MCi0. */
export interface MciShape {
  imageSize: number;
  /** Blocks per stage; the last stage's blocks use attention, the others RepMixer. */
  layers: readonly number[];
  widths: readonly number[];
  /** The stride-2 patch embeddings that carry squeeze-excitation (`se_downsamples`, per target stage). */
  seDownsamples: readonly boolean[];
  /** conv_exp widens the last stage by this before pooling (`cls_ratio`). */
  clsRatio: number;
}

/** Shared by every MCi variant: MLP expansion, attention head width, mobileone SEBlock's reduction (`rd_ratio`). */
export const MCI_MLP_RATIO = 3;
export const MCI_HEAD_DIM = 32;
export const MCI_SE_RATIO = 0.0625;

export const MCI2: MciShape = {
  imageSize: 256,
  layers: [4, 12, 24, 4],
  widths: [80, 160, 320, 640],
  seDownsamples: [false, false, true, true],
  clsRatio: 2,
};

export const MCI0: MciShape = {
  imageSize: 256,
  layers: [2, 6, 10, 2],
  widths: [64, 128, 256, 512],
  seDownsamples: [false, false, true, true],
  clsRatio: 2,
};

/** MobileCLIP's "Base" text encoder is OpenAI CLIP's text transformer, projected to the same 512. */
export { PROJECTION_DIM, TEXT } from '../clip-twin/architecture.ts';
