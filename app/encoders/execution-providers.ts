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

/** MLProgram with static shapes: full Core ML coverage for a fixed-batch export, no partitioning. */
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
 * Core ML wants static input shapes, so vision batches are padded to a fixed size there (`pad`); on the
 * CPU a batch runs at its own size. Never an empty batch (Core ML rejects zero-sized dims, onnxruntime#14212).
 */
export function paddedBatchSize(pad: boolean, n: number, fixedBatch: number): number {
  if (n <= 0) throw new Error('an encoder batch must hold at least one item');
  return pad ? Math.ceil(n / fixedBatch) * fixedBatch : n;
}
