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
/**
 * The image pass's looks run beside the vision tower, and what they free stays with the C allocator until
 * trimmed: so after a look, once the process has grown by this much since the last trim (or the first look),
 * the worker hands freed memory back. A trim also hands back the vision tower's freed pages, which it then
 * faults in again, so it is not done after every look nor every few: on flickr8k-1k (small photos, small
 * looks) trimming every 16 looks added 14.3–14.5 s of CPU to the image pass against 10.0–11.6 s without any
 * trim, while on text-in-photos (large looks) the image pass peaked at 878 MiB with those trims and 1,072 MiB
 * without. With this rule: 8 trims over flickr8k-1k, whose image pass took 11.4–11.8 s of CPU more than
 * without text and peaked at 815 MiB; text-in-photos' image pass peaked at 807 MiB (test/bench/text-index.ts,
 * 2026-12-06).
 */
const TRIM_AFTER_GROWTH = 64 * 2 ** 20;
let rssAfterTrim: number | undefined;

function trimWhenGrown(): void {
  const rss = process.memoryUsage.rss();
  if (rssAfterTrim === undefined) rssAfterTrim = rss;
  else if (rss - rssAfterTrim > TRIM_AFTER_GROWTH) {
    releaseFreedMemory();
    rssAfterTrim = process.memoryUsage.rss();
  }
}
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
          trimWhenGrown();
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
