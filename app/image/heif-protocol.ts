/** Messages between the image decoding thread (heif-worker.ts) and the rest of the engine. */
import type { DecodeBounds } from './bounds.ts';
import type { HeifDecoded } from './heif-decode.ts';

export interface HeifRequest {
  id: number;
  file: string;
  bytes: Uint8Array;
  /** `embedded` allows a thumbnail item; the decoded image is then shrunk to the bounds on the thread. */
  bounds: DecodeBounds;
  maxPixels: number;
}

export type HeifReply =
  { id: number; kind: 'decoded'; result: HeifDecoded } | { id: number; kind: 'error'; code: string; message: string };
