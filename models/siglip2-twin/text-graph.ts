/**
 * The SigLIP 2 B/16 text tower (SiglipTextModel): `input_ids` int64 [batch_size, 64] (no attention mask:
 * the model was trained on sequences padded to 64 with id 0 and attends over the padding) → Gemma token
 * embeddings (256,000 × 768) plus position embeddings → 12 layers → final LN → the last position → a biased
 * 768×768 head → `pooler_output` [batch_size,768]; `last_hidden_state` [batch_size,64,768] as well.
 */
import { attr, type GraphSpec } from '../onnx/onnx-writer.ts';
import type { Precision } from '../clip-twin/graph-builder.ts';
import { tokenAndPositionEmbeddings } from '../clip-twin/text-tower.ts';
import { SIGLIP2_EMBEDDING_DIM, SIGLIP2_TEXT } from './architecture.ts';
import { SiglipGraphBuilder } from './siglip-builder.ts';
import { encoderLayer } from './transformer.ts';

export function siglipTextGraph(precision: Precision, seed: number): { graph: GraphSpec; parameters: number } {
  const b = new SiglipGraphBuilder(precision, seed);
  const { width } = SIGLIP2_TEXT;
  let x = tokenAndPositionEmbeddings(b, SIGLIP2_TEXT).embedded;
  for (let layer = 0; layer < SIGLIP2_TEXT.layers; layer++)
    x = encoderLayer(b, x, `text_model.encoder.layers.${layer}`, SIGLIP2_TEXT);
  const hidden = b.layerNorm(x, 'text_model.final_layer_norm', width);
  b.op('Identity', [hidden], 'text_model', undefined, 'last_hidden_state');
  const last = b.op('Gather', [hidden, b.constant('text_model.last_index', [], BigInt64Array.of(-1n))], 'text_model', {
    axis: attr.int(1),
  });
  b.linear(last, 'text_model.head', width, SIGLIP2_EMBEDDING_DIM, width ** -0.5, { output: 'pooler_output' });
  return {
    parameters: b.parameters,
    graph: {
      name: 'main_graph',
      docString:
        'Eidos architecture twin of SigLIP 2 B/16 (text): the real layout with pseudo-random weights; no real semantics.',
      inputs: [{ name: 'input_ids', elemType: 'int64', dims: ['batch_size', 'sequence_length'] }],
      outputs: [
        { name: 'last_hidden_state', elemType: 'float32', dims: ['batch_size', 'sequence_length', width] },
        { name: 'pooler_output', elemType: 'float32', dims: ['batch_size', SIGLIP2_EMBEDDING_DIM] },
      ],
      initializers: b.initializers,
      nodes: b.nodes,
    },
  };
}
