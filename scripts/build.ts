// The one build: everything that runs, bundled into dist/ (run `npm run build`; `npm ci` runs it too).
//   dist/cli/eidos.js             the CLI (bin/eidos.js runs it); each command a chunk loaded when used
//   dist/engine/engine-process.js the engine as the desktop app runs it (an Electron utility process)
//   dist/workers/<name>.js        every worker thread (app/workers/start-worker.ts names them)
//   dist/main/main.js, dist/preload/preload.cjs   Electron's main process and the sandboxed preload
//   dist/ui/                      the Svelte UI (Vite), served by `eidos serve` and by eidos://
//   dist/places/towns.bin         the towns a query may name, ready to load (scripts/build-town-table.ts)
// npm packages stay outside the bundles (native addons among them) and load from node_modules.
// `--no-ui` skips the UI (the test setup rebuilds the code bundles before every run).
import { build, type BuildOptions, type Metafile } from 'esbuild';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build as viteBuild } from 'vite';
import { WORKER_SOURCES } from '../app/workers/start-worker.ts';
import { buildTownTable } from './build-town-table.ts';

const root = join(import.meta.dirname, '..');
const out = join(root, 'dist');

const node: BuildOptions = {
  bundle: true,
  platform: 'node',
  // Node 20.19 for the CLI; Electron 45 ships Node 22.
  target: 'node20',
  format: 'esm',
  sourcemap: true,
  logLevel: 'warning',
  metafile: true,
  packages: 'external',
  external: ['electron'],
  // CommonJS packages inside an ESM bundle need a `require`.
  banner: {
    js: "import { createRequire as __eidosCreateRequire } from 'node:module'; const require = __eidosCreateRequire(import.meta.url);",
  },
};

export async function buildCode(): Promise<void> {
  for (const folder of ['cli', 'engine', 'workers', 'main', 'preload'])
    rmSync(join(out, folder), { recursive: true, force: true });
  buildTownTable(join(out, 'places', 'towns.bin'));
  const workers = Object.entries(WORKER_SOURCES).map(([name, source]) => ({
    in: join(root, 'app', 'workers', source),
    out: name,
  }));
  const results = await Promise.all([
    build({
      ...node,
      entryPoints: [join(root, 'app', 'cli', 'entry.ts')],
      outdir: join(out, 'cli'),
      entryNames: 'eidos',
      splitting: true,
      chunkNames: 'chunks/[name]-[hash]',
    }),
    build({
      ...node,
      entryPoints: [join(root, 'main', 'engine-process.ts')],
      outfile: join(out, 'engine', 'engine-process.js'),
    }),
    build({ ...node, entryPoints: workers, outdir: join(out, 'workers') }),
    build({ ...node, entryPoints: [join(root, 'main', 'main.ts')], outfile: join(out, 'main', 'main.js') }),
    // A sandboxed preload can require only `electron` (and a few browser-safe modules): one CommonJS file.
    build({
      ...node,
      format: 'cjs',
      banner: {},
      packages: undefined,
      entryPoints: [join(root, 'main', 'preload.ts')],
      outfile: join(out, 'preload', 'preload.cjs'),
    }),
  ]);
  const preloadImports = externalImports(results[4].metafile);
  if (preloadImports.some((name) => name !== 'electron')) {
    throw new Error(
      `The preload must import only 'electron' (it runs sandboxed), but imports: ${preloadImports.join(', ')}`,
    );
  }
}

export async function buildUi(): Promise<void> {
  await viteBuild({ configFile: join(root, 'renderer', 'vite.config.ts'), logLevel: 'warn' });
}

function externalImports(metafile: Metafile | undefined): string[] {
  const names = new Set<string>();
  for (const output of Object.values(metafile?.outputs ?? {})) {
    for (const entry of output.imports) if (entry.external) names.add(entry.path);
  }
  return [...names];
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const started = performance.now();
  const withUi = !process.argv.includes('--no-ui');
  await buildCode();
  if (withUi) await buildUi();
  console.log(
    `built ${out} (cli, engine, workers, main, preload${withUi ? ', ui' : ''}) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
}
