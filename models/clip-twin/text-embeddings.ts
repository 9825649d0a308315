/**
 * The parts of a text tower's input that the CLIP and SigLIP 2 twins build alike, in the Hugging Face
 * export's layout (`text_model.embeddings.*`), and the causal attention mask of CLIP-style text towers.
 * Shared so the node and weight names, and the order in which the seeded weights are made, are one
 * definition: the twins' bytes are pinned in models/manifest.json.
 */
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
