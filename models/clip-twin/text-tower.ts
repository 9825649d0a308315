/**
 * The parts of a text tower that more than one twin builds alike: token + position embeddings in the
 * Hugging Face export's layout (`text_model.embeddings.*`; CLIP, SigLIP 2), the causal attention mask
 * (CLIP, MobileCLIP2), and pooling at the end-of-text token followed by the projection (CLIP,
 * MobileCLIP2). Shared so the node and weight names, and the order in which the seeded weights are
 * made, are one definition: the twins' bytes are pinned in models/manifest.json.
 */
import { attr } from '../onnx/onnx-writer.ts';
import type { GraphBuilder } from './graph-builder.ts';

/** Added to masked-out attention scores: exp underflows to exactly 0 against any real score. */
export const MASKED = -1e9;

/**
 * Token embeddings plus the first `sequence_length` rows of the position embeddings (a Slice on the
 * input's length, so the batch's sequence length may be shorter than `context`). Returns the sum and
 * the length (a 1-element int64 tensor) for masks that need it.
 */
export function tokenAndPositionEmbeddings(
  b: GraphBuilder,
  shape: { width: number; vocab: number; context: number },
): { embedded: string; length: string } {
  const { width, vocab, context } = shape;
  const scope = 'text_model.embeddings';
  const length = b.op(
    'Slice',
    [b.op('Shape', ['input_ids'], scope), b.ints(`${scope}.one`, [1]), b.ints(`${scope}.two`, [2])],
    scope,
  );
  const tokens = b.embedding('input_ids', `${scope}.token_embedding`, vocab, width, 0.02);
  const positions = b.op(
    'Slice',
    [
      b.weight(`${scope}.position_embedding.weight`, [context, width], 0.01),
      b.ints(`${scope}.zero`, [0]),
      length,
      b.ints(`${scope}.axis0`, [0]),
    ],
    scope,
  );
  return { embedded: b.op('Add', [tokens, positions], scope), length };
}

/** [context, context] row-major: 0 where a token may attend (itself and those before), MASKED after. */
export function causalMaskValues(context: number): Float32Array {
  const causal = new Float32Array(context * context);
  for (let row = 0; row < context; row++)
    for (let col = row + 1; col < context; col++) causal[row * context + col] = MASKED;
  return causal;
}

/**
 * Each row of `x` [batch, len, width] at its end-of-text token, found as the largest id of `input_ids`
 * (end-of-text is the vocabulary's largest), projected without bias to `projectionDim` as `text_embeds`.
 * `selectLastIndex`: take the last position holding that id (ArgMax's select_last_index, as open_clip's
 * export does) rather than the first.
 */
export function poolEndOfTextAndProject(
  b: GraphBuilder,
  x: string,
  scope: string,
  shape: { width: number; projectionDim: number; selectLastIndex: boolean },
): string {
  const { width, projectionDim, selectLastIndex } = shape;
  const endToken = b.op('ArgMax', [b.op('Cast', ['input_ids'], scope, { to: attr.int(6) })], scope, {
    axis: attr.int(-1),
    keepdims: attr.int(1),
    ...(selectLastIndex ? { select_last_index: attr.int(1) } : {}),
  });
  const pooled = b.op('GatherND', [x, endToken], scope, { batch_dims: attr.int(1) });
  return b.linear(pooled, 'text_projection', width, projectionDim, width ** -0.5, {
    bias: false,
    output: 'text_embeds',
  });
}
