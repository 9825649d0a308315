/**
 * Small but real ONNX towers with a CLIP export's signature (for import tests), written by the project's
 * ONNX writer: vision `pixel_values` [batch,3,size,size] → mean colour → `image_embeds` [batch,dim];
 * text `input_ids`, `attention_mask` [batch,77] → `text_embeds` [batch,dim]. `seed` changes the
 * weights (so two models differ); `signature` overrides names or dims to build wrong ones.
 */
import { attr, encodeModel, type NodeSpec, type ValueInfoSpec } from '../../../../models/onnx/onnx-writer.ts';

export interface TinyOptions {
  seed?: number;
  size?: number;
  dim?: number;
  input?: Partial<ValueInfoSpec>;
  output?: Partial<ValueInfoSpec>;
}

const weights = (seed: number, n: number): Float32Array =>
  Float32Array.from({ length: n }, (_, i) => Math.sin(seed * 7.1 + i));

export function tinyOnnx(role: 'vision' | 'text', options: TinyOptions = {}): Buffer {
  const { seed = 1, size = 8, dim = 4 } = options;
  const vision = role === 'vision';
  const input: ValueInfoSpec = vision
    ? { name: 'pixel_values', elemType: 'float32', dims: ['batch_size', 3, size, size], ...options.input }
    : { name: 'input_ids', elemType: 'int64', dims: ['batch_size', 'sequence_length'], ...options.input };
  const output: ValueInfoSpec = {
    name: vision ? 'image_embeds' : 'text_embeds',
    elemType: 'float32',
    dims: ['batch_size', dim],
    ...options.output,
  };
  const features = vision ? 3 : 1;
  const first: NodeSpec = vision
    ? {
        opType: 'ReduceMean',
        inputs: [input.name],
        outputs: ['features'],
        attributes: { axes: attr.ints([2, 3]), keepdims: attr.int(0) },
      }
    : { opType: 'Cast', inputs: [input.name], outputs: ['features_all'], attributes: { to: attr.int(1) } };
  const nodes: NodeSpec[] = vision
    ? [first, { opType: 'MatMul', inputs: ['features', 'w'], outputs: [output.name] }]
    : [
        first,
        {
          opType: 'ReduceMean',
          inputs: ['features_all'],
          outputs: ['features'],
          attributes: { axes: attr.ints([1]), keepdims: attr.int(1) },
        },
        { opType: 'MatMul', inputs: ['features', 'w'], outputs: [output.name] },
      ];
  const inputs = vision ? [input] : [input, { name: 'attention_mask', elemType: 'int64' as const, dims: input.dims }];
  return Buffer.from(
    encodeModel({
      producerName: 'eidos-test',
      producerVersion: '0',
      graph: {
        name: `tiny_${role}`,
        inputs,
        outputs: [output],
        initializers: [{ name: 'w', dims: [features, dim], data: weights(seed, features * dim) }],
        nodes,
      },
    }),
  );
}
