import { join } from 'node:path';
import { modelsDir as defaultModelsDir } from '../paths.ts';
import { findModel, loadManifest } from './manifest.ts';
import type { Manifest, ModelSpec } from './manifest-types.ts';

/** Where the store works; tests pass their own folder and manifest, the app uses the defaults. */
export interface StoreContext {
  /** Default: `modelsDir()` (under `EIDOS_HOME` when set). */
  modelsDir?: string;
  /** Default: the bundled `models/manifest.json`. */
  manifest?: Manifest;
}

export interface ResolvedStore {
  dir: string;
  manifest: Manifest;
  model(id: string): ModelSpec;
  /** The installed model's folder. */
  installDir(id: string): string;
  /** Where a fetch or import assembles the model before the atomic rename. */
  partialDir(id: string): string;
}

export function resolveStore(context: StoreContext = {}): ResolvedStore {
  const dir = context.modelsDir ?? defaultModelsDir();
  const manifest = context.manifest ?? loadManifest();
  return {
    dir,
    manifest,
    model: (id) => findModel(manifest, id),
    installDir: (id) => join(dir, id),
    partialDir: (id) => join(dir, `${id}.partial`),
  };
}
