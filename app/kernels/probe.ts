/**
 * `eidos doctor`'s kernel check: every operation run once, through the same dispatch a search uses, on a
 * small seeded library, so that kernelStatus().lastRun names the backend that actually ran each one on
 * this machine (for searchPass and scores, their async calls: the ones the search and the GPU use).
 */
import type { KernelStatus } from './contract.ts';
import { gpuDecided, kernels, kernelStatus } from './index.ts';
import { allocateMatrix } from './matrix.ts';
import { mulberry32 } from '../util/mulberry32.ts';

const ROWS = 4096;
const DIMS = 64;
const BANK = 4;

function unitVectors(count: number, next: () => number): Float32Array {
  const out = Float32Array.from({ length: count * DIMS }, () => next() - 0.5);
  for (let i = 0; i < count; i++) {
    const row = out.subarray(i * DIMS, (i + 1) * DIMS);
    const norm = Math.hypot(...row);
    for (let j = 0; j < DIMS; j++) row[j]! /= norm;
  }
  return out;
}

export async function probeKernels(): Promise<KernelStatus> {
  await gpuDecided(); // so the GPU's search calls below run where a search's would, and the report says why not
  const next = mulberry32(1);
  const rows = unitVectors(ROWS, next);
  const matrix = allocateMatrix('f16', ROWS, DIMS); // the library's dtype
  matrix.data.set(kernels.f32ToF16(rows));
  kernels.f16ToF32(matrix.data.subarray(0, DIMS));
  // The indexer's: a photo's grey picture for its fingerprint.
  kernels.resampleImage(new Uint8Array(DIMS * 3), DIMS, 3, 1, 64, 64, 'bicubic');
  const query = unitVectors(1, next);
  const bank = unitVectors(BANK, next);
  // The synchronous calls first, the async ones (the search's) last: they are what lastRun then reports.
  const pass = kernels.searchPass(matrix, query, 100, 10, undefined, true);
  await kernels.searchPassAsync(matrix, query, 100, 10, undefined, true);
  kernels.logSumExp(pass.scores!, 1);
  kernels.topK(pass.scores!, 10);
  kernels.scores(matrix, bank, BANK);
  await kernels.scoresAsync(matrix, bank, BANK);
  const lse = kernels.bankLogSumExp(matrix, bank, BANK, 50);
  kernels.logPrior(matrix, bank, BANK, 50, lse);
  await kernels.logPriorAsync(matrix, bank, BANK, 50, lse);
  const binned = Uint8Array.from({ length: 2 * ROWS }, () => Math.floor(next() * 4));
  const labels = Uint8Array.from({ length: ROWS }, () => (next() < 0.5 ? 1 : 0));
  kernels.countTables(binned, 2, ROWS, labels, 4);
  kernels.pairCountTables(binned, 2, ROWS, labels, 4, 1);
  // The library map's and the model alignment's neighbour graph, on a slice (it is quadratic in rows).
  const slice = { ...matrix, n: 256, data: matrix.data.subarray(0, 256 * DIMS) };
  kernels.knn(slice, 10);
  await kernels.knnAsync(slice, 10, query, 1);
  // Placing new photos on a large map: the inverted file (its centres here, 4 of the rows).
  kernels.invertedFileSearch(matrix, 10, bank, BANK, rows.subarray(0, 4 * DIMS), 4, 2);
  await kernels.invertedFileSearchAsync(matrix, 10, bank, BANK, rows.subarray(0, 4 * DIMS), 4, 2);
  // The large library map's: NN-descent, and UMAP's epochs on its graph (a few, on the same slice).
  const graph = await kernels.nnDescentAsync(slice, 10, 1);
  const layoutGraph = { k: 10, indices: graph.indices, distances: graph.similarities.map((s) => 1 - s) };
  kernels.nnDescent(slice, 10, 1);
  kernels.umapLayout(layoutGraph, { seed: 1, epochs: 2, a: 1.577, b: 0.895 });
  await kernels.umapLayoutAsync(layoutGraph, { seed: 1, epochs: 2, a: 1.577, b: 0.895 });
  return kernelStatus();
}
