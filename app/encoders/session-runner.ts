/**
 * The onnxruntime sessions of one model and the one function that runs a request on them, shared by
 * the encoder worker (app/encoders/encoder-worker.ts) and by an encoder that runs on its caller's thread
 * (a one-shot CLI command, where nothing else waits on that thread).
 */
import type { InferenceSession } from 'onnxruntime-node';
import { EidosError } from '../contract/errors.ts';
import { paddedBatchSize } from './execution-providers.ts';
import { normalizeRows } from './normalize.ts';
import { checkTextSession, checkVisionSession, fixedBatchOf, openSession, runText, runVision } from './onnx-session.ts';
import type { SessionReport, WorkerInit, WorkerRequest } from './protocol.ts';
import { GemmaTokenizer } from '../tokenizer/gemma-tokenizer.ts';

export interface SessionRunner {
  sessions: SessionReport[];
  /** Embeds one request's photos or texts: L2-normalised rows, n × d. */
  run(req: WorkerRequest): Promise<{ data: Float32Array; d: number }>;
  release(): Promise<void>;
}

export async function openRunner(init: WorkerInit): Promise<SessionRunner> {
  // First, so a damaged tokenizer fails before any session is open (nothing to release).
  const spec = init.textTokenizer;
  const tokenizer = spec
    ? GemmaTokenizer.fromFiles(spec.tokenizerJson, spec.tokenizerConfig, {
        lowercase: spec.lowercase,
        padId: spec.padId,
      })
    : undefined;
  const reports: SessionReport[] = [];
  let vision: InferenceSession | undefined;
  let text: InferenceSession | undefined;
  let visionBatch: number | undefined;
  let textBatch: number | undefined;
  if (init.visionPath) {
    const opened = await openSession({
      path: init.visionPath,
      provider: init.provider,
      coreMlFlags: init.coreMlFlags,
      threads: init.threads,
    });
    checkVisionSession(opened.session, init.visionPath, init.outputs?.image);
    vision = opened.session;
    // Padding follows the graph the session has: a fixed batch (the Core ML copy) takes exactly that many rows.
    visionBatch = fixedBatchOf(opened.session, 'pixel_values');
    reports.push({
      tower: 'vision',
      provider: opened.provider,
      ...(opened.fallbackReason ? { fallbackReason: opened.fallbackReason } : {}),
      file: init.visionPath,
      ...(visionBatch === undefined ? {} : { fixedBatch: visionBatch }),
      ...(init.visionGraphProblem ? { graphProblem: init.visionGraphProblem } : {}),
    });
  }
  if (init.textPath) {
    // The text tower runs at batch sizes of one or a few queries: the CPU is as fast as Core ML's
    // compile-and-dispatch there, and dynamic shapes are fine on it.
    const opened = await openSession({ path: init.textPath, provider: 'cpu', threads: init.threads, memArena: false });
    checkTextSession(opened.session, init.textPath, init.outputs?.text);
    text = opened.session;
    textBatch = fixedBatchOf(opened.session, 'input_ids');
    reports.push({ tower: 'text', provider: opened.provider, file: init.textPath });
  }

  return {
    sessions: reports,
    async run(req) {
      if (req.kind === 'image') {
        if (!vision) throw new EidosError('INTERNAL', 'this encoder has no vision tower');
        const per = 3 * init.imageSize * init.imageSize;
        const parts: Float32Array[] = [];
        let d = 0;
        // A fixed-batch session runs at most its batch per run: a larger request is cut into such runs.
        const step = visionBatch ?? req.n;
        for (let start = 0; start < req.n; start += step) {
          const n = Math.min(step, req.n - start);
          const rows = paddedBatchSize(n, visionBatch);
          let pixels = req.pixels;
          if (rows !== req.n) {
            pixels = new Float32Array(rows * per); // blank rows after the photos
            pixels.set(req.pixels.subarray(start * per, (start + n) * per));
          }
          const out = await runVision(vision, pixels, rows, init.imageSize, init.outputs?.image);
          parts.push(out.data.subarray(0, n * out.d));
          d = out.d;
        }
        const data = new Float32Array(req.n * d);
        parts.forEach((part, i) => data.set(part, i * step * d));
        return { data: normalizeRows(data, req.n, d), d };
      }
      if (!text) throw new EidosError('INTERNAL', 'this encoder has no text tower');
      if (req.kind === 'texts') {
        if (!tokenizer) throw new EidosError('INTERNAL', 'this encoder has no tokenizer on its sessions’ thread');
        const { inputIds, attentionMask } = tokenizer.encodeBatch(req.texts, req.len);
        req = { id: req.id, kind: 'text', ids: inputIds, mask: attentionMask, n: req.texts.length, len: req.len };
      }
      const outputName = init.outputs?.text;
      if (textBatch === undefined || textBatch === req.n) {
        const out = await runText(text, req.ids, req.mask, req.n, req.len, outputName);
        return { data: normalizeRows(out.data.slice(0, req.n * out.d), req.n, out.d), d: out.d };
      }
      // A text graph with a fixed batch (some open_clip exports fix it to 1): run that many rows at a time.
      const rows: Float32Array[] = [];
      let d = 0;
      for (let start = 0; start < req.n; start += textBatch) {
        const count = Math.min(textBatch, req.n - start);
        const ids = new BigInt64Array(textBatch * req.len);
        const mask = new BigInt64Array(textBatch * req.len);
        ids.set(req.ids.subarray(start * req.len, (start + count) * req.len));
        mask.set(req.mask.subarray(start * req.len, (start + count) * req.len));
        const out = await runText(text, ids, mask, textBatch, req.len, outputName);
        rows.push(out.data.slice(0, count * out.d));
        d = out.d;
      }
      const data = new Float32Array(req.n * d);
      rows.forEach((part, i) => data.set(part, i * textBatch * d));
      return { data: normalizeRows(data, req.n, d), d };
    },
    async release() {
      await vision?.release();
      await text?.release();
    },
  };
}
