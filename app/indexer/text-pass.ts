/**
 * The text pass of an indexing run (issue 23): every indexed content that the current reader has not read
 * (new photos, and a library indexed before Eidos read text, or by an older reader) is read, one photo at a
 * time in the reader's worker, and written in batches of `batchSize`, one transaction each: a kill loses at
 * most the batch in flight, and the next run reads only what is left. A photo whose text cannot be read
 * gets a `failed` row with the reason (it is not retried until the reader changes) and stays indexed for
 * its image. Runs after the photos' vectors are written, so searching by image never waits for it.
 */
import { EidosError, describeError, isEidosError, type ErrorCode } from '../contract/errors.ts';
import { hashBytes } from '../library/content-hash.ts';
import { readWholeFile } from '../library/read-file.ts';
import type { TextReader } from '../ocr/text-reader.ts';
import type { IndexStore } from '../store/index-store.ts';
import type { ContentToRead, PhotoTextRecord } from '../store/photo-text.ts';

export interface TextPassProgress {
  /** Photos read (or failed) so far in this run. */
  done: number;
  /** Photos this run reads. */
  total: number;
  failed: number;
}

export interface TextPassOptions {
  store: IndexStore;
  reader: TextReader;
  signal?: AbortSignal;
  onProgress?: (progress: TextPassProgress) => void;
  batchSize?: number;
}

const endsTheRun: ReadonlySet<ErrorCode> = new Set(['DISK_FULL', 'INDEX_CORRUPT', 'INDEX_LOCKED']);

/** One photo's reading: the row to write, or none when the file changed or went since it was indexed. */
interface Outcome {
  record?: PhotoTextRecord;
}

async function readOne(reader: TextReader, { contentHash, file }: ContentToRead): Promise<Outcome> {
  try {
    const read = await readWholeFile(file);
    // Gone, or rewritten since it was indexed: the next indexing run sees the change and this content goes or comes back.
    if (read.kind === 'vanished' || hashBytes(read.bytes) !== contentHash) return {};
    return { record: { contentHash, status: 'read', text: await reader.readPhoto(file.path, read.bytes) } };
  } catch (error) {
    if (isEidosError(error) && endsTheRun.has(error.code)) throw error;
    const reason = error instanceof EidosError ? error.message : `${file.path}: ${describeError(error)}`;
    return { record: { contentHash, status: 'failed', reader: reader.name, reason } };
  }
}

export async function readTextInPhotos(options: TextPassOptions): Promise<TextPassProgress> {
  const { store, reader } = options;
  const batchSize = options.batchSize ?? 8;
  // Listed once: contents indexed while this pass runs wait for the next run.
  const work = store.contentsToRead(reader.name, -1);
  const progress: TextPassProgress = { done: 0, total: work.length, failed: 0 };
  options.onProgress?.({ ...progress });
  let batch: PhotoTextRecord[] = [];
  const flush = (): void => {
    if (batch.length > 0) store.writePhotoTexts(batch);
    batch = [];
  };
  // Photos in flight: two for each of the reader's workers (the one it reads and the next, decoded and
  // waiting for it) and one more being decoded, so no worker waits while an earlier photo is still being
  // read by the other. Written in the order listed.
  const start = (i: number): Promise<Outcome> | undefined => {
    const item = work[i];
    if (item === undefined) return undefined;
    const reading = readOne(reader, item);
    // A read started ahead and then not awaited (the pass was stopped) must not become an unhandled rejection.
    reading.catch(() => undefined);
    return reading;
  };
  const ahead = 2 * reader.parallel + 1;
  const inFlight: Array<Promise<Outcome> | undefined> = [];
  for (let i = 0; i < Math.min(ahead, work.length); i++) inFlight.push(start(i));
  for (let i = 0; i < work.length; i++) {
    if (options.signal?.aborted) break;
    const current = inFlight.shift()!;
    inFlight.push(start(i + ahead));
    const outcome = await current;
    // Stopped while this photo was read: what was read is not written, as if the kill had come a moment earlier.
    if (options.signal?.aborted) break;
    if (outcome.record) batch.push(outcome.record);
    if (outcome.record?.status === 'failed') progress.failed++;
    progress.done++;
    if (batch.length >= batchSize) flush();
    options.onProgress?.({ ...progress });
  }
  flush();
  options.onProgress?.({ ...progress });
  return progress;
}
