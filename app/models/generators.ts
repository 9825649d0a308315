/**
 * The models Eidos builds locally instead of downloading (`source: "generated"` in the manifest), by
 * the name the manifest gives in `generator`. The generators live in models/ and are imported on
 * demand (a chunk of their own in the build): only `eidos models fetch` of such a model needs them.
 */
export type Generator = (dir: string) => Promise<void>;

const GENERATORS = {
  synthetic: async () => (await import('../../models/synthetic/generate-model.ts')).generateSyntheticModel,
  'synthetic-left': async () => (await import('../../models/synthetic/left-half.ts')).generateSyntheticLeftModel,
  'clip-twin-fp32': async () => (await import('../../models/clip-twin/generate-twin.ts')).generateClipTwinFp32,
  'clip-twin-int8': async () => (await import('../../models/clip-twin/generate-twin.ts')).generateClipTwinInt8,
  'siglip2-twin': async () => (await import('../../models/siglip2-twin/generate-twin.ts')).generateSiglip2Twin,
  'mobileclip2-s2-twin': async () =>
    (await import('../../models/mobileclip2-twin/generate-twin.ts')).generateMobileClip2S2Twin,
  'mobileclip2-s0-twin': async () =>
    (await import('../../models/mobileclip2-twin/generate-twin.ts')).generateMobileClip2S0Twin,
} satisfies Record<string, () => Promise<Generator>>;

export type GeneratorName = keyof typeof GENERATORS;
export const GENERATOR_NAMES = Object.keys(GENERATORS) as GeneratorName[];

export function loadGenerator(name: GeneratorName): Promise<Generator> {
  return GENERATORS[name]();
}
