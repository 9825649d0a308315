/** Messages between the map worker (map-worker.ts) and the thread that starts it (layout-worker.ts). */
import type { EmbeddingMatrix } from '../kernels/contract.ts';
import type { LayoutOptions } from './layout.ts';

export interface LayoutRequest {
  resourceRoot: string;
  matrix: EmbeddingMatrix;
  options: LayoutOptions;
  /** Progress and cancellation shared with the starting thread (JobControl on a SharedArrayBuffer). */
  control?: Int32Array;
}

export type LayoutReply = { kind: 'done'; xy: Float32Array } | { kind: 'failed'; message: string };
