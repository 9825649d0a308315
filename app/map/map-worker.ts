/**
 * Worker-thread entry that lays out the library map (app/map/layout.ts). The neighbour search and the
 * epochs run in native code on libuv's threads either way; the worker keeps the layout's own JavaScript
 * (the graph's distances, the unit square) off the thread that answers searches. One layout per worker;
 * the coordinates and the matrix (moved here, not copied: layout-worker.ts) are transferred back.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { describeError } from '../contract/errors.ts';
import { setResourceRoot } from '../resources.ts';
import { matrixBuffers, type LayoutReply, type LayoutRequest } from './map-protocol.ts';

const port = parentPort;
if (!port) throw new Error('map-worker.ts runs as a worker thread only');
const request = workerData as LayoutRequest;
setResourceRoot(request.resourceRoot);

try {
  // Imported after the resource root is set: the kernels find the native addon through it.
  const { kernels } = await import('../kernels/index.ts');
  const { fitLayout } = await import('./layout.ts');
  const xy = await fitLayout(request.matrix, request.options, kernels, undefined, request.control);
  const reply: LayoutReply = { kind: 'done', xy, matrix: request.matrix };
  port.postMessage(reply, [xy.buffer as ArrayBuffer, ...matrixBuffers(request.matrix)]);
} catch (error) {
  const reply: LayoutReply = { kind: 'failed', message: describeError(error) };
  port.postMessage(reply);
}
