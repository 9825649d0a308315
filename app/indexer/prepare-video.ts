/**
 * Reads one planned video: its content hash (streamed: a video is never read into memory whole), what the
 * container says (duration, rotation, date, place, camera) and, when its content has no moments for this
 * model yet, its moments: frames decoded small by the decoder's child processes or threads, sampled where
 * the picture changes (app/video/read-moments.ts), each preprocessed for the model, thumbnailed, and
 * embedded here in chunks of the encoder's batch, so at most one batch of model input is in memory.
 * Like preparePhoto it never throws for a bad file: the failure becomes a `skipped` item naming it.
 */
import { stat } from 'node:fs/promises';
import { describeError, EidosError, isEidosError, type ErrorCode } from '../contract/errors.ts';
import { preprocessDecoded } from '../image/preprocess.ts';
import { writeThumbnails } from '../image/thumbnails.ts';
import { kernels } from '../kernels/index.ts';
import { hashFile } from '../library/content-hash.ts';
import { describeFsError } from '../library/fs-errors.ts';
import type { PlannedFile } from '../library/plan.ts';
import type { PreprocessSpec } from '../models/manifest-types.ts';
import type { FileIdentity, PhotoMetadata, VideoRecord } from '../store/types.ts';
import { fsPath } from '../util/file-path.ts';
import { NO_VIDEO_DECODER, type VideoDecoders } from '../video/choose-decoder.ts';
import { momentKey } from '../video/moment-key.ts';
import { readMoments } from '../video/read-moments.ts';
import type { VideoInfo } from '../video/video-decoder.ts';
import type { PreparedPhoto } from './prepare-photo.ts';

export type PreparedVideo = {
  kind: 'video';
  file: FileIdentity;
  contentHash: string;
  metadata: PhotoMetadata;
  video: VideoRecord;
};

export interface VideoContext {
  spec: PreprocessSpec;
  thumbnailsDir: string;
  decoders: VideoDecoders;
  hasEmbedding(contentHash: string): boolean;
  encoder: {
    batchSize: number;
    embedImages(pixels: Float32Array, n: number): Promise<{ data: Float32Array; d: number }>;
  };
  signal?: AbortSignal;
}

const endsTheRun: ReadonlySet<ErrorCode> = new Set(['DISK_FULL', 'INDEX_CORRUPT', 'INDEX_LOCKED']);

export function videoMetadata(info: VideoInfo): PhotoMetadata {
  const turned = info.rotation === 90 || info.rotation === 270;
  return {
    takenAt: info.takenAt ?? null,
    lat: info.gps?.lat ?? null,
    lon: info.gps?.lon ?? null,
    make: info.make ?? null,
    model: info.model ?? null,
    lens: null,
    width: turned ? info.height : info.width,
    height: turned ? info.width : info.height,
  };
}

export async function prepareVideo(
  planned: PlannedFile,
  ctx: VideoContext,
): Promise<PreparedVideo | Exclude<PreparedPhoto, { kind: 'encode' }>> {
  let file = planned.file;
  let contentHash: string | null = null;
  const path = fsPath(file);
  try {
    const before = await stat(path).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw new EidosError('UNREADABLE', `${file.path}: ${describeFsError(error)}`, { file: file.path });
    });
    if (!before) return { kind: 'vanished', file };
    file = { ...file, size: before.size, mtimeMs: Math.trunc(before.mtimeMs) };
    if (before.size === 0)
      throw new EidosError('DECODE_FAILED', `${file.path}: the file is empty (0 bytes).`, { file: file.path });
    const chosen = ctx.decoders.forFile(file.path);
    if ('reason' in chosen)
      return { kind: 'skipped', file, contentHash: null, code: NO_VIDEO_DECODER, reason: chosen.reason };
    const { decoder } = chosen;
    // The container is read while the file is hashed: the two are independent, and a video's hash (all
    // its bytes) and probe (a child process) each take a few tenths of a second. A probe that fails is
    // reported only once the hash has shown the file is still there and unchanged.
    const probing = decoder.probe(file.path);
    probing.catch(() => undefined);
    contentHash = await hashFile(path);
    const after = await stat(path);
    if (after.size !== before.size || after.mtimeMs !== before.mtimeMs)
      throw new EidosError(
        'CHANGED_WHILE_READING',
        `${file.path} changed while it was read; it is read again next time.`,
        {
          file: file.path,
        },
      );
    if ((planned.embedded && planned.contentHash === contentHash) || ctx.hasEmbedding(contentHash)) {
      return { kind: 'known', file, contentHash, metadata: videoMetadata(await probing) };
    }
    const hash = contentHash;
    const moments: VideoRecord['moments'] = [];
    let chunk: { timeMs: number; pixels: Float32Array }[] = [];
    const embedChunk = async () => {
      if (chunk.length === 0) return;
      const per = chunk[0]!.pixels.length;
      const pixels = new Float32Array(per * chunk.length);
      chunk.forEach((item, i) => pixels.set(item.pixels, i * per));
      const embeds = await ctx.encoder.embedImages(pixels, chunk.length);
      const halves = kernels.f32ToF16(embeds.data);
      chunk.forEach((item, i) =>
        moments.push({ timeMs: item.timeMs, embedding: halves.slice(i * embeds.d, (i + 1) * embeds.d) }),
      );
      chunk = [];
    };
    const read = await readMoments(
      decoder,
      file.path,
      await probing,
      ctx.spec.shortestEdge,
      async (frame) => {
        const image = { data: frame.data, width: frame.width, height: frame.height };
        const keys = [momentKey(hash, frame.timeMs), ...(moments.length + chunk.length === 0 ? [hash] : [])];
        // The first moment is also the video's own thumbnail (the poster where no moment is meant).
        const thumbnails = Promise.all(keys.map((key) => writeThumbnails(image, key, ctx.thumbnailsDir, ['grid'])));
        // Awaited below; should the model input fail first, its failure must not go unhandled.
        thumbnails.catch(() => undefined);
        const pixels = preprocessDecoded(image, ctx.spec, file.path);
        await thumbnails;
        chunk.push({ timeMs: frame.timeMs, pixels });
        if (chunk.length >= ctx.encoder.batchSize) await embedChunk();
      },
      ctx.signal,
    );
    await embedChunk();
    return {
      kind: 'video',
      file,
      contentHash,
      metadata: videoMetadata(read.info),
      video: {
        durationMs: Math.round(read.info.durationSeconds * 1000),
        rotation: read.info.rotation,
        codec: read.info.codec,
        decoder: decoder.name,
        candidates: read.candidates,
        moments,
      },
    };
  } catch (error) {
    if (isEidosError(error) && endsTheRun.has(error.code)) throw error;
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'vanished', file };
    const code = error instanceof EidosError ? error.code : 'UNREADABLE';
    return { kind: 'skipped', file, contentHash, code, reason: describeError(error) };
  }
}
