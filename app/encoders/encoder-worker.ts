/**
 * Encoder worker: owns the onnxruntime sessions of one model and runs them on this thread, so the
 * thread that decodes photos, serves the UI or answers queries is never blocked by inference.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { InferenceSession } from 'onnxruntime-node';
import { EidosError } from '../contract/errors.ts';
import { paddedBatchSize } from './execution-providers.ts';
import { normalizeRows } from './normalize.ts';
import { checkTextSession, checkVisionSession, openSession, runText, runVision } from './onnx-session.ts';
import type { SessionReport, WorkerInit, WorkerReply, WorkerRequest } from './protocol.ts';

const init = workerData as WorkerInit;
const port = parentPort;
if (!port) throw new Error('encoder-worker must run in a worker thread');

function codeOf(error: unknown): string {
  return error instanceof EidosError ? error.code : 'INTERNAL';
}

async function start(): Promise<void> {
  const reports: SessionReport[] = [];
  let vision: InferenceSession | undefined;
  let text: InferenceSession | undefined;
  let visionProvider = init.provider;
  if (init.visionPath) {
    const opened = await openSession({ path: init.visionPath, provider: init.provider, coreMlFlags: init.coreMlFlags, threads: init.threads, staticBatch: init.staticBatch });
    checkVisionSession(opened.session, init.visionPath);
    vision = opened.session;
    visionProvider = opened.provider;
    reports.push({ tower: 'vision', provider: opened.provider, ...(opened.fallbackReason ? { fallbackReason: opened.fallbackReason } : {}) });
  }
  if (init.textPath) {
    // The text tower runs at batch sizes of one or a few queries: the CPU is as fast as Core ML's
    // compile-and-dispatch there, and dynamic shapes are fine on it.
    const opened = await openSession({ path: init.textPath, provider: 'cpu', threads: init.threads, memArena: false });
    checkTextSession(opened.session, init.textPath);
    text = opened.session;
    reports.push({ tower: 'text', provider: opened.provider });
  }

  const handle = async (req: WorkerRequest): Promise<WorkerReply> => {
    if (req.kind === 'image') {
      if (!vision) throw new EidosError('INTERNAL', 'this encoder has no vision tower');
      const per = 3 * init.imageSize * init.imageSize;
      const padded = paddedBatchSize(init.padBatches === true || visionProvider === 'coreml', req.n, init.staticBatch);
      let pixels = req.pixels;
      if (padded !== req.n) {
        pixels = new Float32Array(padded * per);
        pixels.set(req.pixels);
      }
      const out = await runVision(vision, pixels, padded, init.imageSize);
      const data = normalizeRows(out.data.slice(0, req.n * out.d), req.n, out.d);
      return { id: req.id, kind: 'result', data, d: out.d };
    }
    if (!text) throw new EidosError('INTERNAL', 'this encoder has no text tower');
    const out = await runText(text, req.ids, req.mask, req.n, req.len);
    const data = normalizeRows(out.data.slice(0, req.n * out.d), req.n, out.d);
    return { id: req.id, kind: 'result', data, d: out.d };
  };

  // Requests are served one at a time in arrival order: a session runs one inference at a time anyway.
  let queue: Promise<void> = Promise.resolve();
  port!.on('message', (req: WorkerRequest) => {
    queue = queue.then(async () => {
      try {
        const reply = await handle(req);
        port!.postMessage(reply, reply.kind === 'result' ? [reply.data.buffer as ArrayBuffer] : []);
      } catch (error) {
        port!.postMessage({ id: req.id, kind: 'error', message: (error as Error).message, code: codeOf(error) } satisfies WorkerReply);
      }
    });
  });
  port!.postMessage({ kind: 'ready', sessions: reports } satisfies WorkerReply);
}

start().catch((error: unknown) => {
  port.postMessage({ kind: 'failed', message: (error as Error).message, code: codeOf(error) } satisfies WorkerReply);
});
