/**
 * One CLIP encoder layer (Hugging Face CLIPEncoderLayer): pre-LN self-attention and a quick-GELU MLP,
 * each added back to the residual stream. Attention as CLIPAttention exports it: q scaled by
 * head_dim^-½, heads split by Reshape + Transpose, softmax(q·kᵀ + bias)·v, heads joined, out-projection.
 */
import { attr } from '../onnx/onnx-writer.ts';
import type { TowerShape } from './architecture.ts';
import type { GraphBuilder } from './graph-builder.ts';

function attention(b: GraphBuilder, x: string, name: string, shape: TowerShape, bias: string | undefined): string {
  const { width, heads, layers } = shape;
  const headDim = width / heads;
  const inStd = width ** -0.5 * (2 * layers) ** -0.5;
  const split = b.ints(`${name}.split_heads_shape`, [0, 0, heads, headDim]);
  const heads4d = (t: string, perm: number[]): string =>
    b.op('Transpose', [b.op('Reshape', [t, split], name)], name, { perm: attr.ints(perm) });
  const q = b.op(
    'Mul',
    [b.linear(x, `${name}.q_proj`, width, width, inStd), b.scalar(`${name}.scale`, headDim ** -0.5)],
    name,
  );
  const k = b.linear(x, `${name}.k_proj`, width, width, inStd);
  const v = b.linear(x, `${name}.v_proj`, width, width, inStd);
  let scores = b.op('MatMul', [heads4d(q, [0, 2, 1, 3]), heads4d(k, [0, 2, 3, 1])], name);
  if (bias) scores = b.op('Add', [scores, bias], name);
  const weights = b.op('Softmax', [scores], name, { axis: attr.int(-1) });
  const context = b.op('MatMul', [weights, heads4d(v, [0, 2, 1, 3])], name);
  const joined = b.op(
    'Reshape',
    [
      b.op('Transpose', [context], name, { perm: attr.ints([0, 2, 1, 3]) }),
      b.ints(`${name}.join_heads_shape`, [0, 0, width]),
    ],
    name,
  );
  return b.linear(joined, `${name}.out_proj`, width, width, width ** -0.5);
}

/** The MLP's activation: quick-GELU in OpenAI CLIP, exact (erf) GELU in open_clip models such as MobileCLIP2. */
export type Activation = 'quick-gelu' | 'gelu';

function mlp(b: GraphBuilder, x: string, name: string, shape: TowerShape, activation: Activation): string {
  const { width, intermediate, layers } = shape;
  const fc1 = b.linear(x, `${name}.fc1`, width, intermediate, (2 * width) ** -0.5);
  const hidden = activation === 'gelu' ? b.gelu(fc1, name) : b.quickGelu(fc1, name);
  return b.linear(hidden, `${name}.fc2`, intermediate, width, width ** -0.5 * (2 * layers) ** -0.5);
}

/** `bias` is added to the attention scores (the text tower's causal and padding mask). */
export function encoderLayer(
  b: GraphBuilder,
  x: string,
  name: string,
  shape: TowerShape,
  bias?: string,
  activation: Activation = 'quick-gelu',
): string {
  const afterAttention = b.op(
    'Add',
    [x, attention(b, b.layerNorm(x, `${name}.layer_norm1`, shape.width), `${name}.self_attn`, shape, bias)],
    name,
  );
  return b.op(
    'Add',
    [
      afterAttention,
      mlp(b, b.layerNorm(afterAttention, `${name}.layer_norm2`, shape.width), `${name}.mlp`, shape, activation),
    ],
    name,
  );
}
