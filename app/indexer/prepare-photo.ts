/**
 * Reads one planned file: content hash, metadata, and (when its content has no vector yet) one
 * decode that feeds both the grid thumbnail and the model input. Never throws for a bad photo:
 * the failure becomes a `skipped` item with a specific code and reason.
 */
import { describeError, EidosError } from '../errors.ts';
import { decodeImage } from '../image/decode.ts';
import { readMetadata, type PhotoMetadata as ImageMetadata } from '../image/metadata.ts';
import { preprocessDecoded } from '../image/preprocess.ts';
import { THUMBNAIL_EDGES, writeThumbnails } from '../image/thumbnails.ts';
import { hashFile } from '../library/content-hash.ts';
import { fsPath } from '../library/file-path.ts';
import type { PlannedFile } from '../library/plan.ts';
import type { PreprocessSpec } from '../models/manifest-types.ts';
import type { FileIdentity, PhotoMetadata } from '../store/types.ts';

export type PreparedPhoto =
  | { kind: 'encode'; file: FileIdentity; contentHash: string; metadata: PhotoMetadata; pixels: Float32Array }
  | { kind: 'known'; file: FileIdentity; contentHash: string; metadata: PhotoMetadata }
  | { kind: 'skipped'; file: FileIdentity; contentHash: string | null; code: string; reason: string };

export interface PrepareContext {
  spec: PreprocessSpec;
  thumbnailsDir: string;
  /** True when the store already holds a vector for this content (checked after hashing). */
  hasEmbedding(contentHash: string): boolean;
}

function toStoreMetadata(meta: ImageMetadata): PhotoMetadata {
  return {
    takenAt: meta.takenAt ?? null,
    lat: meta.gps?.lat ?? null,
    lon: meta.gps?.lon ?? null,
    make: meta.make ?? null,
    model: meta.model ?? null,
    lens: meta.lens ?? null,
    width: meta.width,
    height: meta.height,
  };
}

export async function preparePhoto(planned: PlannedFile, ctx: PrepareContext): Promise<PreparedPhoto> {
  const { file } = planned;
  const path = fsPath(file);
  let contentHash = planned.contentHash;
  try {
    if (file.size === 0) throw new EidosError('DECODE_FAILED', `${file.path}: the file is empty (0 bytes).`, { file: file.path });
    contentHash ??= await hashFile(path);
    // Paths that are not valid UTF-8 reach the decoders through the raw bytes' latin1 view only
    // where the platform allows it; sharp and exifr take strings, so those read through the UTF-8 path.
    const readable = typeof path === 'string' ? path : file.path;
    const metadata = toStoreMetadata(await readMetadata(readable));
    if (planned.embedded || ctx.hasEmbedding(contentHash)) return { kind: 'known', file, contentHash, metadata };
    // One decode, shrunk on load to what the grid thumbnail and the model need: never below the
    // model's shortest edge, so the model input is a downscale like the reference processor's.
    const image = await decodeImage(readable, { maxLongEdge: THUMBNAIL_EDGES.grid * 2, minShortEdge: ctx.spec.shortestEdge });
    const [pixels] = await Promise.all([
      preprocessDecoded(image, ctx.spec, file.path),
      writeThumbnails(image, contentHash, ctx.thumbnailsDir, ['grid']),
    ]);
    return { kind: 'encode', file, contentHash, metadata, pixels };
  } catch (error) {
    const code = error instanceof EidosError ? error.code : 'UNREADABLE';
    return { kind: 'skipped', file, contentHash, code, reason: describeError(error) };
  }
}
