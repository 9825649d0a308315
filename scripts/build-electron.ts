// Bundles the Electron side into dist-electron/: the main process, the sandboxed preload and the
// engine's utility-process entry. Run: `node bin/run-ts.js scripts/build-electron.ts`.
import { build, type BuildOptions, type Metafile } from 'esbuild';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const out = join(root, 'dist-electron');

const shared: BuildOptions = {
  bundle: true,
  platform: 'node',
  // Electron 45 ships Node 22.
  target: 'node22',
  sourcemap: true,
  logLevel: 'warning',
  metafile: true,
};

// Main and engine load npm packages (native addons among them) from node_modules at run time;
// the ESM bundle gets a `require` for the CommonJS ones.
const nodeEsm: BuildOptions = {
  ...shared,
  format: 'esm',
  packages: 'external',
  external: ['electron'],
  banner: { js: "import { createRequire as __eidosCreateRequire } from 'node:module'; const require = __eidosCreateRequire(import.meta.url);" },
};

const results = await Promise.all([
  build({ ...nodeEsm, entryPoints: [join(root, 'main', 'main.ts')], outfile: join(out, 'main', 'main.js') }),
  build({ ...nodeEsm, entryPoints: [join(root, 'main', 'engine-process.ts')], outfile: join(out, 'engine', 'engine-process.js') }),
  // A sandboxed preload can require only `electron` (and a few browser-safe modules): one CommonJS file.
  build({ ...shared, format: 'cjs', external: ['electron'], entryPoints: [join(root, 'main', 'preload.ts')], outfile: join(out, 'preload', 'preload.cjs') }),
]);

const preloadImports = externalImports(results[2].metafile);
if (preloadImports.some((name) => name !== 'electron')) {
  throw new Error(`The preload must import only 'electron' (it runs sandboxed), but imports: ${preloadImports.join(', ')}`);
}
console.log(`built ${out}: main/main.js, engine/engine-process.js, preload/preload.cjs`);

function externalImports(metafile: Metafile | undefined): string[] {
  const names = new Set<string>();
  for (const output of Object.values(metafile?.outputs ?? {})) {
    for (const entry of output.imports) if (entry.external) names.add(entry.path);
  }
  return [...names];
}
