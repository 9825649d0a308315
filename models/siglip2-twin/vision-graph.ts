/**
 * The SigLIP 2 B/16 image tower (SiglipVisionModel): `pixel_values` [batch_size,3,224,224] → 14×14 patches
 * of 16 px (a biased Conv) → 196 tokens of width 768 plus position embeddings → 12 layers → post-LN →
 * the attention-pooling head (a learned probe attends over the tokens, then LN and an MLP with a residual)
 * → `pooler_output` [batch_size,768]; `last_hidden_state` [batch_size,196,768] is the post-LN tokens.
 */
import { attr, type GraphSpec } from '../onnx/onnx-writer.ts';
import type { Precision } from '../clip-twin/graph-builder.ts';
import { SIGLIP2_EMBEDDING_DIM, SIGLIP2_PATCH_TOKENS, SIGLIP2_VISION } from './architecture.ts';
import { SiglipGraphBuilder } from './siglip-builder.ts';
import { attention, encoderLayer, mlp } from './transformer.ts';

export function siglipVisionGraph(precision: Precision, seed: number): { graph: GraphSpec; parameters: number } {
  const b = new SiglipGraphBuilder(precision, seed);
  const { width, patch, imageSize } = SIGLIP2_VISION;
  const scope = 'vision_model.embeddings';
  const conv = b.patchConv('pixel_values', `${scope}.patch_embedding`, 3, width, patch, 0.02);
  const patches = b.op('Add', [conv, b.weight(`${scope}.patch_embedding.bias`, [width, 1, 1], 0.02)], scope);
  const tokens = b.op(
    'Transpose',
    [b.op('Reshape', [patches, b.ints(`${scope}.flatten_shape`, [0, width, -1])], scope)],
    scope,
    { perm: attr.ints([0, 2, 1]) },
  );
  let x = b.op(
    'Add',
    [tokens, b.weight(`${scope}.position_embedding.weight`, [SIGLIP2_PATCH_TOKENS, width], 0.02)],
    scope,
  );
  for (let layer = 0; layer < SIGLIP2_VISION.layers; layer++)
    x = encoderLayer(b, x, `vision_model.encoder.layers.${layer}`, SIGLIP2_VISION);
  const hidden = b.layerNorm(x, 'vision_model.post_layernorm', width);
  b.op('Identity', [hidden], 'vision_model', undefined, 'last_hidden_state');

  // The pooling head: the probe [1,1,width], repeated over the batch, attends over the tokens.
  const head = 'vision_model.head';
  const batch = b.op(
    'Slice',
    [b.op('Shape', ['pixel_values'], head), b.ints(`${head}.zero`, [0]), b.ints(`${head}.one`, [1])],
    head,
  );
  const probeShape = b.op('Concat', [batch, b.ints(`${head}.probe_dims`, [1, width])], head, { axis: attr.int(0) });
  const probe = b.op('Expand', [b.weight(`${head}.probe`, [1, 1, width], width ** -0.5), probeShape], head);
  const attended = attention(b, probe, hidden, `${head}.attention`, SIGLIP2_VISION);
  const pooled = b.op(
    'Add',
    [attended, mlp(b, b.layerNorm(attended, `${head}.layernorm`, width), `${head}.mlp`, SIGLIP2_VISION)],
    head,
  );
  b.op('Squeeze', [pooled, b.ints(`${head}.token_axis`, [1])], head, undefined, 'pooler_output');
  return {
    parameters: b.parameters,
    graph: {
      name: 'main_graph',
      docString:
        'Eidos architecture twin of SigLIP 2 B/16 (vision): the real layout with pseudo-random weights; no real semantics.',
      inputs: [{ name: 'pixel_values', elemType: 'float32', dims: ['batch_size', 3, imageSize, imageSize] }],
      outputs: [
        { name: 'last_hidden_state', elemType: 'float32', dims: ['batch_size', SIGLIP2_PATCH_TOKENS, width] },
        { name: 'pooler_output', elemType: 'float32', dims: ['batch_size', SIGLIP2_EMBEDDING_DIM] },
      ],
      initializers: b.initializers,
      nodes: b.nodes,
    },
  };
}
