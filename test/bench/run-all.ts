/**
 * `npm run bench`: every benchmark, one after another (never two at once: they measure the same two
 * cores), each in its own process, with everything it printed written to one report file.
 * Run: node bin/run-ts.js test/bench/run-all.ts [--out bench-report.md] [--only startup,search]
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { arch, availableParallelism, cpus, platform, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const REPO = resolve(import.meta.dirname, '../..');

/** In the order they run; each prints ours vs the comparator vs the limit. */
const BENCHES: Array<{ name: string; args?: string[] }> = [
  { name: 'startup' },
  { name: 'content-hash' },
  { name: 'preprocess' },
  { name: 'encoders' },
  { name: 'index' },
  { name: 'text-reading' },
  { name: 'text-index' },
  { name: 'search' },
  { name: 'search-e2e', args: ['--expose-gc'] },
  { name: 'explain' },
  { name: 'quality' },
  // Needs the text reader (issue 23, ocr-read); exits 1 saying so when no text was read.
  { name: 'text-search-quality' },
  { name: 'heic' },
  { name: 'twin' },
  { name: 'twin-batch' },
  { name: 'twin-models' },
  { name: 'ui' },
  { name: 'alignment' },
  { name: 'map' },
  { name: 'when-where' },
  { name: 'video' },
];

const { values } = parseArgs({
  options: { out: { type: 'string', default: join(REPO, 'bench-report.md') }, only: { type: 'string' } },
});
const only = values.only?.split(',');
const selected = BENCHES.filter((bench) => !only || only.includes(bench.name));

const machine = `${platform()}-${arch()}, ${availableParallelism()} cores (${cpus()[0]?.model ?? 'unknown CPU'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.versions.node}`;
const sections = [`# Eidos benchmarks\n\n${new Date().toISOString()} on ${machine}\n`];
let failed = 0;
for (const bench of selected) {
  const started = performance.now();
  console.log(`── ${bench.name} ──`);
  const result = spawnSync(
    process.execPath,
    [...(bench.args ?? []), join(REPO, 'bin/run-ts.js'), join(REPO, 'test/bench', `${bench.name}.ts`)],
    {
      cwd: REPO,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 1 << 26,
    },
  );
  const seconds = ((performance.now() - started) / 1000).toFixed(0);
  process.stdout.write(result.stdout);
  if (result.status !== 0) {
    failed++;
    process.stderr.write(result.stderr);
  }
  const status = result.status === 0 ? `${seconds} s` : `FAILED (exit ${result.status}) after ${seconds} s`;
  sections.push(
    `## ${bench.name} (${status})\n\n\`\`\`\n${result.stdout.trim()}${result.status === 0 ? '' : `\n${result.stderr.trim()}`}\n\`\`\`\n`,
  );
}
writeFileSync(values.out!, sections.join('\n'));
console.log(`report: ${values.out}${failed ? ` (${failed} failed)` : ''}`);
process.exitCode = failed ? 1 : 0;
