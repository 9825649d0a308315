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
import type { PhotoTextRecord } from '../store/photo-text.ts';

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
  for (const { contentHash, file } of work) {
    if (options.signal?.aborted) break;
    try {
      const read = await readWholeFile(file);
      // Gone, or rewritten since it was indexed: the next indexing run sees the change and this content goes or comes back.
      if (read.kind === 'vanished' || hashBytes(read.bytes) !== contentHash) {
        progress.done++;
        continue;
      }
      batch.push({ contentHash, status: 'read', text: await reader.readPhoto(file.path, read.bytes) });
    } catch (error) {
      if (isEidosError(error) && endsTheRun.has(error.code)) throw error;
      progress.failed++;
      const reason = error instanceof EidosError ? error.message : `${file.path}: ${describeError(error)}`;
      batch.push({ contentHash, status: 'failed', reader: reader.name, reason });
    }
    progress.done++;
    if (batch.length >= batchSize) flush();
    options.onProgress?.({ ...progress });
  }
  flush();
  options.onProgress?.({ ...progress });
  return progress;
}
