#!/usr/bin/env node
// Development only: runs one TypeScript script of the project (build, generators, benchmarks) through
// tsx, with the package folder as the resource root: `node bin/run-ts.js file.ts args…`.
import { register } from 'tsx/esm/api';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

register();
const [script, ...rest] = process.argv.slice(2);
if (!script) {
  console.error('usage: node bin/run-ts.js <script.ts> [args…]');
  process.exit(2);
}
const { setResourceRoot } = await import('../app/resources.ts');
setResourceRoot(fileURLToPath(new URL('..', import.meta.url)));
process.argv = [process.argv[0], resolve(script), ...rest];
await import(pathToFileURL(resolve(script)).href);
