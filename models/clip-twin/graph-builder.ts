/**
 * Builds a CLIP tower graph node by node, in the op vocabulary of a PyTorch ONNX export at opset 14
 * (LayerNorm as ReduceMean/Sub/Pow/Sqrt/Div, quick-GELU as x·sigmoid(1.702x)), in fp32 or in the int8
 * form onnxruntime's `quantize_dynamic` writes (the Xenova `*_quantized.onnx` files): each constant
 * MatMul becomes DynamicQuantizeLinear → MatMulInteger → Cast → Mul by the two scales, the patch Conv
 * becomes ConvInteger, and the token embedding a uint8 Gather followed by DequantizeLinear. One
 * DynamicQuantizeLinear serves every MatMul that reads the same activation (q, k and v), as there.
 * Weights are lazy: they are made while the file is written (onnx-writer.ts).
 */
import { attr, type AttributeValue, type NodeSpec, type TensorData, type TensorSpec } from '../onnx/onnx-writer.ts';
import { LAYER_NORM_EPS } from './architecture.ts';
import { quantizePerColumn, quantizePerTensor, uniformWeights, type Quantized } from './weights.ts';

export type Precision = 'fp32' | 'int8';

/** Runs `make` once, hands the result to `uses` consumers, then lets it go (so memory holds one tensor at a time). */
function sharedOnce<T>(make: () => T, uses: number): () => T {
  let value: T | undefined;
  let left = uses;
  return () => {
    value ??= make();
    const result = value;
    if (--left === 0) value = undefined;
    return result;
  };
}

export class GraphBuilder {
  readonly nodes: NodeSpec[] = [];
  readonly initializers: TensorSpec[] = [];
  /** Trainable parameters (counted in fp32 terms, whatever the precision). */
  parameters = 0;
  private counter = 0;
  private readonly quantizedInputs = new Map<string, { q: string; scale: string; zeroPoint: string }>();

  constructor(
    readonly precision: Precision,
    private readonly seed: number,
  ) {}

  /** Adds one node; returns its output (named after `scope` unless `output` is given). */
  op(
    opType: string,
    inputs: readonly string[],
    scope: string,
    attributes?: Record<string, AttributeValue>,
    output?: string,
  ): string {
    const out = output ?? `${scope}/${opType}_${this.counter++}_output_0`;
    this.nodes.push({
      opType,
      inputs,
      outputs: [out],
      name: `${scope}/${opType}_${this.counter}`,
      ...(attributes ? { attributes } : {}),
    });
    return out;
  }

  constant(name: string, dims: readonly number[], data: TensorData): string {
    this.initializers.push({ name, dims, data });
    return name;
  }

  /** A trainable fp32 tensor of seeded uniform values with this std around `mean`. */
  weight(name: string, dims: readonly number[], std: number, mean = 0): string {
    const count = dims.reduce((a, b) => a * b, 1);
    this.parameters += count;
    this.initializers.push({
      name,
      dims,
      data: { elemType: 'float32', produce: () => uniformWeights(this.seed, name, count, std, mean) },
    });
    return name;
  }

  /** A trainable weight stored quantised: adds data, scale and zero point initializers sharing one quantisation. */
  private quantizedWeight(
    name: string,
    dims: readonly number[],
    std: number,
    quantize: (v: Float32Array) => Quantized,
    scaleDims: readonly number[],
  ): { q: string; scale: string; zeroPoint: string } {
    const count = dims.reduce((a, b) => a * b, 1);
    this.parameters += count;
    const shared = sharedOnce(() => quantize(uniformWeights(this.seed, name, count, std)), 3);
    const q = `${name}_quantized`;
    const scale = `${name}_scale`;
    const zeroPoint = `${name}_zero_point`;
    this.initializers.push(
      { name: q, dims, data: { elemType: 'uint8', produce: () => shared().data } },
      { name: scale, dims: scaleDims, data: { elemType: 'float32', produce: () => shared().scale } },
      { name: zeroPoint, dims: scaleDims, data: { elemType: 'uint8', produce: () => shared().zeroPoint } },
    );
    return { q, scale, zeroPoint };
  }

  private quantizeInput(x: string, scope: string): { q: string; scale: string; zeroPoint: string } {
    let quantized = this.quantizedInputs.get(x);
    if (!quantized) {
      const base = `${x}_quantized`;
      quantized = { q: base, scale: `${x}_scale`, zeroPoint: `${x}_zero_point` };
      this.nodes.push({
        opType: 'DynamicQuantizeLinear',
        inputs: [x],
        outputs: [quantized.q, quantized.scale, quantized.zeroPoint],
        name: `${scope}/${x}_QuantizeLinear`,
      });
      this.quantizedInputs.set(x, quantized);
    }
    return quantized;
  }

  /** int32 accumulator × (input scale · weight scale) → float. */
  private dequantize(accumulator: string, inputScale: string, weightScale: string, scope: string): string {
    const asFloat = this.op('Cast', [accumulator], scope, { to: attr.int(1) });
    const scale = this.op('Mul', [inputScale, weightScale], scope);
    return this.op('Mul', [asFloat, scale], scope);
  }

  /** y = x·W (+ b) with W [inDim, outDim] (a PyTorch Linear exported as MatMul + Add). */
  linear(
    x: string,
    name: string,
    inDim: number,
    outDim: number,
    std: number,
    options: { bias?: boolean; output?: string } = {},
  ): string {
    const bias = options.bias ?? true;
    let y: string;
    if (this.precision === 'fp32') {
      y = this.op(
        'MatMul',
        [x, this.weight(`${name}.weight`, [inDim, outDim], std)],
        name,
        undefined,
        bias ? undefined : options.output,
      );
    } else {
      const input = this.quantizeInput(x, name);
      const w = this.quantizedWeight(
        `${name}.weight`,
        [inDim, outDim],
        std,
        (v) => quantizePerColumn(v, inDim, outDim),
        [outDim],
      );
      const accumulator = this.op('MatMulInteger', [input.q, w.q, input.zeroPoint, w.zeroPoint], name);
      const scaled = this.dequantize(accumulator, input.scale, w.scale, name);
      y = bias ? scaled : this.op('Identity', [scaled], name, undefined, options.output);
    }
    return bias ? this.op('Add', [y, this.weight(`${name}.bias`, [outDim], 0.02)], name, undefined, options.output) : y;
  }

  /** Non-overlapping square patches: Conv with kernel = stride = `patch`, no bias. */
  patchConv(x: string, name: string, channels: number, width: number, patch: number, std: number): string {
    const dims = [width, channels, patch, patch];
    const attributes = { kernel_shape: attr.ints([patch, patch]), strides: attr.ints([patch, patch]) };
    if (this.precision === 'fp32')
      return this.op('Conv', [x, this.weight(`${name}.weight`, dims, std)], name, attributes);
    const input = this.quantizeInput(x, name);
    const w = this.quantizedWeight(`${name}.weight`, dims, std, quantizePerTensor, []);
    const accumulator = this.op('ConvInteger', [input.q, w.q, input.zeroPoint, w.zeroPoint], name, attributes);
    return this.dequantize(accumulator, input.scale, w.scale, name);
  }

  /** Rows of a [rows, cols] table picked by integer ids. */
  embedding(ids: string, name: string, rows: number, cols: number, std: number): string {
    if (this.precision === 'fp32')
      return this.op('Gather', [this.weight(`${name}.weight`, [rows, cols], std), ids], name, { axis: attr.int(0) });
    const w = this.quantizedWeight(`${name}.weight`, [rows, cols], std, quantizePerTensor, []);
    const picked = this.op('Gather', [w.q, ids], name, { axis: attr.int(0) });
    return this.op('DequantizeLinear', [picked, w.scale, w.zeroPoint], name);
  }

  /** LayerNorm over the last axis, as PyTorch exports it below opset 17. */
  layerNorm(x: string, name: string, dim: number): string {
    const axes = { axes: attr.ints([-1]) };
    const mean = this.op('ReduceMean', [x], name, axes);
    const centred = this.op('Sub', [x, mean], name);
    const squared = this.op('Pow', [centred, this.scalar(`${name}.two`, 2)], name);
    const variance = this.op('ReduceMean', [squared], name, axes);
    const std = this.op('Sqrt', [this.op('Add', [variance, this.scalar(`${name}.eps`, LAYER_NORM_EPS)], name)], name);
    const normalised = this.op('Div', [centred, std], name);
    const scaled = this.op('Mul', [normalised, this.weight(`${name}.weight`, [dim], 0.1, 1)], name);
    return this.op('Add', [scaled, this.weight(`${name}.bias`, [dim], 0.02)], name);
  }

  /** quick-GELU: x · sigmoid(1.702 x) (CLIP's activation). */
  quickGelu(x: string, name: string): string {
    const gate = this.op('Sigmoid', [this.op('Mul', [x, this.scalar(`${name}.quick_gelu_factor`, 1.702)], name)], name);
    return this.op('Mul', [x, gate], name);
  }

  /** Exact GELU as PyTorch exports it below opset 20: x · ½ · (1 + erf(x / √2)). */
  gelu(x: string, name: string): string {
    const erf = this.op('Erf', [this.op('Div', [x, this.scalar(`${name}.sqrt_two`, Math.SQRT2)], name)], name);
    const gate = this.op('Add', [erf, this.scalar(`${name}.one`, 1)], name);
    return this.op('Mul', [this.op('Mul', [x, gate], name), this.scalar(`${name}.half`, 0.5)], name);
  }

  scalar(name: string, value: number): string {
    return this.constant(name, [], Float32Array.of(value));
  }

  ints(name: string, values: readonly number[], dims: readonly number[] = [values.length]): string {
    return this.constant(
      name,
      dims,
      BigInt64Array.from(values, (v) => BigInt(v)),
    );
  }
}
