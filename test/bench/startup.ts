/**
 * How fast the built CLI and `eidos serve` start (issue 12), medians of 7 runs, ours vs the limit:
 *   `eidos --help`                       ≤ 2.5 × `node -e 0`
 *   `eidos search "<query>" --top 20`    ≤ 1.5 × a bare Node process that loads onnxruntime-node,
 *     on a 500-photo index                 better-sqlite3 and the addon, opens the index and creates the
 *                                          text session of the same model (the floor any search pays)
 *   first query of a fresh `eidos serve` ≤ text-session creation + 150 ms, from the moment it prints its
 *                                          address to the answer
 * The index is built once in a temporary data folder from ../shared/photos/imagenet-dev.
 * Run: node bin/run-ts.js test/bench/startup.ts [--model synthetic-tiny|clip-vit-b32-int8-twin]
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { median } from './stats.ts';

const REPO = resolve(import.meta.dirname, '../..');
const EIDOS = join(REPO, 'bin/eidos.js');
const PHOTOS = resolve(REPO, '../shared/photos/imagenet-dev');
const RUNS = 7;
const QUERY = 'a red car parked on a street';

const { values } = parseArgs({ options: { model: { type: 'string', default: 'synthetic-tiny' } } });
const model = values.model!;
const home = mkdtempSync(join(tmpdir(), 'eidos-startup-'));
const env = { ...process.env, EIDOS_HOME: home };

function wallMs(command: string[], options: { env?: NodeJS.ProcessEnv } = {}): number {
  const started = performance.now();
  execFileSync(process.execPath, command, { env: options.env ?? env, stdio: ['ignore', 'pipe', 'pipe'] });
  return performance.now() - started;
}

function medianOf(command: string[]): number {
  return median(Array.from({ length: RUNS }, () => wallMs(command)));
}

/** The floor of any search: a bare process loading the three native parts, opening the index, creating the text session. */
function bareSearchFloor(): { script: string; sessionMs: () => number } {
  const script = join(home, 'bare-floor.mjs');
  const textModel = join(home, 'models', model, 'onnx', textFile());
  writeFileSync(
    script,
    `import { createRequire } from 'node:module';
const require = createRequire(${JSON.stringify(join(REPO, 'package.json'))});
const ort = require('onnxruntime-node');
const Database = require('better-sqlite3');
require(${JSON.stringify(join(REPO, 'native/build/Release/eidos_native.node'))});
const db = new Database(${JSON.stringify(join(home, 'index.sqlite'))}, { readonly: true });
db.prepare('SELECT count(*) FROM files').get();
const started = performance.now();
await ort.InferenceSession.create(${JSON.stringify(textModel)}, { executionProviders: ['cpu'] });
console.log(performance.now() - started);
`,
  );
  return {
    script,
    sessionMs: () => Number(execFileSync(process.execPath, [script], { env, encoding: 'utf8' }).trim()),
  };
}

function textFile(): string {
  const manifest = JSON.parse(readFileSync(join(REPO, 'models/manifest.json'), 'utf8')) as {
    models: Array<{ id: string; files: Array<{ role: string; path: string }> }>;
  };
  const file = manifest.models.find((m) => m.id === model)?.files.find((f) => f.role === 'text');
  if (!file) throw new Error(`model ${model} has no text file in the manifest`);
  return file.path.replace(/^onnx\//, '');
}

/** Starts `eidos serve`, and times from its printed address to the answer of one search. */
async function serveFirstQueryMs(): Promise<number> {
  const child = spawn(process.execPath, [EIDOS, 'serve', '--json', '--port', '0'], {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const line = await new Promise<string>((done) => createInterface({ input: child.stdout! }).once('line', done));
    const printed = performance.now();
    const { url, port } = JSON.parse(line) as { url: string; port: number };
    const token = new URL(url).searchParams.get('token')!;
    const response = await fetch(`http://127.0.0.1:${port}/api/search`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ query: QUERY, top: 20 }),
    });
    if (!response.ok) throw new Error(`search answered ${response.status}: ${await response.text()}`);
    await response.json();
    return performance.now() - printed;
  } finally {
    child.kill('SIGTERM');
    await new Promise((done) => child.once('exit', done));
  }
}

function row(what: string, ours: number, comparator: string, limit: number): void {
  const verdict = ours <= limit ? 'met' : 'MISSED';
  console.log(
    `${what.padEnd(34)} ours ${ours.toFixed(0).padStart(6)} ms   ${comparator.padEnd(40)} limit ${limit.toFixed(0).padStart(6)} ms   ${verdict}`,
  );
}

try {
  console.log(`startup bench: model ${model}, medians of ${RUNS}, data folder ${home}`);
  execFileSync(process.execPath, [EIDOS, 'models', 'fetch', model], { env, stdio: 'ignore' });
  execFileSync(process.execPath, [EIDOS, 'index', PHOTOS], { env, stdio: 'ignore' });

  const node = medianOf(['-e', '0']);
  const help = medianOf([EIDOS, '--help']);
  row('eidos --help', help, `node -e 0: ${node.toFixed(0)} ms`, 2.5 * node);

  const floor = bareSearchFloor();
  const bare = medianOf([floor.script]);
  const search = medianOf([EIDOS, 'search', QUERY, '--top', '20']);
  row('eidos search --top 20 (500 photos)', search, `bare floor process: ${bare.toFixed(0)} ms`, 1.5 * bare);

  const session = median(Array.from({ length: RUNS }, floor.sessionMs));
  const firstQueries: number[] = [];
  for (let i = 0; i < RUNS; i++) firstQueries.push(await serveFirstQueryMs());
  row(
    'serve: first query after start',
    median(firstQueries),
    `text session creation: ${session.toFixed(0)} ms`,
    session + 150,
  );
} finally {
  rmSync(home, { recursive: true, force: true });
}
