// Content hash choice: full streaming SHA-256 vs. a sampled hash (size + first/middle/last 64 KiB),
// each against the decode the pipeline does on the same file anyway. Files are read once first so
// all three run from the page cache (CPU cost; a cold disk adds the same read time to hash and decode).
// usage: node bin/run-ts.js test/bench/content-hash.ts [folder …]   (default: the shared photos)
import { createHash } from 'node:crypto';
import { open, readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { decodeImage } from '../../app/image/decode.ts';
import { hashFile } from '../../app/library/content-hash.ts';
import { scanLibrary } from '../../app/library/scan.ts';

const folders = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['/work/shared/photos'];
const sample = 64 * 1024;

async function sampledHash(path: string, size: number): Promise<string> {
  const hash = createHash('sha256').update(String(size));
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(sample);
    for (const at of [0, Math.max(0, Math.floor(size / 2) - sample / 2), Math.max(0, size - sample)]) {
      const { bytesRead } = await handle.read(buffer, 0, sample, at);
      hash.update(buffer.subarray(0, bytesRead));
    }
  } finally {
    await handle.close();
  }
  return hash.digest('hex');
}

const files: { path: string; size: number }[] = [];
for await (const event of scanLibrary(folders))
  if (event.kind === 'file') files.push({ path: event.file.path, size: event.file.size });
const bytes = files.reduce((sum, file) => sum + file.size, 0);
for (const file of files) await readFile(file.path);

async function time(label: string, fn: (file: { path: string; size: number }) => Promise<unknown>): Promise<number> {
  let failures = 0;
  const start = performance.now();
  for (const file of files) await fn(file).catch(() => failures++);
  const ms = performance.now() - start;
  console.log(
    `${label.padEnd(34)} ${ms.toFixed(0).padStart(7)} ms  ${(ms / files.length).toFixed(2).padStart(7)} ms/file  ${(bytes / 1e6 / (ms / 1000)).toFixed(0).padStart(6)} MB/s${failures ? `  (${failures} failed)` : ''}`,
  );
  return ms;
}

console.log(
  `${files.length} photos, ${(bytes / 1e6).toFixed(1)} MB, largest ${(Math.max(...files.map((f) => f.size)) / 1e6).toFixed(1)} MB`,
);
const full = await time('full SHA-256 (ours)', (file) => hashFile(file.path));
const sampled = await time('sampled SHA-256 (3 × 64 KiB)', (file) => sampledHash(file.path, file.size));
const decode = await time('decode to ≤512 px (the limit)', (file) =>
  decodeImage(file.path, { maxLongEdge: 512, minShortEdge: 224 }),
);
console.log(
  `full hash / decode = ${(full / decode).toFixed(3)}; sampled hash / decode = ${(sampled / decode).toFixed(3)}; full / sampled = ${(full / sampled).toFixed(1)}`,
);
