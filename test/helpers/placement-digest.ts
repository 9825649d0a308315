// Child process for test/integration/map/placement-threads.test.ts: finds the placement neighbours of 500
// jittered real embeddings on a 20,000-photo f16 map through the inverted file (native/src/inverted_file.cc)
// with the thread count EIDOS_THREADS gives the addon, and prints the threads and a sha256 of the answer.
import { createHash } from 'node:crypto';
import { kernels, kernelStatus } from '../../app/kernels/index.ts';
import { placementNeighbours, placementPlan } from '../../app/map/placement-neighbours.ts';
import { benchEmbeddings } from './map-embeddings.ts';

const MAP = 20_000;
const NEW = 500;
const source = benchEmbeddings(MAP + NEW);
const { d } = source;
const all = source.data as Float32Array;
const base = { dtype: 'f16' as const, data: kernels.f32ToF16(all.subarray(0, MAP * d)), n: MAP, d };
const found = placementNeighbours(base, 15, all.slice(MAP * d), NEW, kernels);
const digest = createHash('sha256')
  .update(new Uint8Array(found.indices.buffer, found.indices.byteOffset, found.indices.byteLength))
  .update(new Uint8Array(found.similarities.buffer, found.similarities.byteOffset, found.similarities.byteLength))
  .digest('hex');
console.log(JSON.stringify({ threads: kernelStatus().threads, invertedFile: !placementPlan(MAP, NEW).exact, digest }));
