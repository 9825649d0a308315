/**
 * The onnxruntime sessions of one model and the one function that runs a request on them, shared by
 * the encoder worker (app/encoders/encoder-worker.ts) and by an encoder that runs on its caller's thread
 * (a one-shot CLI command, where nothing else waits on that thread).
 */
import type { InferenceSession } from 'onnxruntime-node';
import { EidosError } from '../contract/errors.ts';
import { paddedBatchSize } from './execution-providers.ts';
import { normalizeRows } from './normalize.ts';
import { checkTextSession, checkVisionSession, openSession, runText, runVision } from './onnx-session.ts';
import type { SessionReport, WorkerInit, WorkerRequest } from './protocol.ts';

export interface SessionRunner {
  sessions: SessionReport[];
  /** Embeds one request's photos or texts: L2-normalised rows, n × d. */
  run(req: WorkerRequest): Promise<{ data: Float32Array; d: number }>;
  release(): Promise<void>;
}

export async function openRunner(init: WorkerInit): Promise<SessionRunner> {
  const reports: SessionReport[] = [];
  let vision: InferenceSession | undefined;
  let text: InferenceSession | undefined;
  let visionProvider = init.provider;
  if (init.visionPath) {
    const opened = await openSession({
      path: init.visionPath,
      provider: init.provider,
      coreMlFlags: init.coreMlFlags,
      threads: init.threads,
      staticBatch: init.staticBatch,
    });
    checkVisionSession(opened.session, init.visionPath);
    vision = opened.session;
    visionProvider = opened.provider;
    reports.push({
      tower: 'vision',
      provider: opened.provider,
      ...(opened.fallbackReason ? { fallbackReason: opened.fallbackReason } : {}),
    });
  }
  if (init.textPath) {
    // The text tower runs at batch sizes of one or a few queries: the CPU is as fast as Core ML's
    // compile-and-dispatch there, and dynamic shapes are fine on it.
    const opened = await openSession({ path: init.textPath, provider: 'cpu', threads: init.threads, memArena: false });
    checkTextSession(opened.session, init.textPath);
    text = opened.session;
    reports.push({ tower: 'text', provider: opened.provider });
  }

  return {
    sessions: reports,
    async run(req) {
      if (req.kind === 'image') {
        if (!vision) throw new EidosError('INTERNAL', 'this encoder has no vision tower');
        const per = 3 * init.imageSize * init.imageSize;
        const padded = paddedBatchSize(
          init.padBatches === true || visionProvider === 'coreml',
          req.n,
          init.staticBatch,
        );
        let pixels = req.pixels;
        if (padded !== req.n) {
          pixels = new Float32Array(padded * per);
          pixels.set(req.pixels);
        }
        const out = await runVision(vision, pixels, padded, init.imageSize);
        return { data: normalizeRows(out.data.slice(0, req.n * out.d), req.n, out.d), d: out.d };
      }
      if (!text) throw new EidosError('INTERNAL', 'this encoder has no text tower');
      const out = await runText(text, req.ids, req.mask, req.n, req.len);
      return { data: normalizeRows(out.data.slice(0, req.n * out.d), req.n, out.d), d: out.d };
    },
    async release() {
      await vision?.release();
      await text?.release();
    },
  };
}
