#!/usr/bin/env node
// The `eidos` command: runs the built CLI (dist/cli/eidos.js, made by `npm run build`, which `npm ci`
// runs). Resources (manifest, concept prompts, native addon, UI) are found below this package's folder.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bundle = new URL('../dist/cli/eidos.js', import.meta.url);
if (!existsSync(bundle)) {
  console.error(`eidos: the CLI is not built (${fileURLToPath(bundle)} is missing). Run 'npm run build' in ${root}.`);
  process.exit(1);
}
const { runCli } = await import(bundle.href);
process.exitCode = await runCli(process.argv.slice(2), root);
