/**
 * The CLIP twin's graph builder (models/clip-twin/graph-builder.ts: fp32 or onnxruntime `quantize_dynamic`
 * int8 forms of MatMul, Conv and Gather) with what SigLIP does differently: LayerNorm eps 1e-6, the
 * tanh-approximated GELU (`gelu_pytorch_tanh`), and a token-embedding table too large to hold in float: the
 * 256,000 × 768 Gemma table is quantised while it is made, so generating it takes 197 MB, not a gigabyte.
 */
import { GraphBuilder } from '../clip-twin/graph-builder.ts';
import { uniformWeights } from '../clip-twin/weights.ts';
import { attr } from '../onnx/onnx-writer.ts';
import { SIGLIP2_LAYER_NORM_EPS } from './architecture.ts';

/** Rows generated at a time when the table is streamed into uint8. */
const ROWS_PER_CHUNK = 4096;

export class SiglipGraphBuilder extends GraphBuilder {
  constructor(
    precision: 'fp32' | 'int8',
    private readonly twinSeed: number,
  ) {
    super(precision, twinSeed);
  }

  /** LayerNorm over the last axis (ReduceMean/Sub/Pow/Sqrt/Div, as PyTorch exports it below opset 17), eps 1e-6. */
  override layerNorm(x: string, name: string, dim: number): string {
    const axes = { axes: attr.ints([-1]) };
    const mean = this.op('ReduceMean', [x], name, axes);
    const centred = this.op('Sub', [x, mean], name);
    const squared = this.op('Pow', [centred, this.scalar(`${name}.two`, 2)], name);
    const variance = this.op('ReduceMean', [squared], name, axes);
    const eps = this.scalar(`${name}.eps`, SIGLIP2_LAYER_NORM_EPS);
    const std = this.op('Sqrt', [this.op('Add', [variance, eps], name)], name);
    const normalised = this.op('Div', [centred, std], name);
    const scaled = this.op('Mul', [normalised, this.weight(`${name}.weight`, [dim], 0.1, 1)], name);
    return this.op('Add', [scaled, this.weight(`${name}.bias`, [dim], 0.02)], name);
  }

  /** 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), PyTorch's `gelu(approximate="tanh")` as exported. */
  geluTanh(x: string, name: string): string {
    const cubed = this.op('Pow', [x, this.scalar(`${name}.gelu_three`, 3)], name);
    const inner = this.op('Add', [x, this.op('Mul', [cubed, this.scalar(`${name}.gelu_c`, 0.044715)], name)], name);
    const scaled = this.op('Mul', [inner, this.scalar(`${name}.gelu_sqrt_2_over_pi`, Math.sqrt(2 / Math.PI))], name);
    const gate = this.op('Add', [this.op('Tanh', [scaled], name), this.scalar(`${name}.gelu_one`, 1)], name);
    return this.op('Mul', [this.op('Mul', [x, this.scalar(`${name}.gelu_half`, 0.5)], name), gate], name);
  }

  /**
   * Rows of a [rows, cols] table picked by ids. In int8, the table is uint8 with one scale and zero point
   * (quantize_dynamic's Gather form, then DequantizeLinear), made chunk by chunk from the known range of
   * the uniform weights (±√3·std) instead of from a float copy of the whole table.
   */
  override embedding(ids: string, name: string, rows: number, cols: number, std: number): string {
    if (this.precision === 'fp32') return super.embedding(ids, name, rows, cols, std);
    this.parameters += rows * cols;
    const half = Math.sqrt(3) * std;
    const scale = Math.fround((2 * half) / 255);
    const zeroPoint = Math.round(half / scale);
    const seed = this.twinSeed;
    const q = `${name}.weight_quantized`;
    const scaleName = `${name}.weight_scale`;
    const zeroName = `${name}.weight_zero_point`;
    this.initializers.push(
      {
        name: q,
        dims: [rows, cols],
        data: {
          elemType: 'uint8',
          produce: () => {
            const data = new Uint8Array(rows * cols);
            for (let start = 0; start < rows; start += ROWS_PER_CHUNK) {
              const count = Math.min(ROWS_PER_CHUNK, rows - start) * cols;
              const values = uniformWeights(seed, `${name}.weight[${start}]`, count, std);
              for (let i = 0; i < count; i++) {
                const v = Math.round((values[i] as number) / scale) + zeroPoint;
                data[start * cols + i] = Math.min(255, Math.max(0, v));
              }
            }
            return data;
          },
        },
      },
      { name: scaleName, dims: [], data: Float32Array.of(scale) },
      { name: zeroName, dims: [], data: Uint8Array.of(zeroPoint) },
    );
    const picked = this.op('Gather', [q, ids], name, { axis: attr.int(0) });
    return this.op('DequantizeLinear', [picked, scaleName, zeroName], name);
  }
}
