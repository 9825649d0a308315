/**
 * Turns a library into index rows: plan (scan + diff with the store), apply moves and deletions,
 * then read photos in parallel (hash, metadata, one decode → thumbnail + model input) while the
 * encoder worker embeds the batches before, and write each batch in one transaction. A kill loses at
 * most the two batches in flight: everything before them is committed, and the next run's plan skips it.
 */
import { availableParallelism } from 'node:os';
import type { Encoder } from '../encoders/encoder.ts';
import { kernels } from '../kernels/index.ts';
import { HEIF_EXTENSIONS } from '../image/formats.ts';
import { startHeifWorkers } from '../image/heif-workers.ts';
import type { ProtectedFolders } from '../library/protected-folders.ts';
import { applyMovesAndDeletions, planIndex, type PlannedFile } from '../library/plan.ts';
import type { ModelSpec } from '../models/manifest-types.ts';
import type { IndexStore } from '../store/index-store.ts';
import type { BatchItem } from '../store/types.ts';
import { Channel } from './channel.ts';
import { preparePhoto, type PreparedPhoto } from './prepare-photo.ts';
import { prepareVideo, type PreparedVideo } from './prepare-video.ts';
import { findVideoDecoders, type VideoDecoders } from '../video/choose-decoder.ts';
import { isVideoFile } from '../video/video-formats.ts';

type Prepared = PreparedPhoto | PreparedVideo;
import { etaSeconds, RateMeter, type PipelineProgress } from './progress.ts';
import { readTextInPhotos } from './text-pass.ts';
import type { TextReader } from '../ocr/text-reader.ts';
import type { PhotoTextRecord } from '../store/photo-text.ts';
import type { IndexRunSummary } from '../contract/types.ts';

export interface IndexRunOptions {
  store: IndexStore;
  model: ModelSpec;
  /** Only what a run uses, so a caller can open the vision tower on the first batch that needs it. */
  encoder: Pick<Encoder, 'batchSize' | 'embedImages'>;
  thumbnailsDir: string;
  /** Folders the scan never enters: the data folder (thumbnails!) and system trees. */
  protected?: ProtectedFolders;
  onProgress?: (progress: PipelineProgress) => void;
  signal?: AbortSignal;
  /** Photos read at once (decode runs on libuv's pool; this bounds the JS side and memory). */
  readers?: number;
  /** The video decoders to use (tests); by default those found on this machine when the plan has a video. */
  videoDecoders?: VideoDecoders;
  /**
   * Reads the words in photos: its gate looks at each new photo from the image pass's decode, and a photo it
   * turns back is recorded as holding none; the rest are read after every vector is written (text-pass.ts).
   * Absent: no text is read.
   */
  text?: TextReader;
  /**
   * Called once every photo's vector is written, before the text pass: a one-shot run releases the
   * vision tower here, so it is not resident beside the reader's recogniser and second worker (only the
   * detector of one worker looks beside it, text-gate.ts) (Engine.index).
   */
  afterImages?: () => Promise<void>;
}

/** What one run did: the contract's summary, which `eidos index` prints and the app shows. */
export type IndexSummary = IndexRunSummary;

/** What a photo's model input is replaced with once it is copied into its batch's tensor. */
const EMPTY_PIXELS = new Float32Array(0);

const isHeifName = (path: string): boolean =>
  (HEIF_EXTENSIONS as readonly string[]).some((extension) => path.toLowerCase().endsWith(extension));

export async function indexLibrary(options: IndexRunOptions): Promise<IndexSummary> {
  const started = performance.now();
  const { store, model, encoder } = options;
  const report = options.onProgress ?? (() => {});
  report({ phase: 'scanning', total: 0, done: 0, encoded: 0, reused: 0, skipped: 0, rate: 0, etaSeconds: undefined });

  const plan = await planIndex(store, { modelId: model.id, protected: options.protected });
  // HEIF decodes run on their own threads: start them while the moves and deletions are written.
  if (plan.work.some((planned) => isHeifName(planned.file.path))) startHeifWorkers();
  applyMovesAndDeletions(store, plan);

  const progress: PipelineProgress = {
    phase: 'indexing',
    total: plan.work.length,
    done: 0,
    encoded: 0,
    reused: 0,
    skipped: 0,
    rate: 0,
    etaSeconds: undefined,
  };
  const meter = new RateMeter();
  /** Rows of files deleted after the plan (a deleted new file never had one). */
  let removedWhileRunning = 0;
  report({ ...progress });

  const batchSize = encoder.batchSize;
  // Room for the batch being encoded plus the next one being read: the encoder never waits for
  // decoding when decoding keeps up, and memory stays at about two batches of tensors.
  const prepared = new Channel<Prepared>(batchSize * 2);
  const readers = options.readers ?? Math.max(2, availableParallelism());
  const ctx = {
    spec: model.preprocess,
    ...(options.text?.gate ? { textGate: options.text.gate } : {}),
    thumbnailsDir: options.thumbnailsDir,
    hasEmbedding: (hash: string) => store.hasEmbedding(hash, model.id),
  };

  // Looked for only when the plan has a video: a photo library never starts ffprobe.
  const videoCtx = plan.work.some((planned) => isVideoFile(planned.file.path))
    ? {
        ...ctx,
        decoders: options.videoDecoders ?? (await findVideoDecoders()),
        encoder,
        ...(options.signal ? { signal: options.signal } : {}),
      }
    : undefined;
  // A video's frames are decoded by child processes and embedded in the encoder's batches as they come: one
  // video at a time, so memory holds one video's batch of model input besides the photos'.
  let videoTurn: Promise<unknown> = Promise.resolve();
  const prepare = (planned: PlannedFile): Promise<Prepared> => {
    if (!videoCtx || !isVideoFile(planned.file.path)) return preparePhoto(planned, ctx);
    const turn = videoTurn.then(() => prepareVideo(planned, videoCtx));
    videoTurn = turn.catch(() => undefined);
    return turn;
  };

  let next = 0;
  // Set when the run fails (a full disk, a damaged index): readers stop rather than decode photos no one will take.
  let failed = false;
  const read = async (): Promise<void> => {
    while (next < plan.work.length && !options.signal?.aborted && !failed) {
      const planned = plan.work[next++] as PlannedFile;
      await prepared.put(await prepare(planned));
    }
  };
  const reading = Promise.all(Array.from({ length: Math.min(readers, Math.max(1, plan.work.length)) }, read)).finally(
    () => prepared.close(),
  );
  // A reader's failure (a full disk) is rethrown by `await reading` below; until the consumer gets
  // there (it may be encoding a batch) the rejection must not count as unhandled, which kills the process.
  reading.catch(() => undefined);

  type Vectors = Map<Prepared, Uint16Array>;
  /**
   * Sends a batch's photos to the encoder now; the vectors come back in the order batches were sent (the
   * encoder runs one request at a time). Each photo's tensor is let go once copied into the batch's.
   */
  const encodeBatch = async (items: Prepared[]): Promise<Vectors> => {
    const toEncode = items.filter((item): item is Extract<PreparedPhoto, { kind: 'encode' }> => item.kind === 'encode');
    const vectors: Vectors = new Map();
    if (toEncode.length === 0) return vectors;
    const per = toEncode[0]!.pixels.length;
    const pixels = new Float32Array(per * toEncode.length);
    toEncode.forEach((item, i) => {
      pixels.set(item.pixels, i * per);
      item.pixels = EMPTY_PIXELS;
    });
    const embeds = await encoder.embedImages(pixels, toEncode.length, { giveUp: true });
    // Stored as IEEE half floats: half the memory and disk, and far below CLIP's own noise level.
    const halves = kernels.f32ToF16(embeds.data);
    toEncode.forEach((item, i) => vectors.set(item, halves.subarray(i * embeds.d, (i + 1) * embeds.d)));
    return vectors;
  };

  /** Writes a batch whose vectors `encodeBatch` made, in one transaction, and reports progress. */
  const writeBatch = (items: Prepared[], vectors: Vectors): void => {
    // Deleted since the scan: forget the file (a new one never had a row), as the next scan would.
    const vanishedIds = items.flatMap((item) => {
      const row = item.kind === 'vanished' ? store.fileByPath(item.file) : undefined;
      return row ? [row.id] : [];
    });
    if (vanishedIds.length > 0) store.removeFiles(vanishedIds);
    removedWhileRunning += vanishedIds.length;
    const present = items.filter((item): item is Exclude<Prepared, { kind: 'vanished' }> => item.kind !== 'vanished');
    const batch: BatchItem[] = present.map((item) => {
      if (item.kind === 'skipped')
        return {
          kind: 'skipped',
          file: item.file,
          contentHash: item.contentHash,
          code: item.code,
          reason: item.reason,
        };
      if (item.kind === 'video')
        return {
          kind: 'indexed',
          file: item.file,
          contentHash: item.contentHash,
          metadata: item.metadata,
          video: item.video,
        };
      const embedding = vectors.get(item);
      const decoded =
        item.kind === 'encode'
          ? { decodeSource: item.decodeSource, ...(item.signature ? { signature: item.signature } : {}) }
          : {};
      return {
        kind: 'indexed',
        file: item.file,
        contentHash: item.contentHash,
        metadata: item.metadata,
        ...(embedding ? { embedding } : {}),
        ...decoded,
      };
    });
    store.writeBatch({ modelId: model.id, items: batch });
    for (const item of items) {
      progress.done++;
      if (item.kind === 'encode' || item.kind === 'video') progress.encoded++;
      else if (item.kind === 'known') progress.reused++;
      else if (item.kind === 'skipped') progress.skipped++;
    }
    progress.rate = meter.record(progress.done);
    progress.etaSeconds = etaSeconds(progress.total - progress.done, progress.rate);
    const last = items.at(-1);
    if (last) progress.current = last.file.path;
    report({ ...progress });
  };

  /** Photos of this run the text gate turned back, recorded as holding no words. */
  let gatedOut = 0;
  /**
   * Records the photos of a written batch that the text gate turned back as read, with no words, so the
   * text pass never decodes them; the others it reads. Their looks were made while the batch was encoded.
   */
  const writeGatedOut = async (items: Prepared[]): Promise<void> => {
    const reader = options.text;
    if (reader === undefined) return;
    const records: PhotoTextRecord[] = [];
    for (const item of items) {
      if (item.kind !== 'encode' || item.textGate === undefined) continue;
      const { mayHoldText, width, height } = item.textGate;
      if ((await mayHoldText) !== false) continue;
      records.push({
        contentHash: item.contentHash,
        status: 'read',
        text: { reader: reader.name, width, height, lines: [] },
      });
    }
    if (records.length > 0) store.writePhotoTexts(records);
    gatedOut += records.length;
  };

  // Two batches in flight: the next one is queued at the encoder while the one before it runs, so the
  // encoder never waits for this thread to write the last batch's rows and send the next batch (which it
  // did for every batch, and longer whenever this thread was busy reading photos). Batches are written in order.
  let previous: Promise<void> = Promise.resolve();
  const closeBatch = async (items: Prepared[]): Promise<void> => {
    const encoded = encodeBatch(items);
    encoded.catch(() => undefined); // taken below, after the batch before it is written
    await previous;
    const written = encoded.then((vectors) => writeBatch(items, vectors)).then(() => writeGatedOut(items));
    written.catch(() => undefined); // awaited by the next batch, or after the last one
    previous = written;
  };

  let pending: Prepared[] = [];
  let encodeCount = 0;
  try {
    for (;;) {
      const item = await prepared.take();
      if (item === undefined) break;
      pending.push(item);
      if (item.kind === 'encode') encodeCount++;
      // A batch closes when it has a full encoder batch, or when nothing more is ready and the batch
      // holds only metadata work (no reason to keep it waiting).
      // A video is written in a transaction of its own once read: a kill loses at most the video in flight.
      if (item.kind === 'video' || encodeCount >= batchSize || pending.length >= batchSize * 4) {
        await closeBatch(pending);
        pending = [];
        encodeCount = 0;
      }
    }
    await reading;
    if (pending.length > 0) await closeBatch(pending);
    await previous;
  } catch (error) {
    // A batch that failed to commit, or a reader that hit a run-ending error: nothing more is written.
    failed = true;
    prepared.close();
    // The batch still at the encoder is not written; its failure, if any, is not this run's error.
    throw error;
  }
  await options.afterImages?.();

  let text: IndexSummary['text'];
  if (options.text && !options.signal?.aborted) {
    progress.phase = 'reading-text';
    const textStarted = performance.now();
    const read = await readTextInPhotos({
      store,
      reader: options.text,
      ...(options.signal ? { signal: options.signal } : {}),
      onProgress: (textProgress) => report({ ...progress, text: textProgress }),
    });
    progress.text = read;
    text = {
      read: gatedOut + read.done - read.failed,
      failed: read.failed,
      seconds: (performance.now() - textStarted) / 1000,
    };
  }

  progress.phase = 'finishing';
  report({ ...progress });
  // Vectors whose content no file holds any more; only after a full pass, since moves reuse them.
  if (!options.signal?.aborted) {
    store.pruneOrphans();
    store.markFoldersIndexed();
  }

  progress.phase = 'done';
  report({ ...progress });
  return {
    unchanged: plan.unchanged,
    moved: plan.moved.length,
    deleted: plan.deleted.length + removedWhileRunning,
    encoded: progress.encoded,
    reused: progress.reused,
    skipped: progress.skipped,
    problems: plan.problems.map((p) => ({ path: p.path, reason: p.reason })),
    seconds: (performance.now() - started) / 1000,
    ...(text ? { text } : {}),
  };
}
