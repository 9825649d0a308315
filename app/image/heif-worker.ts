/**
 * Worker-thread entry that decodes HEIF photos (synchronous WebAssembly, up to seconds a photo) off the
 * thread that answers searches and reports progress, and shrinks them to the caller's bounds here, so
 * only the pixels needed cross back (transferred, not copied).
 */
import { parentPort } from 'node:worker_threads';
import sharp from 'sharp';
import { describeError, isEidosError } from '../contract/errors.ts';
import { boundedScale } from './bounds.ts';
import { decodeHeif, type HeifDecoded } from './heif-decode.ts';
import type { HeifReply, HeifRequest } from './heif-protocol.ts';

const port = parentPort;
if (!port) throw new Error('heif-worker.ts runs as a worker thread only');

/** The same resize the main thread would run (libvips, lanczos3, exact size), on this thread. */
async function shrink(decoded: HeifDecoded, request: HeifRequest): Promise<HeifDecoded> {
  const { width, height, channels, data } = decoded.pixels;
  const scale = boundedScale(width, height, request.bounds);
  if (scale >= 1) return decoded;
  const target = { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
  const resized = await sharp(data, { raw: { width, height, channels } })
    .resize({ ...target, fit: 'fill' })
    .raw()
    .toBuffer();
  return {
    ...decoded,
    pixels: { data: new Uint8Array(resized.buffer, resized.byteOffset, resized.byteLength), ...target, channels },
  };
}

port.on('message', async (request: HeifRequest) => {
  let reply: HeifReply;
  try {
    const result = await shrink(
      decodeHeif(request.file, request.bytes, request.bounds.embedded, request.maxPixels),
      request,
    );
    reply = { id: request.id, kind: 'decoded', result };
    port.postMessage(reply, [result.pixels.data.buffer as ArrayBuffer]);
    return;
  } catch (error) {
    reply = {
      id: request.id,
      kind: 'error',
      code: isEidosError(error) ? error.code : 'DECODE_FAILED',
      message: isEidosError(error) ? error.message : `Could not decode ${request.file}: ${describeError(error)}`,
    };
  }
  port.postMessage(reply);
});
