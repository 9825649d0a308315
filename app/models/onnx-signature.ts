/**
 * What a model's ONNX towers must look like for Eidos to run them, derived from its manifest entry:
 *   vision: pixel_values float32 [batch, 3, size, size] → image_embeds float32 [batch, embeddingDim]
 *   text:   input_ids int64 [batch, ≤ contextLength] (+ attention_mask, same shape) → text_embeds float32 [batch, embeddingDim]
 *           (the text batch may also be fixed to 1, as some open_clip exports have it: the runner then feeds one row at a time)
 * (the outputs under the names the manifest's `outputs` gives, e.g. SigLIP's `pooler_output`; other outputs may exist)
 * The batch (and the text length) may be symbolic; a fixed size must be the manifest's. The fixed-batch copy
 * of a vision tower that Core ML runs (coreml-copy.ts) is checked with its batch instead: a number, not a symbol.
 */
import { EidosError } from '../contract/errors.ts';
import type { ModelSpec } from './manifest-types.ts';
import { inspectOnnx, type OnnxOutline, type OnnxValueInfo } from './onnx-inspect.ts';

/** A symbolic dimension (any name), or this exact size. */
type Dim = 'symbolic' | number | 'symbolic-or-context' | 'symbolic-or-one';

interface Expected {
  name: string;
  elemType: string;
  dims: Dim[];
  optional?: boolean;
}

function expected(
  model: ModelSpec,
  role: 'vision' | 'text',
  batch: Dim = 'symbolic',
): { inputs: Expected[]; outputs: Expected[] } {
  const d = model.embeddingDim;
  if (role === 'vision') {
    const s = model.preprocess.size;
    return {
      inputs: [{ name: 'pixel_values', elemType: 'float32', dims: [batch, 3, s, s] }],
      outputs: [{ name: model.outputs?.image ?? 'image_embeds', elemType: 'float32', dims: [batch, d] }],
    };
  }
  const tokens: Dim[] = ['symbolic-or-one', 'symbolic-or-context'];
  return {
    inputs: [
      { name: 'input_ids', elemType: 'int64', dims: tokens },
      { name: 'attention_mask', elemType: 'int64', dims: tokens, optional: true },
    ],
    outputs: [{ name: model.outputs?.text ?? 'text_embeds', elemType: 'float32', dims: ['symbolic-or-one', d] }],
  };
}

const showDim = (dim: Dim, model: ModelSpec): string =>
  dim === 'symbolic'
    ? 'batch'
    : dim === 'symbolic-or-one'
      ? 'batch or 1'
      : dim === 'symbolic-or-context'
        ? `≤${model.contextLength}`
        : String(dim);
const showExpected = (e: Expected, model: ModelSpec): string =>
  `${e.elemType} [${e.dims.map((dim) => showDim(dim, model)).join(', ')}]`;
const showActual = (v: OnnxValueInfo): string =>
  `${v.elemType} [${v.dims.map((dim) => (dim === null ? '?' : String(dim))).join(', ')}]`;

function dimFits(actual: number | string | null, want: Dim, model: ModelSpec): boolean {
  if (want === 'symbolic') return typeof actual !== 'number';
  if (want === 'symbolic-or-context') return typeof actual !== 'number' || actual === model.contextLength;
  if (want === 'symbolic-or-one') return typeof actual !== 'number' || actual === 1;
  return actual === want;
}

function problems(outline: OnnxOutline, model: ModelSpec, role: 'vision' | 'text', batch?: number): string[] {
  const want = expected(model, role, batch);
  const found: string[] = [];
  const compare = (kind: 'input' | 'output', list: OnnxValueInfo[], wanted: Expected[]): void => {
    for (const e of wanted) {
      const actual = list.find((v) => v.name === e.name);
      if (!actual) {
        if (!e.optional)
          found.push(
            `it has no ${kind} '${e.name}' (its ${kind}s: ${list.map((v) => `'${v.name}'`).join(', ') || 'none'}); ${model.id} needs ${kind} '${e.name}' ${showExpected(e, model)}`,
          );
        continue;
      }
      const fits =
        actual.elemType === e.elemType &&
        actual.dims.length === e.dims.length &&
        e.dims.every((dim, i) => dimFits(actual.dims[i] ?? null, dim, model));
      if (!fits)
        found.push(`${kind} '${e.name}' is ${showActual(actual)}; ${model.id} needs ${showExpected(e, model)}`);
    }
  };
  compare('input', outline.inputs, want.inputs);
  compare('output', outline.outputs, want.outputs);
  return found;
}

/**
 * Checks that `path` is a sound ONNX file with the inputs and outputs `model`'s `role` tower must have;
 * MODEL_INVALID naming the file and what was expected otherwise.
 */
export function checkOnnxTower(
  model: ModelSpec,
  role: 'vision' | 'text',
  path: string,
  fixedBatch?: number,
): OnnxOutline {
  const outline = inspectOnnx(path);
  const found = problems(outline, model, role, fixedBatch);
  if (found.length > 0)
    throw new EidosError('MODEL_INVALID', `${path}: not the ${role} tower of ${model.id}: ${found.join('; ')}.`, {
      file: path,
    });
  return outline;
}
