// End-to-end text search over N synthetic rows written straight into a temp index (f16, the synthetic
// model's 64 dims): tokenize + encode + full PMI + cut-off + top 50, warm model, against the parts it is
// made of (text encoding alone, the fused kernel pass alone: the floor) and the 50 ms target; then the
// process's resident memory against the matrix bytes. All measured in this one run.
//   node --expose-gc bin/run-ts.js test/bench/search-e2e.ts [--n 100000] [--queries 40]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Engine } from '../../app/service/engine.ts';
import { kernels, kernelStatus } from '../../app/kernels/index.ts';
import { fetchModel } from '../../app/models/fetch-model.ts';
import { modelsDir } from '../../app/paths.ts';
import type { BatchItem } from '../../app/store/types.ts';
import { rng } from '../unit/kernels/fixtures.ts';

const { values } = parseArgs({
  options: { n: { type: 'string', default: '100000' }, queries: { type: 'string', default: '40' } },
});
const n = Number(values.n);
const queryCount = Number(values.queries);
const TARGET_P50_MS = 50;
const MEMORY_FACTOR = 1.1;
const WRITE_BATCH = 5000;
const colours = ['red', 'green', 'blue', 'yellow', 'black', 'white', 'pink', 'orange'];
const places = ['top left', 'top right', 'bottom left', 'bottom right', 'background'];
const queries = Array.from(
  { length: queryCount },
  (_, k) => `${colours[k % 8]} ${places[k % 5]}, ${colours[(k + 3) % 8]} background`,
);

const percentile = (times: number[], p: number) =>
  [...times].sort((a, b) => a - b)[Math.min(times.length - 1, Math.floor((p / 100) * times.length))]!;
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
const settle = () => (globalThis as { gc?: () => void }).gc?.();

async function timed(run: (k: number) => Promise<unknown>): Promise<{ p50: number; p95: number }> {
  const times: number[] = [];
  for (let k = 0; k < queryCount; k++) {
    const t0 = performance.now();
    await run(k);
    times.push(performance.now() - t0);
  }
  return { p50: percentile(times, 50), p95: percentile(times, 95) };
}

const root = mkdtempSync(join(tmpdir(), 'eidos-bench-e2e-'));
const home = join(root, 'home');
try {
  await fetchModel('synthetic-tiny', {}, { modelsDir: modelsDir(home) });
  const writer = Engine.open({ home, model: 'synthetic-tiny' });
  const d = (await (await writer.tower('text')).embedTexts(['red'])).d;
  const folder = writer.store.addFolder(join(root, 'library'));
  const random = rng(7);
  for (let start = 0; start < n; start += WRITE_BATCH) {
    const items: BatchItem[] = [];
    for (let i = start; i < Math.min(n, start + WRITE_BATCH); i++) {
      // Random unit vectors with a positive mean (image embeddings share a direction), stored as f16.
      const v = Float32Array.from({ length: d }, () => random() + 0.5 * (random() - 0.5));
      const norm = Math.hypot(...v);
      const path = join(root, 'library', `p${i}.jpg`);
      items.push({
        kind: 'indexed',
        file: { folderId: folder.id, path, size: 1, mtimeMs: 1, format: 'jpeg' },
        contentHash: `h${i}`,
        metadata: {},
        embedding: kernels.f32ToF16(v.map((x) => x / norm)),
      });
    }
    writer.store.writeBatch({ modelId: 'synthetic-tiny', items });
  }
  await writer.close();

  const engine = Engine.open({ home, model: 'synthetic-tiny' });
  const encoder = await engine.tower('text');
  await encoder.embedTexts(['warm up']);
  settle();
  // JS heap + ArrayBuffers rather than RSS: RSS keeps the pages the writer above freed, so its delta is noise.
  const used = () => process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
  const usedBefore = used();
  const tLoad = performance.now();
  await engine.search({ query: 'red' }); // loads the matrix, embeds the concept bank, computes the prior
  const loadMs = performance.now() - tLoad;
  await engine.search({ query: 'blue' });
  settle();
  const usedAfter = used();

  const e2e = await timed((k) => engine.search({ query: queries[k]!, top: 50 }));
  const encodeOnly = await timed((k) => encoder.embedTexts([queries[k]!]));
  const { library } = await engine.searcher.ready();
  const q = (await encoder.embedTexts(['red top left'])).data;
  const passOnly = await timed(async () =>
    kernels.searchPass(library.matrix, q, engine.model.logitScale, 50, undefined, true),
  );
  const matrixBytes = library.matrix.data.byteLength;
  // Per row besides the matrix: file id (4 B), log prior (4 B), content hash string (~40 B in V8 for "h12345"-like ids, ~80 B for sha256 hex).
  const fixedOverhead = 16 * 2 ** 20;
  const grown = usedAfter - usedBefore;
  const { rows, prior } = engine.searcher.state();
  await engine.close();

  console.log(
    `search e2e, N = ${rows} rows × ${d} dims f16 (${mib(matrixBytes)}), kernels ${kernelStatus().backend}, prior ${prior}; first search (load + bank + prior) ${loadMs.toFixed(0)} ms`,
  );
  console.log('                         p50 ms   p95 ms');
  console.log(
    `ours: end to end       ${e2e.p50.toFixed(2).padStart(8)} ${e2e.p95.toFixed(2).padStart(8)}   target p50 ≤ ${TARGET_P50_MS} ms: ${e2e.p50 <= TARGET_P50_MS ? 'met' : 'MISSED'}`,
  );
  console.log(
    `  text encoding alone  ${encodeOnly.p50.toFixed(2).padStart(8)} ${encodeOnly.p95.toFixed(2).padStart(8)}`,
  );
  console.log(
    `  kernel pass alone    ${passOnly.p50.toFixed(2).padStart(8)} ${passOnly.p95.toFixed(2).padStart(8)}   (floor)`,
  );
  const limit = MEMORY_FACTOR * matrixBytes + fixedOverhead;
  console.log(
    `memory: heap + ArrayBuffers (RSS ${mib(process.memoryUsage().rss)} at the end) grew ${mib(grown)} loading the library; matrix ${mib(matrixBytes)}; limit ${MEMORY_FACTOR} × matrix + ${mib(fixedOverhead)} = ${mib(limit)}: ${grown <= limit ? 'met' : 'MISSED'}`,
  );
} finally {
  rmSync(root, { recursive: true, force: true });
}
