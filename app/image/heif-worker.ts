/**
 * Worker-thread entry that decodes HEIF photos (synchronous WebAssembly, up to seconds a photo) off the
 * thread that answers searches and reports progress. One request at a time; pixels are transferred back.
 */
import { parentPort } from 'node:worker_threads';
import { describeError, isEidosError } from '../errors.ts';
import { decodeHeif } from './heif-decode.ts';
import type { HeifReply, HeifRequest } from './heif-protocol.ts';

const port = parentPort;
if (!port) throw new Error('heif-worker.ts runs as a worker thread only');

port.on('message', (request: HeifRequest) => {
  let reply: HeifReply;
  try {
    const result = decodeHeif(request.file, request.bytes, request.need, request.maxPixels);
    reply = { id: request.id, kind: 'decoded', result };
    port.postMessage(reply, [result.pixels.data.buffer as ArrayBuffer]);
    return;
  } catch (error) {
    reply = { id: request.id, kind: 'error', code: isEidosError(error) ? error.code : 'DECODE_FAILED', message: isEidosError(error) ? error.message : `Could not decode ${request.file}: ${describeError(error)}` };
  }
  port.postMessage(reply);
});
