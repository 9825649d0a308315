/**
 * Runs `fitLayout` on its own worker thread (map-worker.ts) and resolves to the coordinates and the matrix;
 * `control` reports progress and cancels.
 */
import { EidosError } from '../contract/errors.ts';
import type { EmbeddingMatrix, JobControl } from '../kernels/contract.ts';
import { resourceRoot } from '../resources.ts';
import { startWorker } from '../workers/start-worker.ts';
import type { LayoutOptions } from './layout.ts';
import { matrixBuffers, type LayoutReply, type LayoutRequest } from './map-protocol.ts';

export interface LaidOut {
  xy: Float32Array;
  /** The rows given, back from the worker (the same memory, never copied). */
  matrix: EmbeddingMatrix;
}

/**
 * The matrix is lent to the worker: its buffers are transferred there and back, not copied (at a million
 * 512-d f16 rows a copy is another GiB at the layout's peak). From the call on, the caller's `matrix` is
 * detached (empty) and must not be used: it reads the rows from the `matrix` this resolves to. So the
 * matrix must own its buffers: one made for the layout (library-map.ts gathers it), not a view into data
 * someone else holds. If the layout fails or is cancelled the rows are gone with the worker. The control
 * array is on a SharedArrayBuffer: shared, not moved, so progress and cancel cross.
 */
export function layoutInWorker(
  matrix: EmbeddingMatrix,
  options: LayoutOptions,
  control?: JobControl,
): Promise<LaidOut> {
  const request: LayoutRequest = { resourceRoot: resourceRoot(), matrix, options, ...(control ? { control } : {}) };
  const worker = startWorker('map-worker', request as unknown as Record<string, unknown>, matrixBuffers(matrix));
  return new Promise<LaidOut>((resolve, reject) => {
    let settled = false;
    worker.once('message', (reply: LayoutReply) => {
      settled = true;
      if (reply.kind === 'done') resolve({ xy: reply.xy, matrix: reply.matrix });
      else reject(new EidosError('INTERNAL', `the map layout failed: ${reply.message}`));
      void worker.terminate();
    });
    worker.once('error', (error) => {
      if (!settled) reject(new EidosError('INTERNAL', `the map worker failed: ${error.message}`, { cause: error }));
      settled = true;
    });
    worker.once('exit', (code) => {
      if (!settled)
        reject(new EidosError('INTERNAL', `the map worker exited (code ${code}) before the layout was done`));
    });
  });
}
