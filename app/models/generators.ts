/**
 * The models Eidos builds locally instead of downloading (`source: "generated"` in the manifest), by
 * the name the manifest gives in `generator`. The generators live in models/ and are loaded on demand:
 * only `eidos models fetch` of such a model needs them (and their graph builders).
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../paths.ts';

export type Generator = (dir: string) => Promise<void>;

const GENERATORS = {
  synthetic: { file: 'synthetic/generate-model.ts', exportName: 'generateSyntheticModel' },
  'clip-twin-fp32': { file: 'clip-twin/generate-twin.ts', exportName: 'generateClipTwinFp32' },
  'clip-twin-int8': { file: 'clip-twin/generate-twin.ts', exportName: 'generateClipTwinInt8' },
} as const;

export type GeneratorName = keyof typeof GENERATORS;
export const GENERATOR_NAMES = Object.keys(GENERATORS) as GeneratorName[];

export async function loadGenerator(name: GeneratorName): Promise<Generator> {
  const { file, exportName } = GENERATORS[name];
  const module = (await import(pathToFileURL(join(repoRoot(), 'models', file)).href)) as Record<string, Generator>;
  return module[exportName] as Generator;
}
