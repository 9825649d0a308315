/** Messages between the engine and an encoder worker (one worker owns one model's sessions). */
import type { ProviderName } from '../models/platform-default.ts';

export interface WorkerInit {
  visionPath?: string;
  textPath?: string;
  provider: ProviderName;
  coreMlFlags?: number;
  threads: number;
  /** Fixed vision batch for Core ML's static shapes. */
  staticBatch: number;
  /** Pad vision batches to `staticBatch` even when the CPU runs them (tests of the Core ML path). */
  padBatches?: boolean;
  imageSize: number;
}

export type WorkerRequest =
  | { id: number; kind: 'image'; pixels: Float32Array; n: number }
  | { id: number; kind: 'text'; ids: BigInt64Array; mask: BigInt64Array; n: number; len: number };

export interface SessionReport {
  tower: 'vision' | 'text';
  provider: ProviderName;
  fallbackReason?: string;
}

export type WorkerReply =
  | { kind: 'ready'; sessions: SessionReport[] }
  | { kind: 'failed'; message: string; code: string }
  | { id: number; kind: 'result'; data: Float32Array; d: number }
  | { id: number; kind: 'error'; message: string; code: string };
