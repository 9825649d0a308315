// Child process for test/integration/map/layout-threads.test.ts: lays out jittered real embeddings
// (NN-descent graph, native UMAP epochs) with the thread count EIDOS_THREADS gives the addon, and prints
// the threads and a sha256 of the graph and of the coordinates.
import { createHash } from 'node:crypto';
import { kernels, kernelStatus } from '../../app/kernels/index.ts';
import { fitCurve } from '../../app/map/curve-fit.ts';
import { benchEmbeddings } from './map-embeddings.ts';

const n = Number(process.argv[2] ?? 6000);
const source = benchEmbeddings(n);
const matrix = { dtype: 'f16' as const, data: kernels.f32ToF16(source.data as Float32Array), n, d: source.d };
const graph = await kernels.nnDescentAsync(matrix, 15, 3);
const distances = graph.similarities.map((s) => Math.max(0, 1 - s));
const { a, b } = fitCurve(0.1);
const xy = await kernels.umapLayoutAsync({ k: 15, indices: graph.indices, distances }, { seed: 3, epochs: 60, a, b });
const digest = (array: ArrayBufferView) =>
  createHash('sha256')
    .update(new Uint8Array(array.buffer, array.byteOffset, array.byteLength))
    .digest('hex');
console.log(JSON.stringify({ threads: kernelStatus().threads, graph: digest(graph.indices), layout: digest(xy) }));
