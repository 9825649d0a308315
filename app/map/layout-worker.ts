/** Runs `fitLayout` on its own worker thread (map-worker.ts) and resolves to the coordinates; `control` reports progress and cancels. */
import { EidosError } from '../contract/errors.ts';
import type { EmbeddingMatrix, JobControl } from '../kernels/contract.ts';
import { resourceRoot } from '../resources.ts';
import { startWorker } from '../workers/start-worker.ts';
import type { LayoutOptions } from './layout.ts';
import type { LayoutReply, LayoutRequest } from './map-protocol.ts';

export function layoutInWorker(
  matrix: EmbeddingMatrix,
  options: LayoutOptions,
  control?: JobControl,
): Promise<Float32Array> {
  // The matrix is copied into the worker (structured clone): the search keeps using its own meanwhile.
  // The control array is on a SharedArrayBuffer: shared, not copied, so progress and cancel cross.
  const request: LayoutRequest = { resourceRoot: resourceRoot(), matrix, options, ...(control ? { control } : {}) };
  const worker = startWorker('map-worker', request as unknown as Record<string, unknown>);
  return new Promise<Float32Array>((resolve, reject) => {
    let settled = false;
    worker.once('message', (reply: LayoutReply) => {
      settled = true;
      if (reply.kind === 'done') resolve(reply.xy);
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
