/**
 * Where an encoder's sessions run. Normally in a worker thread, so the thread that decodes photos,
 * serves the UI or answers queries is never blocked by inference (onnxruntime's `run` blocks its
 * thread). A one-shot command (`eidos search`, `eidos explain`) has nothing else on its thread, so it
 * may run the sessions there and skip a worker's start-up (~100 ms of a search that takes a few hundred).
 */
import type { Worker } from 'node:worker_threads';
import { EidosError } from '../contract/errors.ts';
import { startWorker } from '../workers/start-worker.ts';
import type { SessionReport, WorkerInit, WorkerReply, WorkerRequest } from './protocol.ts';

export type Placement = 'worker' | 'this-thread';

export interface EncoderTransport {
  readonly sessions: SessionReport[];
  /** Runs one request; `transfer` lists buffers the caller gives up (moved to a worker, not copied). */
  run(req: WorkerRequest, transfer: ArrayBuffer[]): Promise<{ data: Float32Array; d: number }>;
  close(): Promise<void>;
}

export function openTransport(init: WorkerInit, placement: Placement): Promise<EncoderTransport> {
  return placement === 'worker' ? workerTransport(init) : thisThreadTransport(init);
}

async function thisThreadTransport(init: WorkerInit): Promise<EncoderTransport> {
  // onnxruntime loads into this thread only when it runs sessions here.
  const { openRunner } = await import('./session-runner.ts');
  const runner = await openRunner(init);
  // One run at a time, in order, as in the worker.
  let queue: Promise<unknown> = Promise.resolve();
  let closed = false;
  return {
    sessions: runner.sessions,
    run(req) {
      if (closed) return Promise.reject(new EidosError('INTERNAL', 'the encoder was closed'));
      const result = queue.then(() => runner.run(req));
      queue = result.catch(() => undefined);
      return result;
    },
    async close() {
      closed = true;
      await queue;
      await runner.release();
    },
  };
}

type Pending = {
  resolve: (result: { data: Float32Array; d: number }) => void;
  reject: (error: Error) => void;
  settled: Promise<unknown>;
};

async function workerTransport(init: WorkerInit): Promise<EncoderTransport> {
  const worker: Worker = startWorker('encoder-worker', init as unknown as Record<string, unknown>);
  const sessions = await new Promise<SessionReport[]>((resolve, reject) => {
    const onMessage = (reply: WorkerReply): void => {
      worker.off('message', onMessage);
      if (reply.kind === 'ready') resolve(reply.sessions);
      else if (reply.kind === 'failed') reject(new EidosError(reply.code as EidosError['code'], reply.message));
      else reject(new EidosError('INTERNAL', 'the encoder worker answered before it was ready'));
    };
    worker.on('message', onMessage);
    worker.once('error', reject);
  }).catch(async (error: unknown) => {
    await worker.terminate();
    throw error;
  });

  const pending = new Map<number, Pending>();
  let nextId = 1;
  let closed = false;
  const failAll = (error: Error): void => {
    for (const waiter of pending.values()) waiter.reject(error);
    pending.clear();
  };
  worker.on('message', (reply: WorkerReply) => {
    if (!('id' in reply)) return;
    const waiter = pending.get(reply.id);
    if (!waiter) return;
    pending.delete(reply.id);
    if (reply.kind === 'result') waiter.resolve({ data: reply.data, d: reply.d });
    else waiter.reject(new EidosError(reply.code as EidosError['code'], reply.message));
  });
  worker.on('error', failAll);
  worker.on('exit', (code) => {
    if (!closed) failAll(new EidosError('INTERNAL', `the encoder worker stopped unexpectedly (exit code ${code})`));
  });
  return {
    sessions,
    run(req, transfer) {
      if (closed) return Promise.reject(new EidosError('INTERNAL', 'the encoder was closed'));
      const id = nextId++;
      let settle!: () => void;
      const settled = new Promise<void>((done) => (settle = done));
      return new Promise<{ data: Float32Array; d: number }>((resolve, reject) => {
        pending.set(id, { resolve, reject, settled });
        worker.postMessage({ ...req, id }, transfer);
      }).finally(settle);
    },
    async close() {
      closed = true;
      // A run in flight finishes first: terminating the thread while onnxruntime runs in it aborts the
      // whole process (a native exception with no JavaScript left to take it). Callers send one chunk at
      // a time, so this waits for one run at most; later chunks are refused above.
      await Promise.allSettled([...pending.values()].map((waiter) => waiter.settled));
      await worker.terminate();
    },
  };
}
