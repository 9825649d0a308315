/**
 * The vision tower of a quantised model on the CPU as two one-thread sessions, each in its own worker,
 * instead of one session split across the cores. onnxruntime's integer kernels split poorly: a batch of 8
 * through the CLIP ViT-B/32 int8 twin took 59 ms of CPU a photo on one thread and 68–71 on two, where the
 * fp32 twin took 88.5 and 89.5–90.2 (2026-12-06). While indexing the cores are full anyway and the indexer
 * keeps two batches in flight, so each worker runs one: the int8 twin's image phase went from 42 ms a photo
 * (81 ms CPU) to 40 (76) in test/bench/index-vs-raw.ts; the fp32 twin's stayed at 57 (110–111).
 *
 * Each worker holds its own copy of the weights, so the pool is only for a graph of at most
 * VISION_POOL_MAX_BYTES; Core ML (one device, which takes the whole batch) never pools.
 */
import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { availableParallelism } from 'node:os';
import { EidosError } from '../contract/errors.ts';
import type { EncoderTransport } from './encoder-transport.ts';
import type { WorkerRequest } from './protocol.ts';

/** The largest vision graph that gets a pool: `eidos index` must stay under 1.2 GB (issue 22). */
export const VISION_POOL_MAX_BYTES = 200 * 1024 * 1024;

/** A transformers.js-style export whose weights are 8-bit integers (`vision_model_quantized.onnx`, `…_int8`, `…_uint8`). */
const QUANTISED = /_(quantized|int8|uint8)\.onnx$/;

/** How many vision workers a graph gets: two for a small quantised graph on the CPU of a machine with two cores or more, else one. */
export function visionWorkerCount(visionPath: string, provider: string, cores = availableParallelism()): number {
  if (provider !== 'cpu' || cores < 2 || !QUANTISED.test(basename(visionPath))) return 1;
  let bytes: number;
  try {
    bytes = statSync(visionPath).size;
  } catch {
    return 1;
  }
  return bytes <= VISION_POOL_MAX_BYTES ? 2 : 1;
}

/**
 * One transport over several: each image request goes to the member with the fewest requests in flight;
 * any other request (text) to the first, the only one that may hold a text tower.
 */
export function pooledTransport(members: EncoderTransport[]): EncoderTransport {
  const first = members[0];
  if (first === undefined) throw new EidosError('INTERNAL', 'a vision pool needs at least one worker');
  const inFlight = members.map(() => 0);
  return {
    sessions: first.sessions,
    async run(req: WorkerRequest, transfer: ArrayBuffer[]) {
      let chosen = 0;
      if (req.kind === 'image')
        for (let i = 1; i < members.length; i++) if (inFlight[i]! < inFlight[chosen]!) chosen = i;
      inFlight[chosen]!++;
      try {
        return await members[chosen]!.run(req, transfer);
      } finally {
        inFlight[chosen]!--;
      }
    },
    async close() {
      await Promise.all(members.map((member) => member.close()));
    },
  };
}
