/**
 * The ViT-B/32 image tower (CLIPVisionModelWithProjection): `pixel_values` [batch_size,3,224,224] →
 * 7×7 patches of 32 px → 768-wide tokens with a class token and position embeddings → pre-LN → 12
 * layers → post-LN of the class token → projection to 512 → `image_embeds` [batch_size,512].
 */
import { attr, type GraphSpec } from '../onnx/onnx-writer.ts';
import { PROJECTION_DIM, VISION, VISION_TOKENS } from './architecture.ts';
import { GraphBuilder, type Precision } from './graph-builder.ts';
import { encoderLayer } from './transformer.ts';

export function visionGraph(precision: Precision, seed: number): { graph: GraphSpec; parameters: number } {
  const b = new GraphBuilder(precision, seed);
  const { width, patch, imageSize } = VISION;
  const scope = 'vision_model.embeddings';
  const patches = b.patchConv('pixel_values', `${scope}.patch_embedding`, 3, width, patch, 0.02);
  const tokens = b.op(
    'Transpose',
    [b.op('Reshape', [patches, b.ints(`${scope}.flatten_shape`, [0, width, -1])], scope)],
    scope,
    { perm: attr.ints([0, 2, 1]) },
  );
  // The class token, repeated over the batch: Expand to [batch, 1, width].
  const batch = b.op(
    'Slice',
    [b.op('Shape', ['pixel_values'], scope), b.ints(`${scope}.zero`, [0]), b.ints(`${scope}.one`, [1])],
    scope,
  );
  const classShape = b.op('Concat', [batch, b.ints(`${scope}.class_token_dims`, [1, width])], scope, {
    axis: attr.int(0),
  });
  const classToken = b.op(
    'Expand',
    [b.weight(`${scope}.class_embedding`, [1, 1, width], width ** -0.5), classShape],
    scope,
  );
  const withClass = b.op('Concat', [classToken, tokens], scope, { axis: attr.int(1) });
  let x = b.op('Add', [withClass, b.weight(`${scope}.position_embedding.weight`, [VISION_TOKENS, width], 0.02)], scope);
  x = b.layerNorm(x, 'vision_model.pre_layrnorm', width);
  for (let layer = 0; layer < VISION.layers; layer++)
    x = encoderLayer(b, x, `vision_model.encoder.layers.${layer}`, VISION);
  const pooled = b.op(
    'Gather',
    [x, b.constant('vision_model.class_token_index', [], BigInt64Array.of(0n))],
    'vision_model',
    { axis: attr.int(1) },
  );
  const normed = b.layerNorm(pooled, 'vision_model.post_layernorm', width);
  b.linear(normed, 'visual_projection', width, PROJECTION_DIM, width ** -0.5, { bias: false, output: 'image_embeds' });
  return {
    parameters: b.parameters,
    graph: {
      name: 'main_graph',
      docString:
        'Eidos architecture twin of CLIP ViT-B/32 (vision): the real layout with pseudo-random weights; no real semantics.',
      inputs: [{ name: 'pixel_values', elemType: 'float32', dims: ['batch_size', 3, imageSize, imageSize] }],
      outputs: [{ name: 'image_embeds', elemType: 'float32', dims: ['batch_size', PROJECTION_DIM] }],
      initializers: b.initializers,
      nodes: b.nodes,
    },
  };
}
