/** Messages between the map worker (map-worker.ts) and the thread that starts it (layout-worker.ts). */
import type { EmbeddingMatrix } from '../kernels/contract.ts';
import type { LayoutOptions } from './layout.ts';

/** The buffers a matrix's rows (and an i8 matrix's scales) live in: what moves between the threads. */
export function matrixBuffers(matrix: EmbeddingMatrix): ArrayBuffer[] {
  const buffers = [matrix.data.buffer as ArrayBuffer];
  if (matrix.dtype === 'i8' && matrix.scales.buffer !== matrix.data.buffer)
    buffers.push(matrix.scales.buffer as ArrayBuffer);
  return buffers;
}

export interface LayoutRequest {
  resourceRoot: string;
  matrix: EmbeddingMatrix;
  options: LayoutOptions;
  /** Progress and cancellation shared with the starting thread (JobControl on a SharedArrayBuffer). */
  control?: Int32Array;
}

/** When done, the matrix comes back too: it was moved to the worker, not copied (layout-worker.ts). */
export type LayoutReply =
  { kind: 'done'; xy: Float32Array; matrix: EmbeddingMatrix } | { kind: 'failed'; message: string };
