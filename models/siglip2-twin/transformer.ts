/**
 * One SigLIP encoder layer (Hugging Face SiglipEncoderLayer): pre-LN self-attention without a mask and a
 * tanh-GELU MLP, each added back to the residual stream. Attention as SiglipAttention exports it: q, k, v
 * projections with biases, heads split by Reshape + Transpose, softmax(q·kᵀ·head_dim^-½)·v, heads joined,
 * out-projection. The same attention serves the image tower's pooling head, whose query is one probe token.
 */
import { attr } from '../onnx/onnx-writer.ts';
import type { SiglipTowerShape } from './architecture.ts';
import type { SiglipGraphBuilder } from './siglip-builder.ts';

/** Multi-head attention of `query` over `keys` ([batch, tokens, width] each). */
export function attention(
  b: SiglipGraphBuilder,
  query: string,
  keys: string,
  name: string,
  shape: SiglipTowerShape,
): string {
  const { width, heads, layers } = shape;
  const headDim = width / heads;
  const inStd = width ** -0.5 * (2 * layers) ** -0.5;
  const split = b.ints(`${name}.split_heads_shape`, [0, -1, heads, headDim]);
  const heads4d = (t: string, perm: number[]): string =>
    b.op('Transpose', [b.op('Reshape', [t, split], name)], name, { perm: attr.ints(perm) });
  const q = b.linear(query, `${name}.q_proj`, width, width, inStd);
  const k = b.linear(keys, `${name}.k_proj`, width, width, inStd);
  const v = b.linear(keys, `${name}.v_proj`, width, width, inStd);
  const scores = b.op(
    'Mul',
    [
      b.op('MatMul', [heads4d(q, [0, 2, 1, 3]), heads4d(k, [0, 2, 3, 1])], name),
      b.scalar(`${name}.scale`, headDim ** -0.5),
    ],
    name,
  );
  const weights = b.op('Softmax', [scores], name, { axis: attr.int(-1) });
  const context = b.op('MatMul', [weights, heads4d(v, [0, 2, 1, 3])], name);
  const joined = b.op(
    'Reshape',
    [
      b.op('Transpose', [context], name, { perm: attr.ints([0, 2, 1, 3]) }),
      b.ints(`${name}.join_heads_shape`, [0, -1, width]),
    ],
    name,
  );
  return b.linear(joined, `${name}.out_proj`, width, width, width ** -0.5);
}

export function mlp(b: SiglipGraphBuilder, x: string, name: string, shape: SiglipTowerShape): string {
  const { width, intermediate, layers } = shape;
  const hidden = b.geluTanh(b.linear(x, `${name}.fc1`, width, intermediate, (2 * width) ** -0.5), name);
  return b.linear(hidden, `${name}.fc2`, intermediate, width, width ** -0.5 * (2 * layers) ** -0.5);
}

export function encoderLayer(b: SiglipGraphBuilder, x: string, name: string, shape: SiglipTowerShape): string {
  const normed = b.layerNorm(x, `${name}.layer_norm1`, shape.width);
  const afterAttention = b.op('Add', [x, attention(b, normed, normed, `${name}.self_attn`, shape)], name);
  const mlpOut = mlp(b, b.layerNorm(afterAttention, `${name}.layer_norm2`, shape.width), `${name}.mlp`, shape);
  return b.op('Add', [afterAttention, mlpOut], name);
}
