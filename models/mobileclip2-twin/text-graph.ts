/**
 * The MobileCLIP2-S2 text tower as an open_clip export carries it: `input_ids` int64
 * [batch_size,77] only (no attention mask) → token + position embeddings (512 wide) → 12 pre-LN layers
 * (8 heads, exact-GELU MLP of 2048) under a causal mask alone → final LN → the row at the LAST position
 * holding the largest id (ArgMax with select_last_index, like the real graph) → projection to 512 →
 * `text_embeds` [batch_size,512].
 *
 * The pooling is why padding matters: the end-of-text id 49407 is the vocabulary's largest, so rows
 * padded with it pool at their last pad (a position that has attended to nothing but padding since the
 * text ended), while rows padded with 0 after the first end-of-text pool at that end-of-text token.
 */
import type { GraphSpec } from '../onnx/onnx-writer.ts';
import { GraphBuilder } from '../clip-twin/graph-builder.ts';
import { causalMaskValues, poolEndOfTextAndProject } from '../clip-twin/text-tower.ts';
import { encoderLayer } from '../clip-twin/transformer.ts';
import { PROJECTION_DIM, TEXT } from './architecture.ts';

export function textGraph(seed: number): { graph: GraphSpec; parameters: number } {
  const b = new GraphBuilder('fp32', seed);
  const { width, vocab, context } = TEXT;
  const tokens = b.embedding('input_ids', 'token_embedding', vocab, width, 0.02);
  let x = b.op('Add', [tokens, b.weight('positional_embedding', [context, width], 0.01)], 'embeddings');
  const bias = b.constant('attn_mask', [context, context], causalMaskValues(context));
  for (let layer = 0; layer < TEXT.layers; layer++)
    x = encoderLayer(b, x, `transformer.resblocks.${layer}`, TEXT, bias, 'gelu');
  x = b.layerNorm(x, 'ln_final', width);
  poolEndOfTextAndProject(b, x, 'pool', { width, projectionDim: PROJECTION_DIM, selectLastIndex: true });
  return {
    parameters: b.parameters,
    graph: {
      name: 'main_graph',
      docString:
        'Eidos architecture twin of MobileCLIP2-S2 (text): the real layout with pseudo-random weights; no real semantics.',
      inputs: [{ name: 'input_ids', elemType: 'int64', dims: ['batch_size', context] }],
      outputs: [{ name: 'text_embeds', elemType: 'float32', dims: ['batch_size', PROJECTION_DIM] }],
      initializers: b.initializers,
      nodes: b.nodes,
    },
  };
}
