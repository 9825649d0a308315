/**
 * Encoder worker: owns the onnxruntime sessions of one model and runs them on this thread, so the
 * thread that decodes photos, serves the UI or answers queries is never blocked by inference.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { EidosError } from '../contract/errors.ts';
import type { WorkerInit, WorkerReply, WorkerRequest } from './protocol.ts';
import { openRunner } from './session-runner.ts';

const init = workerData as WorkerInit;
const port = parentPort;
if (!port) throw new Error('encoder-worker must run in a worker thread');

function codeOf(error: unknown): string {
  return error instanceof EidosError ? error.code : 'INTERNAL';
}

async function start(): Promise<void> {
  const runner = await openRunner(init);
  // Requests are served one at a time in arrival order: a session runs one inference at a time anyway.
  let queue: Promise<void> = Promise.resolve();
  port!.on('message', (req: WorkerRequest) => {
    queue = queue.then(async () => {
      try {
        const { data, d } = await runner.run(req);
        port!.postMessage({ id: req.id, kind: 'result', data, d } satisfies WorkerReply, [data.buffer as ArrayBuffer]);
      } catch (error) {
        port!.postMessage({
          id: req.id,
          kind: 'error',
          message: (error as Error).message,
          code: codeOf(error),
        } satisfies WorkerReply);
      }
    });
  });
  port!.postMessage({ kind: 'ready', sessions: runner.sessions } satisfies WorkerReply);
}

start().catch((error: unknown) => {
  port.postMessage({ kind: 'failed', message: (error as Error).message, code: codeOf(error) } satisfies WorkerReply);
});
