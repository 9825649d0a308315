/**
 * Pseudo-random weights for the architecture twins, at the scales of Hugging Face's CLIP initialisation
 * (`CLIPPreTrainedModel._init_weights`: embeddings std 0.02, attention in-projections
 * width^-½·(2·layers)^-½, out-projections width^-½, MLP fc1 (2·width)^-½, projections width^-½), so
 * activations stay in a trained model's ranges. Each tensor has its own generator seeded by the twin's
 * seed and the tensor's name, so the fp32 and int8 twins hold the same weights and a tensor's values
 * do not depend on the order in which the graph is built. Uniform in [mean − √3·std, mean + √3·std)
 * (the same std as a normal, and exact to produce).
 */
import { mulberry32 } from '../../app/util/mulberry32.ts';

/** FNV-1a of the name, mixed with the seed: a 32-bit stream id per tensor. */
function streamSeed(seed: number, name: string): number {
  let hash = 0x811c9dc5 ^ seed;
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

export function uniformWeights(seed: number, name: string, count: number, std: number, mean = 0): Float32Array {
  const next = mulberry32(streamSeed(seed, name));
  const half = Math.sqrt(3) * std;
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = mean + half * (2 * next() - 1);
  return out;
}

/** Asymmetric uint8 quantisation as onnxruntime's quantize_dynamic writes it: the range always holds 0. */
export interface Quantized {
  data: Uint8Array;
  scale: Float32Array;
  zeroPoint: Uint8Array;
}

function quantParams(min: number, max: number): { scale: number; zeroPoint: number } {
  const lo = Math.min(min, 0);
  const hi = Math.max(max, 0);
  const scale = Math.fround(hi > lo ? (hi - lo) / 255 : 1);
  return { scale, zeroPoint: Math.min(255, Math.max(0, Math.round(-lo / scale))) };
}

const quantize = (value: number, scale: number, zeroPoint: number): number =>
  Math.min(255, Math.max(0, Math.round(value / scale) + zeroPoint));

/** One scale and zero point for the whole tensor (Conv and Gather weights). */
export function quantizePerTensor(values: Float32Array): Quantized {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const { scale, zeroPoint } = quantParams(min, max);
  // A loop, not Uint8Array.from(values, fn): that collects every value into a JS list first.
  const data = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) data[i] = quantize(values[i] as number, scale, zeroPoint);
  return { data, scale: Float32Array.of(scale), zeroPoint: Uint8Array.of(zeroPoint) };
}

/** One scale and zero point per output column of a [rows, cols] MatMul weight (per_channel=True). */
export function quantizePerColumn(values: Float32Array, rows: number, cols: number): Quantized {
  const scale = new Float32Array(cols);
  const zeroPoint = new Uint8Array(cols);
  const data = new Uint8Array(values.length);
  for (let c = 0; c < cols; c++) {
    let min = Infinity;
    let max = -Infinity;
    for (let r = 0; r < rows; r++) {
      const v = values[r * cols + c] as number;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    const p = quantParams(min, max);
    scale[c] = p.scale;
    zeroPoint[c] = p.zeroPoint;
    for (let r = 0; r < rows; r++) data[r * cols + c] = quantize(values[r * cols + c] as number, p.scale, p.zeroPoint);
  }
  return { data, scale, zeroPoint };
}
