/**
 * The text reader the engine uses: `readPhoto(file, bytes)` → the words in the photo. The portable reader
 * (PP-OCR in a text worker) everywhere; on a Mac the Vision framework through the native addon when it
 * loaded (app/kernels/index.ts), behind the same contract (vision-reader.ts).
 *
 * Bounded per photo: the photo is decoded at most `READ_EDGE` on its long side, the detector keeps at most
 * `maxBoxes` lines, and a photo that takes longer than `timeoutMs` ends the worker (the next photo starts
 * a fresh one) and is recorded as failed with that reason.
 */
import type { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { EidosError } from '../contract/errors.ts';
import type { RecognisedText } from '../contract/photo-text.ts';
import { resourceRoot } from '../resources.ts';
import { startWorker } from '../workers/start-worker.ts';
import { freeTurnOf, newDetectionTurn } from './detection-turns.ts';
import { pixelsForReading } from './photo-pixels.ts';
import { DEFAULT_READER_SETTINGS, type ReaderFiles, type ReaderSettings } from './ppocr-reader.ts';
import { loadReaderFiles } from './reader-files.ts';
import { lookLongestEdge, lookSizeFor, type TextGate } from './text-gate.ts';
import type { TextWorkerInit, TextWorkerJob, TextWorkerReply, TextWorkerRequest } from './text-protocol.ts';
import type { RgbImage } from './tensors.ts';

/** The portable reader's name and version, stored with what it read: bump it when its output changes. */
export const PORTABLE_READER = 'ppocr-v4/5';

export const READ_TIMEOUT_MS = 60_000;

export interface TextReader {
  /** Stored in `photo_text.reader`; a photo read by another name is read again. */
  readonly name: string;
  /** Photos it reads at once: a caller with many photos keeps this many (and one more, decoding) in flight. */
  readonly parallel: number;
  /** The photo's words; throws an `EidosError` naming the file when it cannot be read. */
  readPhoto(file: string, bytes: Buffer): Promise<RecognisedText>;
  /**
   * A first look alone, for a caller that has decoded the photo already (the image pass): a photo it turns
   * back is taken to hold no words, and `readPhoto` is not asked. Absent: the reader offers none.
   */
  readonly gate?: TextGate;
  close(): Promise<void>;
}

export interface TextReaderOptions {
  /** Worker threads, each reading one photo at a time (default DEFAULT_WORKERS); the cores are shared out among them. */
  workers?: number;
  settings?: ReaderSettings;
  timeoutMs?: number;
  files?: ReaderFiles;
}

/**
 * Workers by default. onnxruntime spends CPU to split a small run across threads: on the dev split of
 * text-in-photos, one thread read a photo in 862 ms of CPU, two threads in 745 ms of wall but 1163 of CPU
 * (test/bench/text-profile.ts, 2026-12-06). Two workers of one thread each on this machine's two cores
 * read the 140 photos of text-in-photos at 282 ms a photo against 438 for one worker of two threads, and
 * flickr8k-1k's text pass in 23.5 s of CPU against 28.3 (test/bench/text-index.ts). Each worker holds its
 * own sessions; their full-size detections take turns (detection-turns.ts) to keep the peak memory down.
 */
const DEFAULT_WORKERS = 2;

/**
 * The portable reader: its worker threads, each started on its first photo and reading one photo at a
 * time; a single photo (`eidos text`) starts only the first.
 */
export function openPortableReader(options: TextReaderOptions = {}): TextReader {
  const settings = options.settings ?? DEFAULT_READER_SETTINGS;
  const timeoutMs = options.timeoutMs ?? READ_TIMEOUT_MS;
  let files: Promise<ReaderFiles> | undefined;
  const readerFiles = (): Promise<ReaderFiles> => {
    files ??= options.files ? Promise.resolve(options.files) : loadReaderFiles();
    return files.catch((error: unknown) => {
      files = undefined;
      throw error;
    });
  };
  const workers = Math.max(1, options.workers ?? DEFAULT_WORKERS);
  // The cores shared out among the workers.
  const threads = Math.max(1, Math.floor(availableParallelism() / workers));
  const detectionTurn = newDetectionTurn();
  const slots = Array.from({ length: workers }, (_, i) =>
    workerSlot(
      async () => ({
        files: await readerFiles(),
        settings,
        threads,
        detectionTurn,
        worker: i + 1,
        resourceRoot: resourceRoot(),
      }),
      timeoutMs,
    ),
  );

  const { detectorLimit, prefilterScale, gateScale } = settings;
  const gate: TextGate | undefined =
    prefilterScale > 0
      ? {
          longestEdge: lookLongestEdge(detectorLimit, prefilterScale, gateScale),
          sizeFor: (width, height) => lookSizeFor(width, height, detectorLimit, prefilterScale, gateScale),
          // One worker: the image pass runs beside the vision tower, whose memory the second would add to.
          mayHoldText: (file, pixels) => slots[0]!.gate(file, pixels),
        }
      : undefined;

  return {
    name: PORTABLE_READER,
    parallel: slots.length,
    ...(gate ? { gate } : {}),
    async readPhoto(file, bytes) {
      // The slot with the fewest photos waiting; the photo is decoded here while that worker finishes its own.
      const slot = slots.reduce((best, next) => (next.waiting() < best.waiting() ? next : best));
      return slot.read(file, bytes, settings);
    },
    async close() {
      await Promise.all(slots.map((slot) => slot.close()));
    },
  };
}

interface WorkerSlot {
  /** Photos given to this worker and not yet answered. */
  waiting(): number;
  read(file: string, bytes: Buffer, settings: ReaderSettings): Promise<RecognisedText>;
  gate(file: string, pixels: RgbImage): Promise<boolean>;
  close(): Promise<void>;
}

/** One text worker, reading one photo at a time; started on its first photo, restarted after a timeout. */
function workerSlot(init: () => Promise<TextWorkerInit>, timeoutMs: number): WorkerSlot {
  let worker: Promise<Worker> | undefined;
  let nextId = 1;
  let waiting = 0;
  // A photo waits here, decoded, until the one before it is done, so its time limit starts when the worker takes it.
  let turn: Promise<unknown> = Promise.resolve();

  const start = async (): Promise<Worker> => {
    const data = await init();
    const started = startWorker('text-worker', data as unknown as Record<string, unknown>);
    // Ended mid-detection (a timeout, a crash), it could not pass its turn on.
    started.once('exit', () => freeTurnOf(data.detectionTurn, data.worker));
    // Idle between photos, the worker must not keep a one-shot command alive.
    started.unref();
    await new Promise<void>((resolve, reject) => {
      const onMessage = (reply: TextWorkerReply): void => {
        started.off('message', onMessage);
        if (reply.kind === 'ready') resolve();
        else
          reject(
            new EidosError(
              'MODEL_INVALID',
              `the text reader did not start: ${'message' in reply ? reply.message : reply.kind}`,
            ),
          );
      };
      started.on('message', onMessage);
      started.once('error', reject);
    }).catch(async (error: unknown) => {
      await started.terminate();
      throw error;
    });
    return started;
  };

  // Set by close: a job still queued then is refused rather than started.
  let closing = false;
  const runNow = async (request: TextWorkerJob, file: string): Promise<TextWorkerReply> => {
    if (closing)
      throw new EidosError('INTERNAL', `${file}: the text reader was closed before it read the photo.`, { file });
    worker ??= start();
    const current = await worker.catch((error: unknown) => {
      worker = undefined;
      throw error;
    });
    const id = nextId++;
    return new Promise<TextWorkerReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup();
        // The sessions cannot be interrupted mid-run: end the thread; the next photo starts another.
        worker = undefined;
        void current.terminate();
        reject(
          new EidosError('DECODE_FAILED', `${file}: reading its text took longer than ${timeoutMs / 1000} s.`, {
            file,
          }),
        );
      }, timeoutMs);
      const onMessage = (reply: TextWorkerReply): void => {
        if (!('id' in reply) || reply.id !== id) return;
        cleanup();
        resolve(reply);
      };
      const onError = (error: Error): void => {
        cleanup();
        worker = undefined;
        reject(new EidosError('INTERNAL', `${file}: the text reader stopped: ${error.message}`, { file }));
      };
      const cleanup = (): void => {
        clearTimeout(timer);
        current.off('message', onMessage);
        current.off('error', onError);
        current.unref();
      };
      current.ref();
      current.on('message', onMessage);
      current.on('error', onError);
      current.postMessage({ ...request, id } satisfies TextWorkerRequest, [
        ...(request.kind === 'read' ? [request.image.data.buffer as ArrayBuffer] : []),
        ...(request.gate ? [request.gate.data.buffer as ArrayBuffer] : []),
      ]);
    });
  };

  /**
   * Runs a job once the ones before it on this worker are done (so its time limit starts when the worker
   * takes it), counted as waiting from the start of `prepare` (a photo's decode) to the worker's answer,
   * which must be of kind `kind`; any other answer is an error naming the file.
   */
  const queued = async <K extends TextWorkerReply['kind']>(
    file: string,
    kind: K,
    failure: string,
    prepare: () => Promise<TextWorkerJob>,
  ): Promise<Extract<TextWorkerReply, { kind: K }>> => {
    waiting++;
    try {
      const job = await prepare();
      const ran = turn.then(() => runNow(job, file));
      turn = ran.catch(() => undefined);
      const reply = await ran;
      if (reply.kind !== kind)
        throw new EidosError(
          'DECODE_FAILED',
          `${file}: ${failure}: ${'message' in reply ? reply.message : reply.kind}`,
          {
            file,
          },
        );
      return reply as Extract<TextWorkerReply, { kind: K }>;
    } finally {
      waiting--;
    }
  };

  const read = async (file: string, bytes: Buffer, settings: ReaderSettings): Promise<RecognisedText> => {
    let displayed = { width: 0, height: 0 };
    const reply = await queued(file, 'result', 'its text could not be read', async () => {
      const pixels = await pixelsForReading(file, bytes, settings.detectorLimit, settings.gateScale);
      displayed = { width: pixels.displayedWidth, height: pixels.displayedHeight };
      // Buffers from sharp may share a pooled ArrayBuffer: copy into ones of their own before moving them.
      const own = (data: Uint8Array): Uint8Array => new Uint8Array(data);
      return {
        kind: 'read',
        ...pixels,
        image: { ...pixels.image, data: own(pixels.image.data) },
        ...(pixels.gate ? { gate: { ...pixels.gate, data: own(pixels.gate.data) } } : {}),
      };
    });
    return { reader: PORTABLE_READER, ...displayed, lines: reply.lines };
  };

  const gate = async (file: string, pixels: RgbImage): Promise<boolean> => {
    const job = async (): Promise<TextWorkerJob> => ({
      kind: 'gate',
      gate: { ...pixels, data: new Uint8Array(pixels.data) },
    });
    return (await queued(file, 'gate', "the text reader's first look failed", job)).mayHoldText;
  };

  return {
    waiting: () => waiting,
    read,
    gate,
    async close() {
      // The job the worker is running is let finish (at most its time limit): a thread ended inside an
      // onnxruntime run aborts the process. Those still queued are refused.
      closing = true;
      await turn;
      const running = worker;
      worker = undefined;
      const opened = await running?.catch(() => undefined);
      await opened?.terminate();
      closing = false;
    },
  };
}
