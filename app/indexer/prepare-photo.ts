/**
 * Reads one planned file: content hash, metadata, and (when its content has no vector yet) one
 * decode that feeds both the grid thumbnail and the model input, all from one read of the file's
 * bytes. Never throws for a bad photo: the failure becomes a `skipped` item with a specific code
 * and reason; a file deleted since the scan becomes `vanished` (the index forgets it). It throws
 * only for failures of the run itself (a full disk, a damaged index).
 */
import { describeError, EidosError, isEidosError, type ErrorCode } from '../contract/errors.ts';
import { decodeOpened, openImage, type DecodedImage, type DecodeSource } from '../image/decode.ts';
import { FINGERPRINT_KIND, signatureOfDecoded } from '../image/fingerprint.ts';
import { metadataOf, type PhotoMetadata as ImageMetadata } from '../image/metadata.ts';
import { preprocessDecoded } from '../image/preprocess.ts';
import { THUMBNAIL_EDGES, writeThumbnails } from '../image/thumbnails.ts';
import { hashBytes } from '../library/content-hash.ts';
import type { PlannedFile } from '../library/plan.ts';
import { readWholeFile } from '../library/read-file.ts';
import type { PreprocessSpec } from '../models/manifest-types.ts';
import type { FileIdentity, PhotoMetadata } from '../store/types.ts';
import { gatePixels, type TextGate } from '../ocr/text-gate.ts';

export type PreparedPhoto =
  | {
      kind: 'encode';
      file: FileIdentity;
      contentHash: string;
      metadata: PhotoMetadata;
      pixels: Float32Array;
      decodeSource: DecodeSource;
      /** The pixel fingerprint from the same decode; absent when it could not be made (the photo still indexes). */
      signature?: { kind: string; fingerprint: Float32Array; sharpness: number };
      /** The text reader's first look at the same decode, when the run reads text and the decode could feed it. */
      textGate?: GateVerdict;
    }
  | { kind: 'known'; file: FileIdentity; contentHash: string; metadata: PhotoMetadata }
  | { kind: 'skipped'; file: FileIdentity; contentHash: string | null; code: string; reason: string }
  | { kind: 'vanished'; file: FileIdentity };

/** The text gate's answer for one photo (app/ocr/text-gate.ts), and the displayed size its text row records. */
export interface GateVerdict {
  /** false: no trace of text, so the photo holds no words; true or undefined (the look failed): the text pass reads it. */
  mayHoldText: Promise<boolean | undefined>;
  width: number;
  height: number;
}

export interface PrepareContext {
  spec: PreprocessSpec;
  /** The text reader's gate, when the run reads text and the reader has one. */
  textGate?: TextGate;
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

const endsTheRun: ReadonlySet<ErrorCode> = new Set(['DISK_FULL', 'INDEX_CORRUPT', 'INDEX_LOCKED']);

function signatureOrNothing(image: DecodedImage): ReturnType<typeof signatureOfDecoded> | undefined {
  try {
    return signatureOfDecoded(image);
  } catch {
    return undefined;
  }
}

/**
 * Sends the gate its look at `image` (answered in the reader's worker while this photo waits for its
 * batch); none when the gate does not take this photo or the decode is smaller than its input (an
 * embedded HEIF or RAW image): the text pass then reads the photo from its own decode.
 */
function askGate(
  gate: TextGate,
  file: string,
  image: DecodedImage,
  displayed: { width: number; height: number },
): GateVerdict | undefined {
  const size = gate.sizeFor(displayed.width, displayed.height);
  // Compared by the long edge: the look's sides are rounded to multiples of 32, so its short side may pass the decode's.
  if (size === undefined || Math.max(image.width, image.height) < Math.max(size.width, size.height)) return undefined;
  // A failed look is no verdict: the text pass reads the photo and records its failure, if any, itself.
  const mayHoldText = gate.mayHoldText(file, gatePixels(image, size)).catch(() => undefined);
  return { mayHoldText, width: displayed.width, height: displayed.height };
}

export async function preparePhoto(planned: PlannedFile, ctx: PrepareContext): Promise<PreparedPhoto> {
  let file = planned.file;
  let contentHash: string | null = null;
  try {
    const read = await readWholeFile(file);
    if (read.kind === 'vanished') return { kind: 'vanished', file };
    // Rewritten since the scan but steady while read: record the stat that describes these bytes.
    file = { ...file, size: read.size, mtimeMs: read.mtimeMs };
    const { bytes } = read;
    if (bytes.length === 0)
      throw new EidosError('DECODE_FAILED', `${file.path}: the file is empty (0 bytes).`, { file: file.path });
    contentHash = hashBytes(bytes);
    // The decoders get the bytes, never the path: a name that is not valid UTF-8 cannot be reopened from its text form.
    // Opened once (the header, or a RAW or HEIF container) for both the metadata and the decode.
    const opened = await openImage(file.path, bytes);
    const metadata = toStoreMetadata(await metadataOf(opened, bytes));
    if ((planned.embedded && planned.contentHash === contentHash) || ctx.hasEmbedding(contentHash))
      return { kind: 'known', file, contentHash, metadata };
    // One decode of no more than the grid thumbnail and the model need: an embedded image at least that
    // large (HEIF thumbnail, RAW preview), else shrunk on load, never below the model's shortest edge
    // (so the model input is a downscale like the reference processor's).
    // When the text gate looks at the same decode, no smaller than the gate's input either.
    const image = await decodeOpened(opened, {
      maxLongEdge: Math.max(THUMBNAIL_EDGES.grid * 2, ctx.textGate?.longestEdge ?? 0),
      minShortEdge: ctx.spec.shortestEdge,
      embedded: { minShortEdge: ctx.spec.shortestEdge, minLongEdge: THUMBNAIL_EDGES.grid },
    });
    const thumbnail = writeThumbnails(image, contentHash, ctx.thumbnailsDir, ['grid']);
    // Awaited below; should the model input fail first, its failure must not go unhandled.
    thumbnail.catch(() => undefined);
    // In this thread while libvips makes the thumbnail on its own: the model input (the native kernel),
    // and the fingerprint for the duplicates view, whose failure only leaves it to be made later
    // (app/service/duplicates.ts).
    const pixels = preprocessDecoded(image, ctx.spec, file.path);
    const signature = signatureOrNothing(image);
    const textGate = ctx.textGate ? askGate(ctx.textGate, file.path, image, opened) : undefined;
    await thumbnail;
    return {
      kind: 'encode',
      file,
      contentHash,
      metadata,
      pixels,
      decodeSource: image.source ?? 'full',
      ...(signature ? { signature: { kind: FINGERPRINT_KIND, ...signature } } : {}),
      ...(textGate ? { textGate } : {}),
    };
  } catch (error) {
    // A full disk or a damaged index is not this photo's fault: recording it as skipped would mark a
    // good photo as bad (and the next run would not retry it). Such errors end the run instead.
    if (isEidosError(error) && endsTheRun.has(error.code)) throw error;
    const code = error instanceof EidosError ? error.code : 'UNREADABLE';
    return { kind: 'skipped', file, contentHash, code, reason: describeError(error) };
  }
}
