/**
 * Opens any supported photo as a sharp pipeline that yields the image as displayed: EXIF orientation
 * applied, first frame of an animation, at full resolution until a consumer adds a resize (which lets
 * libvips shrink large JPEGs while decoding them). Every failure is an `EidosError` naming the file.
 *
 * Decode no more than needed: `decodeImage` with `bounds.embedded` takes, in this order, an embedded
 * image at least that large (a HEIF thumbnail item, a RAW file's JPEG preview), a shrink-on-load decode
 * (JPEG, WebP), or the full decode, and says which (`DecodedImage.source`). HEIF decodes run on worker
 * threads (heif-workers.ts); everything else runs inside libvips on libuv's pool.
 *
 * Colour: output is always 8-bit sRGB with three channels. Grayscale is expanded, CMYK and embedded ICC
 * profiles are converted to sRGB by libvips, 16-bit is reduced to 8, and alpha is flattened onto
 * white. Why white: Hugging Face's `convert_to_rgb` (used by CLIPImageProcessor in Python) composites
 * RGBA onto a white background before dropping alpha, and white is also what a user sees for a
 * transparent PNG in a viewer. (transformers.js just drops alpha, which turns transparent areas into
 * whatever colour the encoder left under them, usually black; no photo in our parity set has alpha.)
 */
import { open, readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import sharp, { type Sharp } from 'sharp';
import exifr from 'exifr';
import { EidosError, describeError, isEidosError } from '../contract/errors.ts';
import { boundedScale, type DecodeBounds } from './bounds.ts';
import { PHOTO_EXTENSIONS, RAW_EXTENSIONS } from './formats.ts';
import { isHevcHeif } from './heif-boxes.ts';
import { heifDisplayedSize } from './heif-decode.ts';
import { decodeHeifOffThread } from './heif-workers.ts';
import { imageioDecoder } from './imageio.ts';
import { asOrientation, orientationOps, swapsAxes } from './orientation.ts';
import { largestEmbeddedJpeg } from './raw-preview.ts';

/**
 * Decompression-bomb guard. 200 MP is above any camera or phone (100 MP medium format) and most
 * stitched panoramas, yet a file cannot make libvips allocate more than ~600 MB of RGB for it.
 */
export const MAX_INPUT_PIXELS = 200_000_000;
/**
 * HEIF pixels are decoded inside WebAssembly memory (4 GB at most). The limit applies to what is
 * decoded: a 200 MP phone photo with a large enough thumbnail item is read from the thumbnail.
 */
export const MAX_HEIC_PIXELS = 100_000_000;

export type SourceKind = 'sharp' | 'heif' | 'raw-preview';

/**
 * Which pixels a decode read: an embedded HEIF thumbnail item, a RAW file's embedded JPEG preview,
 * the full image shrunk while decoding (libvips' JPEG/WebP shrink-on-load), or the full image.
 */
export const DECODE_SOURCES = ['embedded-thumbnail', 'embedded-preview', 'shrink-on-load', 'full'] as const;
export type DecodeSource = (typeof DECODE_SOURCES)[number];

/** A pipeline for the image as displayed, at `width` × `height` (smaller than the photo when it comes from an embedded image). */
export interface SizedPipeline {
  pipeline: Sharp;
  width: number;
  height: number;
  source: DecodeSource;
}

export interface OpenedImage {
  file: string;
  kind: SourceKind;
  /** Displayed size (after orientation) at full resolution. */
  width: number;
  height: number;
  /** A fresh pipeline yielding the displayed image; add `.resize()` to it to get shrink-on-load. HEIF decodes here. */
  pipeline(): Promise<Sharp>;
  /** The smallest pipeline that serves `bounds` (an embedded image when `bounds.embedded` allows one). */
  pipelineFor(bounds: DecodeBounds): Promise<SizedPipeline>;
}

/** Oriented 8-bit sRGB pixels, three interleaved channels (HWC), alpha flattened onto white. */
export interface DecodedImage {
  data: Buffer;
  width: number;
  height: number;
  /** Where the pixels came from; absent for pixels not decoded from a file. */
  source?: DecodeSource;
}

export { boundedScale, type DecodeBounds } from './bounds.ts';

const SHARP_OPTIONS = {
  limitInputPixels: MAX_INPUT_PIXELS,
  // Abort on truncated pixel data; tolerate warnings such as bytes after the JPEG end marker.
  failOn: 'truncated',
  // Multi-page TIFF, animated GIF/WebP: the first page/frame only.
  pages: 1,
} as const;

/**
 * `file` names the photo (extension, messages); `bytes`, when given, is its content already read
 * (the indexer reads each file once), so nothing opens the path again.
 */
export async function openImage(file: string, bytes?: Buffer): Promise<OpenedImage> {
  const extension = extname(file).toLowerCase();
  if (!PHOTO_EXTENSIONS.includes(extension)) {
    throw new EidosError(
      'UNSUPPORTED_FORMAT',
      `${file}: "${extension || '(no extension)'}" is not a photo format Eidos reads (${PHOTO_EXTENSIONS.join(' ')}).`,
      { file },
    );
  }
  try {
    if ((RAW_EXTENSIONS as readonly string[]).includes(extension))
      return await openRawPreview(file, bytes ?? (await readFile(file)));
    // Phones sometimes save HEIC under .jpg, so the content decides, not the name.
    if (isHevcHeif(bytes ? bytes.subarray(0, 64) : await readHead(file)))
      return await openHeif(file, bytes ?? (await readFile(file)));
    return await openWithSharp(file, bytes ?? file, 'sharp', undefined);
  } catch (error) {
    throw decodeFailure(file, error);
  }
}

/** Decodes to pixels, shrunk to `bounds` when given (one decode can then feed the model and the thumbnails). */
export async function decodeImage(file: string, bounds: DecodeBounds = {}, bytes?: Buffer): Promise<DecodedImage> {
  return decodeOpened(await openImage(file, bytes), bounds);
}

/** `decodeImage` for an image already opened (whose displayed size the caller also needs). */
export async function decodeOpened(image: OpenedImage, bounds: DecodeBounds = {}): Promise<DecodedImage> {
  const file = image.file;
  const sized = await openPipeline(image, bounds);
  const scale = boundedScale(sized.width, sized.height, bounds);
  let pipeline = sized.pipeline;
  if (scale < 1) {
    pipeline = pipeline.resize({
      width: Math.max(1, Math.round(sized.width * scale)),
      height: Math.max(1, Math.round(sized.height * scale)),
      fit: 'fill',
    });
  }
  return { ...(await toRgbPixels(pipeline, file)), source: sized.source };
}

/** `image.pipelineFor(bounds)` with failures mapped to `EidosError`. */
export async function openPipeline(image: OpenedImage, bounds: DecodeBounds = {}): Promise<SizedPipeline> {
  try {
    return await image.pipelineFor(bounds);
  } catch (error) {
    throw decodeFailure(image.file, error);
  }
}

/** Runs a pipeline from `openImage` to 8-bit sRGB RGB pixels; the one place colour is normalised. */
export async function toRgbPixels(pipeline: Sharp, file: string): Promise<DecodedImage> {
  try {
    const { data, info } = await pipeline
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`expected 3 channels after conversion, got ${info.channels}`);
    return { data, width: info.width, height: info.height };
  } catch (error) {
    throw decodeFailure(file, error);
  }
}

async function readHead(file: string): Promise<Uint8Array> {
  const handle = await open(file, 'r');
  try {
    const head = new Uint8Array(64);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return head.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

async function openWithSharp(
  file: string,
  input: string | Buffer,
  kind: SourceKind,
  rawOrientation: number | undefined,
): Promise<OpenedImage> {
  const meta = await sharp(input, SHARP_OPTIONS).metadata();
  if (!meta.width || !meta.height) throw new Error('no image size in the file header');
  // sharp reads the tag itself from ordinary files; a RAW preview gets the RAW's tag applied by hand.
  const orientation = kind === 'raw-preview' ? asOrientation(rawOrientation) : asOrientation(meta.orientation);
  const swap = swapsAxes(orientation);
  const width = swap ? meta.height : meta.width;
  const height = swap ? meta.width : meta.height;
  const pipeline = async (): Promise<Sharp> => {
    if (kind !== 'raw-preview') return sharp(input, { ...SHARP_OPTIONS, autoOrient: true });
    const ops = orientationOps(orientation ?? 1);
    let oriented = sharp(input, SHARP_OPTIONS).rotate(ops.rotate);
    if (ops.flop) oriented = oriented.flop();
    return oriented;
  };
  return {
    file,
    kind,
    width,
    height,
    pipeline,
    pipelineFor: async (bounds) => ({
      pipeline: await pipeline(),
      width,
      height,
      source: sourceOf(kind, meta.format, boundedScale(width, height, bounds)),
    }),
  };
}

/** libvips shrinks JPEG (by 2, 4 or 8 in the DCT) and WebP while decoding when the resize allows it. */
function sourceOf(kind: SourceKind, format: string | undefined, scale: number): DecodeSource {
  if (kind === 'raw-preview') return 'embedded-preview';
  return (format === 'jpeg' || format === 'webp') && scale <= 0.5 ? 'shrink-on-load' : 'full';
}

async function openHeif(file: string, buffer: Buffer): Promise<OpenedImage> {
  // The container alone (microseconds): pixels are decoded on a HEIF thread, only when asked for.
  const { width, height } = heifDisplayedSize(file, buffer);
  const pipelineFor = async (bounds: DecodeBounds): Promise<SizedPipeline> => {
    // ImageIO decodes the primary image in hardware; beyond the pixel limit the portable path decides
    // (a thumbnail item, or TOO_LARGE), so both platforms index the same files.
    // macOS's ImageIO when the addon has it (native/src/imageio); the portable path otherwise.
    const imageio = imageioDecoder();
    if (imageio && width * height <= MAX_HEIC_PIXELS) {
      const pixels = await imageio(file, buffer, { width, height }, bounds);
      const data = Buffer.from(pixels.data.buffer, pixels.data.byteOffset, pixels.data.byteLength);
      return {
        pipeline: sharp(data, { raw: { width: pixels.width, height: pixels.height, channels: 3 } }),
        width: pixels.width,
        height: pixels.height,
        source: 'full',
      };
    }
    // The thread shrinks to `bounds` too: 12 MP of RGB crossing to this thread would cost a major GC here.
    const { pixels, source } = await decodeHeifOffThread(file, buffer, bounds, MAX_HEIC_PIXELS);
    const data = Buffer.from(pixels.data.buffer, pixels.data.byteOffset, pixels.data.byteLength);
    const pipeline = sharp(data, {
      raw: { width: pixels.width, height: pixels.height, channels: pixels.channels },
      limitInputPixels: MAX_INPUT_PIXELS,
    });
    return { pipeline, width: pixels.width, height: pixels.height, source };
  };
  return { file, kind: 'heif', width, height, pipelineFor, pipeline: async () => (await pipelineFor({})).pipeline };
}

const RAW_HEADER_BYTES = 1 << 20;

async function openRawPreview(file: string, raw: Buffer): Promise<OpenedImage> {
  const format = extname(file).slice(1).toUpperCase();
  const preview = await largestEmbeddedJpeg(raw);
  if (!preview) {
    throw new EidosError(
      'UNSUPPORTED_FORMAT',
      `${file} is a ${format} RAW file without an embedded JPEG preview; Eidos reads RAW photos through their preview. Export a JPEG from your RAW editor to index it.`,
      { file },
    );
  }
  const jpeg = raw.subarray(preview.offset, preview.offset + preview.length);
  // IFD0 (or CR3's CMT1 box) sits at the start of every RAW format; exifr parses synchronously, so it
  // gets the head of the file, not tens of megabytes.
  const orientation = await exifr.orientation(raw.subarray(0, RAW_HEADER_BYTES)).catch(() => undefined);
  const opened = await openWithSharp(file, jpeg, 'raw-preview', orientation);
  return {
    ...opened,
    pipelineFor: async (bounds) => {
      const need = bounds.embedded;
      if (
        need &&
        (Math.min(opened.width, opened.height) < need.minShortEdge ||
          Math.max(opened.width, opened.height) < need.minLongEdge)
      ) {
        throw new EidosError(
          'UNSUPPORTED_FORMAT',
          `${file} is a ${format} RAW file whose largest embedded preview is ${opened.width}×${opened.height}, smaller than the ${need.minShortEdge} px Eidos needs; Eidos does not develop RAW sensor data. Export a JPEG from your RAW editor to index it.`,
          { file },
        );
      }
      return opened.pipelineFor(bounds);
    },
  };
}

/** Maps anything thrown while opening or decoding to an `EidosError` with a specific code. */
export function decodeFailure(file: string, error: unknown): EidosError {
  if (isEidosError(error)) return error;
  const errno = (error as NodeJS.ErrnoException | undefined)?.code;
  const reason = describeError(error);
  if (
    errno === 'ENOENT' ||
    errno === 'EACCES' ||
    errno === 'EPERM' ||
    errno === 'EISDIR' ||
    /Input file is missing/i.test(reason)
  ) {
    return new EidosError(
      'UNREADABLE',
      `Cannot read ${file} (${errno ?? reason}); check that it exists and that Eidos may read it.`,
      { file, cause: error },
    );
  }
  if (/pixel limit/i.test(reason)) {
    return new EidosError(
      'TOO_LARGE',
      `${file} has more than ${MAX_INPUT_PIXELS.toLocaleString('en')} pixels, beyond what Eidos decodes; it was skipped.`,
      { file, cause: error },
    );
  }
  if (/unsupported image format|not a known file format|unsupported compression/i.test(reason)) {
    return new EidosError('UNSUPPORTED_FORMAT', `${file} is not in an image format Eidos can decode (${reason}).`, {
      file,
      cause: error,
    });
  }
  return new EidosError(
    'DECODE_FAILED',
    `Could not decode ${file}: ${reason}. The file may be damaged or truncated; check it in an image viewer.`,
    { file, cause: error },
  );
}
