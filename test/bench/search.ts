// Query latency of the fused native search pass (synchronous on the C++ threads, and async as the search
// calls it: on a Mac the GPU's) against sqlite-vec, a plain TypeScript loop, and the machine's
// memory-bandwidth limit, all measured in this one run on the same random unit vectors.
//   node bin/run-ts.js test/bench/search.ts [--n 100000,1000000] [--d 512] [--queries 20]
import Database from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import { parseArgs } from 'node:util';
import type { EmbeddingMatrix } from '../../app/kernels/contract.ts';
import { kernels, kernelStatus, nativeReadAll } from '../../app/kernels/index.ts';
import { allocateMatrix, quantizeI8 } from '../../app/kernels/matrix.ts';
import { rng } from '../unit/kernels/fixtures.ts';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '100000,1000000' },
    d: { type: 'string', default: '512' },
    queries: { type: 'string', default: '20' },
  },
});
const sizes = values.n.split(',').map(Number);
const d = Number(values.d);
const queryCount = Number(values.queries);
const k = 10;
const tau = 100;
const readAll = nativeReadAll();

function percentile(times: number[], p: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function time(runs: number, body: (run: number) => void): { p50: number; p95: number } {
  body(0); // warm-up
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const start = performance.now();
    body(r);
    times.push(performance.now() - start);
  }
  return { p50: percentile(times, 50), p95: percentile(times, 95) };
}

async function timeAsync(runs: number, body: (run: number) => Promise<unknown>): Promise<{ p50: number; p95: number }> {
  await body(0); // warm-up (on a Mac: the Metal buffer of this matrix)
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const start = performance.now();
    await body(r);
    times.push(performance.now() - start);
  }
  return { p50: percentile(times, 50), p95: percentile(times, 95) };
}

/** Random unit rows written into `out` (in place, so the only large buffers are the matrices). */
function unitRows(count: number, seed: number, out: Float32Array = new Float32Array(count * d)): Float32Array {
  const next = rng(seed);
  for (let i = 0; i < count; i++) {
    let norm = 0;
    for (let j = 0; j < d; j++) norm += (out[i * d + j] = next() * 2 - 1) ** 2;
    const inv = 1 / Math.sqrt(norm);
    for (let j = 0; j < d; j++) out[i * d + j]! *= inv;
  }
  return out;
}

/** The plain TypeScript loop: scores, log-sum-exp and a top-k by sorting ids of the best. */
function typescriptSearch(matrix: Float32Array, n: number, query: Float32Array): number[] {
  const scores = new Float32Array(n);
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    let dot = 0;
    for (let j = 0; j < d; j++) dot += matrix[i * d + j]! * query[j]!;
    scores[i] = tau * dot;
    if (scores[i]! > max) max = scores[i]!;
  }
  let sum = 0;
  for (let i = 0; i < n; i++) sum += Math.exp(scores[i]! - max);
  void (max + Math.log(sum));
  const best: number[] = [];
  for (let i = 0; i < n; i++) {
    if (best.length < k || scores[i]! > scores[best[k - 1]!]!) {
      best.push(i);
      best.sort((a, b) => scores[b]! - scores[a]! || a - b);
      if (best.length > k) best.pop();
    }
  }
  return best;
}

/** i8 first pass for 4k candidates, then their exact f32 scores. */
function i8Rerank(i8: EmbeddingMatrix, exact: Float32Array, query: Float32Array): number[] {
  const first = kernels.searchPass(i8, query, tau, 4 * k);
  const rescored = Array.from(first.indices, (i) => {
    let dot = 0;
    for (let j = 0; j < d; j++) dot += exact[i * d + j]! * query[j]!;
    return { i, dot };
  });
  return rescored
    .sort((a, b) => b.dot - a.dot || a.i - b.i)
    .slice(0, k)
    .map((r) => r.i);
}

const status = kernelStatus();
console.log(
  `kernels: ${status.backend}, ${status.threads} threads; d = ${d}, k = ${k}, ${queryCount} queries per native row`,
);
const rows: string[][] = [];
for (const n of sizes) {
  const f32 = allocateMatrix('f32', n, d);
  unitRows(n, n, f32.data);
  const f16 = allocateMatrix('f16', n, d);
  f16.data.set(kernels.f32ToF16(f32.data));
  const i8 = quantizeI8(f32);
  const queries = unitRows(queryCount, 1);
  const query = (r: number) => queries.subarray((r % queryCount) * d, ((r % queryCount) + 1) * d);

  const limitF16 = readAll ? time(5, () => readAll(f16.data)) : undefined;
  const limitF32 = readAll ? time(5, () => readAll(f32.data)) : undefined;
  const nativeF32 = time(queryCount, (r) => kernels.searchPass(f32, query(r), tau, k));
  const nativeF16 = time(queryCount, (r) => kernels.searchPass(f16, query(r), tau, k));
  // The async pass, as the search calls it: on a Mac the GPU's (Metal), elsewhere the C++ threads behind a worker hop.
  const asyncF16 = await timeAsync(queryCount, (r) => kernels.searchPassAsync(f16, query(r), tau, k));
  const asyncBackend = kernelStatus().lastRun.searchPass;
  const nativeI8 = time(queryCount, (r) => i8Rerank(i8, f32.data, query(r)));
  const truth = Array.from(kernels.searchPass(f32, query(0), tau, k).indices);
  const recallI8 = i8Rerank(i8, f32.data, query(0)).filter((i) => truth.includes(i)).length / k;
  const rss = process.memoryUsage().rss;

  const slowRuns = Math.max(5, Math.min(queryCount, Math.round(1e7 / n)));
  const ts = time(slowRuns, (r) => typescriptSearch(f32.data, n, query(r)));

  // sqlite-vec: its brute-force KNN over a vec0 table (L2 distance on unit vectors = the same ranking).
  const db = new Database(':memory:');
  sqliteVec.load(db);
  db.exec(`create virtual table vectors using vec0(embedding float[${d}])`);
  const insert = db.prepare('insert into vectors(rowid, embedding) values (?, ?)');
  db.transaction(() => {
    for (let i = 0; i < n; i++) insert.run(BigInt(i), Buffer.from(f32.data.buffer, i * d * 4, d * 4));
  })();
  const knn = db.prepare('select rowid from vectors where embedding match ? and k = ?');
  const sqlite = time(slowRuns, (r) => knn.all(Buffer.from(query(r).slice().buffer), k));
  db.close();

  const ms = (t: { p50: number; p95: number }) => `${t.p50.toFixed(1)} / ${t.p95.toFixed(1)}`;
  const bytes = (matrix: EmbeddingMatrix) => matrix.data.byteLength;
  rows.push([
    `${n}`,
    'native f32',
    ms(nativeF32),
    (sqlite.p50 / nativeF32.p50).toFixed(1),
    (ts.p50 / nativeF32.p50).toFixed(1),
    limitF32 ? `${((100 * limitF32.p50) / nativeF32.p50).toFixed(0)} %` : '-',
  ]);
  rows.push([
    `${n}`,
    'native f16',
    ms(nativeF16),
    (sqlite.p50 / nativeF16.p50).toFixed(1),
    (ts.p50 / nativeF16.p50).toFixed(1),
    limitF16 ? `${((100 * limitF16.p50) / nativeF16.p50).toFixed(0)} %` : '-',
  ]);
  rows.push([
    `${n}`,
    `async f16 (${asyncBackend})`,
    ms(asyncF16),
    (sqlite.p50 / asyncF16.p50).toFixed(1),
    (ts.p50 / asyncF16.p50).toFixed(1),
    limitF16 ? `${((100 * limitF16.p50) / asyncF16.p50).toFixed(0)} %` : '-',
  ]);
  rows.push([
    `${n}`,
    `native i8+re-rank (recall@${k} ${recallI8.toFixed(2)})`,
    ms(nativeI8),
    (sqlite.p50 / nativeI8.p50).toFixed(1),
    (ts.p50 / nativeI8.p50).toFixed(1),
    '-',
  ]);
  rows.push([`${n}`, 'sqlite-vec vec0 KNN', ms(sqlite), '1.0', '', '']);
  rows.push([`${n}`, 'TypeScript loop (f32)', ms(ts), '', '1.0', '']);
  if (limitF16 && limitF32) {
    const gbs = (b: number, t: number) => (b / 1e9 / (t / 1e3)).toFixed(1);
    rows.push([`${n}`, `read-only pass f16 (${gbs(bytes(f16), limitF16.p50)} GB/s)`, ms(limitF16), '', '', '100 %']);
    rows.push([`${n}`, `read-only pass f32 (${gbs(bytes(f32), limitF32.p50)} GB/s)`, ms(limitF32), '', '', '100 %']);
  }
  rows.push([
    `${n}`,
    `RSS ${(rss / 2 ** 20).toFixed(0)} MiB; matrices f32 ${(bytes(f32) / 2 ** 20).toFixed(0)} + f16 ${(bytes(f16) / 2 ** 20).toFixed(0)} + i8 ${(bytes(i8) / 2 ** 20).toFixed(0)} MiB`,
    '',
    '',
    '',
    '',
  ]);
}

const header = ['n', 'path', 'p50 / p95 ms', '× sqlite-vec', '× TS loop', 'of bandwidth limit'];
const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
for (const row of [header, ...rows]) console.log(row.map((cell, c) => cell.padEnd(widths[c]!)).join('  '));
console.log('targets: ≥ 5× sqlite-vec, ≥ 10× the TS loop, ≥ 50 % of the bandwidth limit at 1M in fp16');
