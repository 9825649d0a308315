// The library map, measured in one run:
//  1. map of --n photos (512-d) from embeddings to stored layout (native exact kNN + umap-js epochs on the
//     map worker + regions + concept names + the SQLite write) vs a straightforward umap-js run with its own
//     neighbour search (NN-descent, cosine) on the same embeddings; target ≤ 0.5×.
//  2. map of --large photos: time and peak memory (RSS of this process, the worker included).
//  3. placing --place new photos onto the --large map, against the full layout's time; target ≤ 1 %.
//  Embeddings: real CLIP ViT-B/32 Flickr8k image embeddings, jittered up to size (map-data.ts).
//   node bin/run-ts.js test/bench/map.ts [--n 10000] [--large 100000] [--place 1000] [--skip-large] [--skip-small]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { UMAP } from 'umap-js';
import type { EmbeddingMatrix } from '../../app/kernels/contract.ts';
import { kernels, kernelStatus } from '../../app/kernels/index.ts';
import { layoutInWorker } from '../../app/map/layout-worker.ts';
import { libraryMap } from '../../app/map/library-map.ts';
import { placePoints } from '../../app/map/place.ts';
import { openIndex } from '../../app/store/open.ts';
import { mulberry32 } from '../../app/util/mulberry32.ts';
import { unitRows } from '../unit/kernels/fixtures.ts';
import { benchEmbeddings } from './map-data.ts';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '10000' },
    large: { type: 'string', default: '100000' },
    place: { type: 'string', default: '1000' },
    'skip-large': { type: 'boolean', default: false },
    'skip-small': { type: 'boolean', default: false },
  },
});
const n = Number(values.n);
const large = Number(values.large);
const placeCount = Number(values.place);
const MODEL = 'bench-model';
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** Peak RSS while `work` runs, sampled every 100 ms (the worker thread's memory is this process's). */
async function withPeakRss<T>(work: () => Promise<T>): Promise<{ result: T; peakBytes: number }> {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 100);
  try {
    const result = await work();
    return { result, peakBytes: Math.max(peak, process.memoryUsage.rss()) };
  } finally {
    clearInterval(timer);
  }
}

/** Ours, end to end: embeddings → layout (worker) → regions and names → the map stored in a fresh index. */
async function ourMap(matrix: EmbeddingMatrix): Promise<{ ms: number; xy: Float32Array }> {
  const dir = mkdtempSync(join(tmpdir(), 'eidos-map-bench-'));
  const store = openIndex(join(dir, 'index.sqlite'));
  try {
    // The map rows reference the model: one photo registers it (outside the timing).
    const folderId = store.addFolder(join(dir, 'photos')).id;
    store.writeBatch({
      modelId: MODEL,
      items: [
        {
          kind: 'indexed',
          file: { folderId, path: join(dir, 'photos', 'a.jpg'), size: 1, mtimeMs: 0, format: 'jpeg' },
          contentHash: 'h0',
          metadata: {},
          embedding: (matrix.data as Float32Array).slice(0, matrix.d),
        },
      ],
    });
    const concepts = {
      names: Array.from({ length: 1000 }, (_, c) => `concept ${c}`),
      embeddings: unitRows(1000, matrix.d, 5),
    };
    const started = performance.now();
    const state = await libraryMap({
      store,
      modelId: MODEL,
      matrix,
      contentHashes: Array.from({ length: matrix.n }, (_, i) => `h${i}`),
      concepts: async () => concepts,
      tau: 100,
      layout: layoutInWorker,
      kernels,
    });
    return { ms: performance.now() - started, xy: state.xy };
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** 1 − cos(a, b), as umap-js's own (unexported) `cosine` computes it. */
function cosine(a: number[], b: number[]): number {
  let dot = 0,
    na = 0,
    nb = 0;
  for (let j = 0; j < a.length; j++) {
    dot += a[j]! * b[j]!;
    na += a[j]! ** 2;
    nb += b[j]! ** 2;
  }
  return na === 0 || nb === 0 ? 0 : 1 - dot / Math.sqrt(na * nb);
}

/** The comparator: umap-js as its README shows it, with its own NN-descent on cosine distance. */
function plainUmap(matrix: EmbeddingMatrix): number {
  const { d } = matrix;
  const data = Array.from({ length: matrix.n }, (_, i) => Array.from(matrix.data.subarray(i * d, (i + 1) * d)));
  const started = performance.now();
  new UMAP({ nComponents: 2, nNeighbors: 15, minDist: 0.1, distanceFn: cosine, random: mulberry32(1) }).fit(data);
  return performance.now() - started;
}

console.log(`kernels: ${JSON.stringify(kernelStatus())}`);
if (!values['skip-small']) {
  const matrix = benchEmbeddings(n);
  const ours = await ourMap(matrix);
  const theirs = plainUmap(matrix);
  const ratio = ours.ms / theirs;
  console.log(
    `map of ${n} photos (${matrix.d}-d), embeddings → stored layout: ours ${seconds(ours.ms)} vs umap-js with its own neighbour search ${seconds(theirs)} = ${ratio.toFixed(2)}× (limit ≤ 0.5×) ${ratio <= 0.5 ? 'MET' : 'NOT MET'}`,
  );
}
if (!values['skip-large']) {
  const matrix = benchEmbeddings(large);
  const { result, peakBytes } = await withPeakRss(() => ourMap(matrix));
  console.log(
    `map of ${large} photos: ${seconds(result.ms)}, peak RSS ${(peakBytes / 2 ** 30).toFixed(2)} GiB (the embeddings alone ${((large * matrix.d * 4) / 2 ** 30).toFixed(2)} GiB; report, must finish)`,
  );
  // Placement: the new photos are other jittered copies, placed among the map's points.
  const fresh = benchEmbeddings(large + placeCount, 2);
  const queries = (fresh.data as Float32Array).slice(large * matrix.d);
  const started = performance.now();
  placePoints(matrix, result.xy, queries, placeCount, kernels);
  const placeMs = performance.now() - started;
  const share = placeMs / result.ms;
  console.log(
    `placing ${placeCount} new photos onto the ${large} map: ${seconds(placeMs)} = ${(100 * share).toFixed(2)} % of the full layout (limit ≤ 1 %) ${share <= 0.01 ? 'MET' : 'NOT MET'}`,
  );
}
