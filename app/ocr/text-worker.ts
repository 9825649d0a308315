/**
 * Text worker: owns the text reader's onnxruntime sessions and reads one photo (or makes one first look,
 * text-gate.ts) at a time on this thread, so the thread that indexes, serves the UI or answers queries is
 * never blocked by inference.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { releaseFreedMemory } from '../kernels/index.ts';
import { setResourceRoot } from '../resources.ts';
import { detectionTurns } from './detection-turns.ts';
import { PpOcrReader } from './ppocr-reader.ts';
import type { TextWorkerInit, TextWorkerReply, TextWorkerRequest } from './text-protocol.ts';

const init = workerData as TextWorkerInit;
const TRIM_EVERY_LOOKS = 16;
let looks = 0;
setResourceRoot(init.resourceRoot);
const port = parentPort;
if (!port) throw new Error('text-worker must run in a worker thread');

async function start(): Promise<void> {
  const reader = await PpOcrReader.open(
    init.files,
    init.threads,
    init.settings,
    detectionTurns(init.detectionTurn, init.worker),
  );
  let queue: Promise<void> = Promise.resolve();
  port!.on('message', (req: TextWorkerRequest) => {
    queue = queue.then(async () => {
      try {
        if (req.kind === 'gate') {
          const mayHoldText = await reader.mayHoldText(req.gate);
          // This thread's freed buffers back to the system now and then: its looks run beside the vision tower
          // (text-gate.ts). After every look, the trim cost more CPU than the look (flickr8k-1k, 2026-12-06).
          if (++looks % TRIM_EVERY_LOOKS === 0) releaseFreedMemory();
          port!.postMessage({ id: req.id, kind: 'gate', mayHoldText } satisfies TextWorkerReply);
          return;
        }
        const { lines, detected } = await reader.read(req.image, req.displayedWidth, req.displayedHeight, req.gate);
        port!.postMessage({ id: req.id, kind: 'result', lines, detected } satisfies TextWorkerReply);
      } catch (error) {
        port!.postMessage({ id: req.id, kind: 'error', message: (error as Error).message } satisfies TextWorkerReply);
      }
    });
  });
  port!.postMessage({ kind: 'ready' } satisfies TextWorkerReply);
}

start().catch((error: unknown) => {
  port.postMessage({ kind: 'failed', message: (error as Error).message } satisfies TextWorkerReply);
});
