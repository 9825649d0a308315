/** Messages between the image decoding thread (heif-worker.ts) and the rest of the engine. */
import type { HeifDecoded, HeifNeed } from './heif-decode.ts';

export interface HeifRequest {
  id: number;
  file: string;
  bytes: Uint8Array;
  /** Undefined: the primary image at full resolution. */
  need?: HeifNeed;
  maxPixels: number;
}

export type HeifReply =
  | { id: number; kind: 'decoded'; result: HeifDecoded }
  | { id: number; kind: 'error'; code: string; message: string };
