/**
 * How onnxruntime runs the encoders on an execution provider: the session option per provider, Core ML's
 * flags and fixed batch sizes. Which provider a machine uses (`ProviderName`, `defaultProvider`) is
 * app/models/platform-default.ts, on the floor below, since it also decides the default model.
 *
 * The Node binding takes Core ML options only as the `coreMlFlags` bit field
 * (js/node/src/session_options_helper.cc); the boolean fields of CoreMLExecutionProviderOption are
 * react-native only.
 */
import type { ProviderName } from '../models/platform-default.ts';

export const CORE_ML_FLAGS = Object.freeze({
  USE_CPU_ONLY: 0x001,
  ENABLE_ON_SUBGRAPH: 0x002,
  ONLY_ENABLE_DEVICE_WITH_ANE: 0x004,
  ONLY_ALLOW_STATIC_INPUT_SHAPES: 0x008,
  CREATE_MLPROGRAM: 0x010,
  USE_CPU_AND_GPU: 0x020,
});

/**
 * ML Program, and only nodes whose inputs have static shapes. Core ML gets the whole vision graph because
 * its batch is fixed in the Core ML copy written at install (app/models/coreml-copy.ts); a graph with a
 * symbolic dimension falls back to the CPU whole instead of being compiled with an unbounded dimension,
 * which Core ML's compiler can reject or abort on. The evidence: docs/coreml.md.
 */
export const DEFAULT_CORE_ML_FLAGS = CORE_ML_FLAGS.CREATE_MLPROGRAM | CORE_ML_FLAGS.ONLY_ALLOW_STATIC_INPUT_SHAPES;

export function parseProvider(value: string | undefined): ProviderName | undefined {
  if (value === undefined || value === 'auto') return undefined;
  if (value === 'cpu' || value === 'coreml') return value;
  throw new Error(`unknown execution provider '${value}': use cpu, coreml or auto`);
}

/** The `executionProviders` session option for a provider; Core ML always keeps the CPU as fallback. */
export function providerOptions(
  name: ProviderName,
  coreMlFlags = DEFAULT_CORE_ML_FLAGS,
): Array<string | { name: string; coreMlFlags?: number }> {
  return name === 'coreml' ? [{ name: 'coreml', coreMlFlags }, 'cpu'] : ['cpu'];
}

/**
 * Rows one vision run carries: n itself on a session with a free batch dimension, else the session's fixed
 * batch (the rows past n are blank photos, dropped after). The rule follows the session's input shape,
 * never the provider's name. Never an empty batch (Core ML rejects zero-sized dims, onnxruntime#14212).
 */
export function paddedBatchSize(n: number, fixedBatch: number | undefined): number {
  if (n <= 0) throw new Error('an encoder batch must hold at least one item');
  if (fixedBatch === undefined) return n;
  if (n > fixedBatch) throw new Error(`a run of ${n} photos does not fit a session fixed to batch ${fixedBatch}`);
  return fixedBatch;
}
