/**
 * The CLIP text tower (CLIPTextModelWithProjection): `input_ids`, `attention_mask` int64
 * [batch_size,sequence_length] (≤ 77) → token + position embeddings (512 wide) → 12 layers under a
 * causal mask plus the padding mask → final LN → the token at the end-of-text id (the largest id, so
 * argmax of input_ids, as the export pools) → projection to 512 → `text_embeds` [batch_size,512].
 */
import { attr, type GraphSpec } from '../onnx/onnx-writer.ts';
import { PROJECTION_DIM, TEXT } from './architecture.ts';
import { GraphBuilder, type Precision } from './graph-builder.ts';
import { causalMaskValues, MASKED, poolEndOfTextAndProject, tokenAndPositionEmbeddings } from './text-tower.ts';
import { encoderLayer } from './transformer.ts';

export function textGraph(precision: Precision, seed: number): { graph: GraphSpec; parameters: number } {
  const b = new GraphBuilder(precision, seed);
  const { width, context } = TEXT;
  const { embedded, length } = tokenAndPositionEmbeddings(b, TEXT);
  let x = embedded;

  // Attention bias [batch, 1, len, len]: causal (a token sees itself and those before) + padding.
  const maskScope = 'text_model.attention_bias';
  const square = b.op('Concat', [length, length], maskScope, { axis: attr.int(0) });
  const causalBias = b.op(
    'Slice',
    [
      b.constant(`${maskScope}.causal`, [context, context], causalMaskValues(context)),
      b.ints(`${maskScope}.zeros`, [0, 0]),
      square,
      b.ints(`${maskScope}.axes`, [0, 1]),
    ],
    maskScope,
  );
  const keep = b.op('Cast', ['attention_mask'], maskScope, { to: attr.int(1) });
  const padding = b.op(
    'Mul',
    [b.op('Sub', [b.scalar(`${maskScope}.one`, 1), keep], maskScope), b.scalar(`${maskScope}.masked`, MASKED)],
    maskScope,
  );
  const paddingBias = b.op('Unsqueeze', [padding, b.ints(`${maskScope}.unsqueeze_axes`, [1, 2])], maskScope);
  const bias = b.op('Add', [causalBias, paddingBias], maskScope);

  for (let layer = 0; layer < TEXT.layers; layer++)
    x = encoderLayer(b, x, `text_model.encoder.layers.${layer}`, TEXT, bias);
  x = b.layerNorm(x, 'text_model.final_layer_norm', width);
  poolEndOfTextAndProject(b, x, 'text_model', { width, projectionDim: PROJECTION_DIM, selectLastIndex: false });
  return {
    parameters: b.parameters,
    graph: {
      name: 'main_graph',
      docString:
        'Eidos architecture twin of CLIP ViT-B/32 (text): the real layout with pseudo-random weights; no real semantics.',
      inputs: [
        { name: 'input_ids', elemType: 'int64', dims: ['batch_size', 'sequence_length'] },
        { name: 'attention_mask', elemType: 'int64', dims: ['batch_size', 'sequence_length'] },
      ],
      outputs: [{ name: 'text_embeds', elemType: 'float32', dims: ['batch_size', PROJECTION_DIM] }],
      initializers: b.initializers,
      nodes: b.nodes,
    },
  };
}
