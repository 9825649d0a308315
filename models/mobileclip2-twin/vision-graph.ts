/**
 * The MCi2 image tower of MobileCLIP2-S2 in inference form (every MobileOne / RepMixer / RepCPE branch
 * reparameterised into one convolution, each BatchNorm after a convolution folded into its bias, as
 * PyTorch's exporter does in eval mode): `pixel_values` [batch_size,3,256,256] → stem (3×3 s2, depthwise
 * 3×3 s2, 1×1; 64×64×80) → stages of 4, 12 and 24 RepMixer blocks at 80, 160 and 320 channels with
 * stride-2 depthwise 7×7 patch embeddings between them → a depthwise 7×7 positional convolution and 4
 * attention blocks at 640 channels on 8×8 tokens (BatchNorm, 20 heads of 32) → grouped 3×3 expansion to
 * 1280 with squeeze-excitation → global average pool → projection to 512 → `image_embeds`.
 * GELU is exact (erf), as PyTorch exports it below opset 20.
 */
import { attr, type GraphSpec } from '../onnx/onnx-writer.ts';
import { GraphBuilder } from '../clip-twin/graph-builder.ts';
import { uniformWeights } from '../clip-twin/weights.ts';
import { MCI2, MCI_HEAD_DIM, MCI_MLP_RATIO, MCI_SE_RATIO, PROJECTION_DIM, type MciShape } from './architecture.ts';

interface ConvOptions {
  kernel: number;
  stride?: number;
  groups?: number;
  bias?: boolean;
}

/**
 * Conv2d with "same" padding for odd kernels; weights at He's scale √(2/fan-in), so GELU stages keep
 * the signal's variance (at √(1/fan-in) the photo's contribution faded to nothing by the head and every
 * photo embedded alike).
 */
function conv(b: GraphBuilder, x: string, name: string, cin: number, cout: number, options: ConvOptions): string {
  const { kernel, stride = 1, groups = 1, bias = true } = options;
  const fanIn = (cin / groups) * kernel * kernel;
  const weight = b.weight(`${name}.weight`, [cout, cin / groups, kernel, kernel], Math.sqrt(2 / fanIn));
  const inputs = bias ? [x, weight, b.weight(`${name}.bias`, [cout], 0.02)] : [x, weight];
  const pad = Math.floor(kernel / 2);
  return b.op('Conv', inputs, name, {
    kernel_shape: attr.ints([kernel, kernel]),
    strides: attr.ints([stride, stride]),
    pads: attr.ints([pad, pad, pad, pad]),
    group: attr.int(groups),
    dilations: attr.ints([1, 1]),
  });
}

/**
 * A depthwise convolution that is the identity plus a learnt residual kernel: what RepMixer's and
 * RepCPE's reparameterisation folds their skip connections into (the `id_tensor` plus the branches).
 */
function identityDepthwise(
  b: GraphBuilder,
  x: string,
  name: string,
  channels: number,
  kernel: number,
  seed: number,
): string {
  const dims = [channels, 1, kernel, kernel];
  const count = channels * kernel * kernel;
  const centre = Math.floor(kernel / 2) * kernel + Math.floor(kernel / 2);
  b.parameters += count;
  const weight = `${name}.weight`;
  b.initializers.push({
    name: weight,
    dims,
    data: {
      elemType: 'float32',
      produce: () => {
        const w = uniformWeights(seed, weight, count, 0.02);
        for (let c = 0; c < channels; c++) w[c * kernel * kernel + centre]! += 1;
        return w;
      },
    },
  });
  const pad = Math.floor(kernel / 2);
  return b.op('Conv', [x, weight, b.weight(`${name}.bias`, [channels], 0.02)], name, {
    kernel_shape: attr.ints([kernel, kernel]),
    strides: attr.ints([1, 1]),
    pads: attr.ints([pad, pad, pad, pad]),
    group: attr.int(channels),
    dilations: attr.ints([1, 1]),
  });
}

/** mobileone SEBlock: global average → 1×1 reduce → ReLU → 1×1 expand → sigmoid → scale the input. */
function squeezeExcite(b: GraphBuilder, x: string, name: string, channels: number): string {
  const reduced = Math.floor(channels * MCI_SE_RATIO);
  const pooled = b.op('GlobalAveragePool', [x], name);
  const squeezed = b.op('Relu', [conv(b, pooled, `${name}.reduce`, channels, reduced, { kernel: 1 })], name);
  const gate = b.op('Sigmoid', [conv(b, squeezed, `${name}.expand`, reduced, channels, { kernel: 1 })], name);
  return b.op('Mul', [x, gate], name);
}

/** x + layer_scale · f(x), layer_scale a learnt [c,1,1] tensor. */
function scaledResidual(b: GraphBuilder, x: string, fx: string, name: string, channels: number): string {
  const scale = b.weight(`${name}.layer_scale`, [channels, 1, 1], 0.02, 0.1);
  return b.op('Add', [x, b.op('Mul', [fx, scale], name)], name);
}

/** ConvFFN: depthwise 7×7 (BatchNorm folded) → 1×1 up → GELU → 1×1 down. */
function convFfn(b: GraphBuilder, x: string, name: string, channels: number): string {
  const hidden = channels * MCI_MLP_RATIO;
  const spatial = conv(b, x, `${name}.conv`, channels, channels, { kernel: 7, groups: channels });
  const up = b.gelu(conv(b, spatial, `${name}.fc1`, channels, hidden, { kernel: 1 }), `${name}.act`);
  return conv(b, up, `${name}.fc2`, hidden, channels, { kernel: 1 });
}

function repMixerBlock(b: GraphBuilder, x: string, name: string, channels: number, seed: number): string {
  // RepMixer reparameterised: x + ls·(mixer(x) − norm(x)) is one depthwise 3×3 convolution with bias.
  const mixed = identityDepthwise(b, x, `${name}.token_mixer.reparam_conv`, channels, 3, seed);
  return scaledResidual(b, mixed, convFfn(b, mixed, `${name}.convffn`, channels), `${name}.ffn`, channels);
}

/** MHSA over the h×w tokens of a [batch, c, h, w] map (qkv without bias, 32-wide heads), back to the map. */
function attention(b: GraphBuilder, x: string, name: string, channels: number, side: number): string {
  const heads = channels / MCI_HEAD_DIM;
  const tokens = b.op(
    'Transpose',
    [b.op('Reshape', [x, b.ints(`${name}.flatten_shape`, [0, channels, -1])], name)],
    name,
    { perm: attr.ints([0, 2, 1]) },
  );
  const qkv = b.op(
    'MatMul',
    [tokens, b.weight(`${name}.qkv.weight`, [channels, 3 * channels], channels ** -0.5)],
    name,
  );
  const split = b.op(
    'Transpose',
    [b.op('Reshape', [qkv, b.ints(`${name}.qkv_shape`, [0, -1, 3, heads, MCI_HEAD_DIM])], name)],
    name,
    { perm: attr.ints([2, 0, 3, 1, 4]) },
  );
  const part = (i: number): string =>
    b.op('Gather', [split, b.constant(`${name}.index_${i}`, [], BigInt64Array.of(BigInt(i)))], name, {
      axis: attr.int(0),
    });
  const q = b.op('Mul', [part(0), b.scalar(`${name}.scale`, MCI_HEAD_DIM ** -0.5)], name);
  const k = b.op('Transpose', [part(1)], name, { perm: attr.ints([0, 1, 3, 2]) });
  const weights = b.op('Softmax', [b.op('MatMul', [q, k], name)], name, { axis: attr.int(-1) });
  const context = b.op('MatMul', [weights, part(2)], name);
  const joined = b.op(
    'Reshape',
    [
      b.op('Transpose', [context], name, { perm: attr.ints([0, 2, 1, 3]) }),
      b.ints(`${name}.join_shape`, [0, -1, channels]),
    ],
    name,
  );
  const projected = b.op(
    'Add',
    [
      b.op('MatMul', [joined, b.weight(`${name}.proj.weight`, [channels, channels], channels ** -0.5)], name),
      b.weight(`${name}.proj.bias`, [channels], 0.02),
    ],
    name,
  );
  return b.op(
    'Reshape',
    [
      b.op('Transpose', [projected], name, { perm: attr.ints([0, 2, 1]) }),
      b.ints(`${name}.map_shape`, [0, channels, side, side]),
    ],
    name,
  );
}

function attentionBlock(b: GraphBuilder, x: string, name: string, channels: number, side: number): string {
  const norm = b.op(
    'BatchNormalization',
    [
      x,
      b.weight(`${name}.norm.weight`, [channels], 0.1, 1),
      b.weight(`${name}.norm.bias`, [channels], 0.02),
      b.weight(`${name}.norm.running_mean`, [channels], 0.02),
      b.weight(`${name}.norm.running_var`, [channels], 0.1, 1),
    ],
    name,
    { epsilon: attr.float(1e-5) },
  );
  const afterAttention = scaledResidual(
    b,
    x,
    attention(b, norm, `${name}.token_mixer`, channels, side),
    `${name}.mixer`,
    channels,
  );
  return scaledResidual(
    b,
    afterAttention,
    convFfn(b, afterAttention, `${name}.convffn`, channels),
    `${name}.ffn`,
    channels,
  );
}

/** Stride-2 depthwise 7×7 (with SE where MCi2 has it) → GELU → 1×1 → GELU. */
function patchEmbed(b: GraphBuilder, x: string, name: string, cin: number, cout: number, se: boolean): string {
  let y = conv(b, x, `${name}.lkb_reparam`, cin, cout, { kernel: 7, stride: 2, groups: cin });
  if (se) y = squeezeExcite(b, y, `${name}.se`, cout);
  y = b.gelu(y, `${name}.act0`);
  return b.gelu(conv(b, y, `${name}.pointwise`, cout, cout, { kernel: 1 }), `${name}.act1`);
}

export function visionGraph(seed: number, shape: MciShape = MCI2): { graph: GraphSpec; parameters: number } {
  const b = new GraphBuilder('fp32', seed);
  const { widths, layers, imageSize } = shape;
  const w0 = widths[0]!;
  const w3 = widths[widths.length - 1]!;
  let x = b.gelu(conv(b, 'pixel_values', 'stem.0', 3, w0, { kernel: 3, stride: 2 }), 'stem.0');
  x = b.gelu(conv(b, x, 'stem.1', w0, w0, { kernel: 3, stride: 2, groups: w0 }), 'stem.1');
  x = b.gelu(conv(b, x, 'stem.2', w0, w0, { kernel: 1 }), 'stem.2');
  let side = imageSize / 4;
  for (let stage = 0; stage < layers.length; stage++) {
    const width = widths[stage] as number;
    if (stage > 0) {
      x = patchEmbed(
        b,
        x,
        `stages.${stage}.downsample`,
        widths[stage - 1] as number,
        width,
        shape.seDownsamples[stage]!,
      );
      side /= 2;
    }
    const attentionStage = stage === layers.length - 1;
    // RepCPE, reparameterised: one depthwise 7×7 convolution (identity folded in) before the attention stage.
    if (attentionStage) x = identityDepthwise(b, x, `stages.${stage}.pos_emb.reparam_conv`, width, 7, seed);
    for (let block = 0; block < (layers[stage] as number); block++) {
      const name = `stages.${stage}.blocks.${block}`;
      x = attentionStage ? attentionBlock(b, x, name, width, side) : repMixerBlock(b, x, name, width, seed);
    }
  }
  const expanded = shape.clsRatio * w3;
  x = conv(b, x, 'conv_exp', w3, expanded, { kernel: 3, groups: w3 });
  x = b.gelu(squeezeExcite(b, x, 'conv_exp.se', expanded), 'conv_exp');
  const pooled = b.op(
    'Reshape',
    [b.op('GlobalAveragePool', [x], 'head'), b.ints('head.flatten_shape', [0, -1])],
    'head',
  );
  b.op(
    'MatMul',
    [pooled, b.weight('head.proj', [expanded, PROJECTION_DIM], expanded ** -0.5)],
    'head',
    undefined,
    'image_embeds',
  );
  return {
    parameters: b.parameters,
    graph: {
      name: 'main_graph',
      docString: `Eidos architecture twin of MobileCLIP2-${shape === MCI2 ? 'S2 (image, MCi2)' : 'S0 (image, MCi0)'}: the real layout with pseudo-random weights; no real semantics.`,
      inputs: [{ name: 'pixel_values', elemType: 'float32', dims: ['batch_size', 3, imageSize, imageSize] }],
      outputs: [{ name: 'image_embeds', elemType: 'float32', dims: ['batch_size', PROJECTION_DIM] }],
      initializers: b.initializers,
      nodes: b.nodes,
    },
  };
}
