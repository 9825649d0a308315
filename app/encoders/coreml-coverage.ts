/**
 * Which ONNX operators onnxruntime's Core ML execution provider runs in its ML Program format (the
 * format Eidos asks for, CREATE_MLPROGRAM), from onnxruntime's "CoreML Execution Provider: Supported
 * operators" list (https://onnxruntime.ai/docs/execution-providers/CoreML-ExecutionProvider.html).
 * An operator outside it runs on the CPU, and every switch splits the graph into another partition
 * with copies between the two. The integer ops of a dynamically quantised export
 * (DynamicQuantizeLinear, MatMulInteger, ConvInteger) are all outside it: that is why a Mac installs
 * a float model by default (models/platform-default.ts).
 */
export const CORE_ML_PROGRAM_OPS: ReadonlySet<string> = new Set([
  'Add',
  'ArgMax',
  'AveragePool',
  'BatchNormalization',
  'Cast',
  'Clip',
  'Concat',
  'Conv',
  'ConvTranspose',
  'DepthToSpace',
  'Div',
  'Erf',
  'Gather',
  'Gemm',
  'Gelu',
  'GlobalAveragePool',
  'GlobalMaxPool',
  'GridSample',
  'GroupNormalization',
  'InstanceNormalization',
  'LayerNormalization',
  'LeakyRelu',
  'MatMul',
  'Max',
  'MaxPool',
  'Mul',
  'Pow',
  'PRelu',
  'Reciprocal',
  'ReduceMax',
  'ReduceMean',
  'ReduceSum',
  'Relu',
  'Reshape',
  'Resize',
  'Round',
  'Shape',
  'Sigmoid',
  'Slice',
  'Softmax',
  'Split',
  'Sqrt',
  'Squeeze',
  'Sub',
  'Tanh',
  'Transpose',
  'Unsqueeze',
]);

export interface CoreMlCoverage {
  /** Nodes Core ML can run, of all nodes. */
  covered: number;
  total: number;
  /** Op types it cannot run, with their node counts. */
  unsupported: Record<string, number>;
}

/** Coverage of a graph given its op-type counts (onnx-inspect's `opTypes`). */
export function coreMlCoverage(opTypes: Record<string, number>): CoreMlCoverage {
  let covered = 0;
  let total = 0;
  const unsupported: Record<string, number> = {};
  for (const [op, count] of Object.entries(opTypes)) {
    total += count;
    if (CORE_ML_PROGRAM_OPS.has(op)) covered += count;
    else unsupported[op] = count;
  }
  return { covered, total, unsupported };
}
