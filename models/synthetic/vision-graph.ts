/**
 * The synthetic image encoder: `pixel_values` [batch,3,224,224] (CLIP-normalised) → `image_embeds`
 * [batch,SYNTHETIC_DIM].
 *
 * Per pixel, a soft membership over the palette: softmax_k(−‖x − c_k‖² / σ²) with x the pixel in 0..1.
 * Since ‖x‖² is the same for every k it cancels, leaving the linear score (2·c_k·x − ‖c_k‖²)/σ², a 1×1
 * convolution. The CLIP normalisation z = (x − mean)/std is undone inside the same convolution
 * (x = std·z + mean folds into its weights and bias). AveragePool 112×112 gives each colour's share of
 * each quadrant, their mean the global share. Quadrant features are √share; global features are a
 * soft presence test sigmoid((share − θ)/w), so a colour word finds every photo holding the colour about
 * equally, whether it fills the background or one small object; then the fixed projection (feature-space.ts).
 */
import { attr, type GraphSpec } from '../onnx/onnx-writer.ts';
import {
  COLOUR_COUNT,
  GLOBAL_OFFSET,
  QUADRANT_COUNT,
  QUADRANT_OFFSET,
  SYNTHETIC_DIM,
  projectionRows,
} from './feature-space.ts';
import { COLOURS } from './world.ts';
import { CLIP_IMAGE_SIZE, CLIP_MEAN, CLIP_STD } from '../clip/processor-files.ts';

const IMAGE_SIZE = CLIP_IMAGE_SIZE;
/**
 * Softmax temperature σ² (pixel values in 0..1). The closest palette pair is 0.32 apart, so a pixel
 * 0.1 off its colour (noise + gradient + JPEG) still has ≥ 99.9 % membership; blurred edges between
 * two colours split between them, as a soft segmentation should.
 */
const SIGMA_SQUARED = 0.005;
/**
 * Presence threshold and width on a colour's share of the view. The smallest object covers ≥ 6 % of the
 * view (presence ≥ 0.997); blurred edges between two other colours leak ≤ 0.5 % (presence ≤ 0.007).
 */
const PRESENCE_THRESHOLD = 0.03;
const PRESENCE_WIDTH = 0.005;

export function visionGraph(projection: Float32Array): GraphSpec {
  const weights = new Float32Array(COLOUR_COUNT * 3);
  const bias = new Float32Array(COLOUR_COUNT);
  COLOURS.forEach((colour, k) => {
    const c = colour.rgb.map((v) => v / 255);
    let b = 0;
    for (let ch = 0; ch < 3; ch++) {
      weights[k * 3 + ch] = (2 * c[ch]! * CLIP_STD[ch]!) / SIGMA_SQUARED;
      b += 2 * c[ch]! * CLIP_MEAN[ch]! - c[ch]! * c[ch]!;
    }
    bias[k] = b / SIGMA_SQUARED;
  });
  const half = IMAGE_SIZE / 2;
  return {
    name: 'synthetic_vision',
    docString: 'Eidos synthetic CLIP-like image encoder: palette colour shares per quadrant, projected.',
    inputs: [{ name: 'pixel_values', elemType: 'float32', dims: ['batch', 3, IMAGE_SIZE, IMAGE_SIZE] }],
    outputs: [{ name: 'image_embeds', elemType: 'float32', dims: ['batch', SYNTHETIC_DIM] }],
    initializers: [
      { name: 'palette_weight', dims: [COLOUR_COUNT, 3, 1, 1], data: weights },
      { name: 'palette_bias', dims: [COLOUR_COUNT], data: bias },
      { name: 'presence_scale', dims: [], data: Float32Array.of(1 / PRESENCE_WIDTH) },
      { name: 'presence_shift', dims: [], data: Float32Array.of(-PRESENCE_THRESHOLD / PRESENCE_WIDTH) },
      { name: 'projection_photo', dims: [SYNTHETIC_DIM], data: projectionRows(projection, 0, 1) },
      {
        name: 'projection_global',
        dims: [COLOUR_COUNT, SYNTHETIC_DIM],
        data: projectionRows(projection, GLOBAL_OFFSET, COLOUR_COUNT),
      },
      {
        name: 'projection_quadrant',
        dims: [COLOUR_COUNT * QUADRANT_COUNT, SYNTHETIC_DIM],
        data: projectionRows(projection, QUADRANT_OFFSET, COLOUR_COUNT * QUADRANT_COUNT),
      },
    ],
    nodes: [
      {
        opType: 'Conv',
        inputs: ['pixel_values', 'palette_weight', 'palette_bias'],
        outputs: ['palette_logits'],
        attributes: { kernel_shape: attr.ints([1, 1]) },
      },
      { opType: 'Softmax', inputs: ['palette_logits'], outputs: ['membership'], attributes: { axis: attr.int(1) } },
      {
        opType: 'AveragePool',
        inputs: ['membership'],
        outputs: ['quadrant_share'],
        attributes: { kernel_shape: attr.ints([half, half]), strides: attr.ints([half, half]) },
      },
      {
        opType: 'ReduceMean',
        inputs: ['quadrant_share'],
        outputs: ['global_share'],
        attributes: { axes: attr.ints([2, 3]), keepdims: attr.int(0) },
      },
      { opType: 'Flatten', inputs: ['quadrant_share'], outputs: ['quadrant_flat'], attributes: { axis: attr.int(1) } },
      { opType: 'Mul', inputs: ['global_share', 'presence_scale'], outputs: ['presence_scaled'] },
      { opType: 'Add', inputs: ['presence_scaled', 'presence_shift'], outputs: ['presence_logit'] },
      { opType: 'Sigmoid', inputs: ['presence_logit'], outputs: ['global_features'] },
      { opType: 'Sqrt', inputs: ['quadrant_flat'], outputs: ['quadrant_features'] },
      { opType: 'MatMul', inputs: ['global_features', 'projection_global'], outputs: ['global_embeds'] },
      { opType: 'MatMul', inputs: ['quadrant_features', 'projection_quadrant'], outputs: ['quadrant_embeds'] },
      { opType: 'Add', inputs: ['global_embeds', 'quadrant_embeds'], outputs: ['colour_embeds'] },
      // The "a photo" feature is 1 for every image: add its projection row.
      { opType: 'Add', inputs: ['colour_embeds', 'projection_photo'], outputs: ['image_embeds'] },
    ],
  };
}
