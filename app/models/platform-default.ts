/**
 * Which model a machine installs and uses by default. On the CPU, the int8 export: onnxruntime runs its
 * integer MatMuls fast and it is a quarter of the size. Under Core ML (Apple Silicon), a float export:
 * Core ML runs none of the int8 graph's quantised ops (DynamicQuantizeLinear, MatMulInteger,
 * ConvInteger; app/encoders/coreml-coverage.ts), so that graph would fall back to the CPU in pieces.
 * test/unit/models/platform-default.test.ts measures this on the architecture twins' graphs.
 */
import type { Manifest } from './manifest-types.ts';

/**
 * The onnxruntime execution providers Eidos runs on. onnxruntime-node's prebuilt binaries include Core ML
 * on macOS (arm64 and x64), DirectML on Windows and CUDA only on linux-x64 (with files Eidos does not
 * install); Eidos uses Core ML on Apple Silicon and the CPU everywhere else. How a provider runs a session
 * is app/encoders/execution-providers.ts.
 */
export type ProviderName = 'cpu' | 'coreml';

export function defaultProvider(
  platform: NodeJS.Platform = process.platform,
  arch: string = process.arch,
): ProviderName {
  return platform === 'darwin' && arch === 'arm64' ? 'coreml' : 'cpu';
}

export interface DefaultChoice {
  id: string;
  provider: ProviderName;
  reason: string;
}

export function defaultModelFor(manifest: Manifest, provider: ProviderName = defaultProvider()): DefaultChoice {
  if (provider === 'coreml' && manifest.coreMlDefaultModel) {
    return {
      id: manifest.coreMlDefaultModel,
      provider,
      reason:
        'Core ML runs a float graph whole; the int8 export’s quantised ops (DynamicQuantizeLinear, MatMulInteger, ConvInteger) would fall back to the CPU',
    };
  }
  return {
    id: manifest.defaultModel,
    provider,
    reason: 'the CPU runs the int8 export’s integer MatMuls fast, in a quarter of the memory',
  };
}
