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
  /** The ONNX files it installs (vision, text), so users see which export their platform gets. */
  files: string[];
  reason: string;
}

const towerFiles = (manifest: Manifest, id: string): string[] =>
  (manifest.models.find((m) => m.id === id)?.files ?? [])
    .filter((f) => f.role === 'vision' || f.role === 'text')
    .map((f) => f.path);

/**
 * The default model for a provider. Under Core ML: the manifest's preferred model (MobileCLIP2-S2) once
 * `accepted` says its licence was accepted, else the float default (CLIP ViT-B/32 fp16); on the CPU, the
 * int8 export. The evidence behind each choice is docs/coreml.md ("fp16 under Core ML").
 */
export function defaultModelFor(
  manifest: Manifest,
  provider: ProviderName = defaultProvider(),
  accepted: (id: string) => boolean = () => false,
): DefaultChoice {
  if (provider === 'coreml' && manifest.coreMlPreferredModel && accepted(manifest.coreMlPreferredModel)) {
    return {
      id: manifest.coreMlPreferredModel,
      provider,
      files: towerFiles(manifest, manifest.coreMlPreferredModel),
      reason:
        'its licence is accepted, and it retrieves better than CLIP ViT-B/32 (Flickr30k text→image R@1 74.8 against 58.8) with a float image tower Core ML runs whole',
    };
  }
  if (provider === 'coreml' && manifest.coreMlDefaultModel) {
    const preferred = manifest.coreMlPreferredModel;
    return {
      id: manifest.coreMlDefaultModel,
      provider,
      files: towerFiles(manifest, manifest.coreMlDefaultModel),
      reason:
        'Core ML’s ML Program takes float16 tensors (onnxruntime’s Core ML EP, CREATE_MLPROGRAM), so the fp16 export runs there at half the fp32 download; ' +
        'the int8 export’s quantised ops (DynamicQuantizeLinear, MatMulInteger, ConvInteger) would fall back to the CPU' +
        (preferred ? `. ${preferred} is the better choice once you accept its licence` : ''),
    };
  }
  return {
    id: manifest.defaultModel,
    provider,
    files: towerFiles(manifest, manifest.defaultModel),
    reason:
      'the CPU runs the int8 export’s integer MatMuls fast, in a quarter of the memory; onnxruntime’s CPU provider has few float16 kernels, so an fp16 export would run through inserted casts',
  };
}
