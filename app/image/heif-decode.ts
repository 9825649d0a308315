/**
 * Decodes a HEIF/HEIC photo to no more pixels than the caller needs: the smallest thumbnail item of the
 * primary image that is at least `need`, else the primary image itself (within `maxPixels`). A burst
 * is read from its primary image; an image sequence without a still image from its first frame. The
 * picture is the same either way: libheif applies each item's own `irot`/`imir`/`clap`, and a thumbnail
 * that declares none of its own gets its primary image's (a thumbnail is a smaller copy of the displayed
 * primary image, HEIF ISO/IEC 23008-12 §6.6.2). The EXIF Orientation tag of a HEIF is informational and
 * applied by neither path (what libheif and Apple's viewers do).
 *
 * Synchronous WebAssembly: runs in heif-worker.ts. Failures are `EidosError`s naming the file.
 */
import { EidosError, describeError } from '../contract/errors.ts';
import type { EmbeddedNeed } from './bounds.ts';
import { displayedSize, HeifStructureError, readHeifLayout, type HeifItem, type HeifLayout } from './heif-boxes.ts';
import { decodeHeifImage, type HeifPixels } from './libheif.ts';
import { crop, mirror, rotateAnticlockwise } from './pixel-transforms.ts';

export interface HeifDecoded {
  pixels: HeifPixels;
  source: 'embedded-thumbnail' | 'full';
  /** The primary image's displayed size. */
  fullWidth: number;
  fullHeight: number;
}

type Size = { width: number; height: number };

/** What a HEIF file shows: its primary image, or (an image sequence without one) its first frame. */
type Contents = { kind: 'primary'; layout: HeifLayout; primary: HeifItem } | { kind: 'sequence'; frame: Size };

/** The primary image's (or first frame's) displayed size from the container (no pixel decoding). */
export function heifDisplayedSize(file: string, bytes: Uint8Array): Size {
  const contents = contentsOf(file, bytes);
  return contents.kind === 'primary' ? sizeOf(file, contents.primary) : contents.frame;
}

/** Decodes the smallest image that satisfies `need` (the primary image when `need` is undefined). */
export function decodeHeif(
  file: string,
  bytes: Uint8Array,
  need: EmbeddedNeed | undefined,
  maxPixels: number,
): HeifDecoded {
  const contents = contentsOf(file, bytes);
  if (contents.kind === 'sequence') return decodeFirstFrame(file, bytes, contents.frame, maxPixels);
  const { layout, primary } = contents;
  const full = sizeOf(file, primary);
  if (need) {
    for (const thumbnail of qualifyingThumbnails(layout, primary, full, need)) {
      const pixels = decodeThumbnail(bytes, primary, thumbnail);
      // A thumbnail that does not decode (damaged) is passed over: the primary image may still be fine.
      if (pixels) return { pixels, source: 'embedded-thumbnail', fullWidth: full.width, fullHeight: full.height };
    }
  }
  if (full.width * full.height > maxPixels) {
    const embedded = need ? ` and carries no embedded image of at least ${need.minShortEdge} px on its short side` : '';
    throw new EidosError(
      'TOO_LARGE',
      `${file} declares ${full.width}×${full.height} pixels, more than the ${maxPixels.toLocaleString('en')} Eidos decodes${embedded}; it was skipped.`,
      { file },
    );
  }
  try {
    return {
      pixels: decodeHeifImage(bytes, { kind: 'primary' }),
      source: 'full',
      fullWidth: full.width,
      fullHeight: full.height,
    };
  } catch (error) {
    throw new EidosError(
      'DECODE_FAILED',
      `Could not decode ${file}: libheif says "${describeError(error)}". The file may be damaged.`,
      { file, cause: error },
    );
  }
}

function decodeFirstFrame(file: string, bytes: Uint8Array, size: Size, maxPixels: number): HeifDecoded {
  if (size.width * size.height > maxPixels) {
    throw new EidosError(
      'TOO_LARGE',
      `${file} is an image sequence of ${size.width}×${size.height} frames, more than the ${maxPixels.toLocaleString('en')} pixels Eidos decodes; it was skipped.`,
      { file },
    );
  }
  try {
    return {
      pixels: decodeHeifImage(bytes, { kind: 'first-frame' }),
      source: 'full',
      fullWidth: size.width,
      fullHeight: size.height,
    };
  } catch (error) {
    throw new EidosError(
      'DECODE_FAILED',
      `Could not decode the first frame of ${file}, an image sequence without a still image: libheif says "${describeError(error)}". The file may be damaged.`,
      { file, cause: error },
    );
  }
}

function contentsOf(file: string, bytes: Uint8Array): Contents {
  if (bytes.length === 0) throw new EidosError('DECODE_FAILED', `${file}: the file is empty (0 bytes).`, { file });
  const cut = truncatedBox(bytes);
  if (cut) {
    throw new EidosError(
      'DECODE_FAILED',
      `${file} is damaged or truncated: its '${cut.type}' box declares ${cut.declared} bytes but the file ends ${cut.available} bytes into it. Copy the photo again from its source.`,
      { file },
    );
  }
  let layout: HeifLayout;
  try {
    layout = readHeifLayout(bytes);
  } catch (error) {
    if (!(error instanceof HeifStructureError)) throw error;
    throw new EidosError('DECODE_FAILED', `${file} is damaged: ${error.message}.`, { file, cause: error });
  }
  if (layout.primaryId === undefined) {
    if (layout.trackSize) return { kind: 'sequence', frame: layout.trackSize };
    if (layout.hasTracks) {
      throw new EidosError(
        'UNSUPPORTED_FORMAT',
        `${file} is an animation (a HEIF image sequence) without a still image or a picture track Eidos can read; Eidos indexes still photos only.`,
        { file },
      );
    }
    throw new EidosError(
      'DECODE_FAILED',
      `${file} is a HEIF file without a primary image (no 'meta' or 'pitm' box). The file may be damaged.`,
      { file },
    );
  }
  const primary = layout.items.get(layout.primaryId);
  if (!primary)
    throw new EidosError(
      'DECODE_FAILED',
      `${file} names item ${layout.primaryId} as its primary image but describes no such item. The file may be damaged.`,
      { file },
    );
  return { kind: 'primary', layout, primary };
}

function sizeOf(file: string, item: HeifItem): Size {
  const size = displayedSize(item);
  if (!size || size.width <= 0 || size.height <= 0) {
    throw new EidosError(
      'DECODE_FAILED',
      `${file}: its primary image declares no size (no 'ispe' property). The file may be damaged.`,
      { file },
    );
  }
  return size;
}

/** HEVC thumbnails at least `need` and smaller than the primary image, smallest first. */
function qualifyingThumbnails(layout: HeifLayout, primary: HeifItem, full: Size, need: EmbeddedNeed): HeifItem[] {
  const candidates: Array<{ item: HeifItem; area: number }> = [];
  for (const id of layout.thumbnails.get(primary.id) ?? []) {
    const item = layout.items.get(id);
    // libheif decodes HEVC (and grids of it); a JPEG or AV1 thumbnail is left to the full decode.
    if (!item || (item.type !== 'hvc1' && item.type !== 'grid')) continue;
    const size = displayedSize(withPrimaryTransforms(item, primary));
    if (!size) continue;
    const short = Math.min(size.width, size.height);
    const long = Math.max(size.width, size.height);
    if (short >= need.minShortEdge && long >= need.minLongEdge && size.width * size.height < full.width * full.height)
      candidates.push({ item, area: size.width * size.height });
  }
  return candidates.sort((a, b) => a.area - b.area).map(({ item }) => item);
}

/**
 * The thumbnail as it will be shown: its own transformations when it declares any (even a zero
 * rotation is a declaration), else its primary image's.
 */
function withPrimaryTransforms(thumbnail: HeifItem, primary: HeifItem): HeifItem {
  return thumbnail.transforms.length > 0
    ? thumbnail
    : { ...thumbnail, transforms: scaledTransforms(primary, thumbnail) };
}

/** The primary's transformations in the thumbnail's coordinates (a clean aperture scales with the image). */
function scaledTransforms(primary: HeifItem, thumbnail: HeifItem): HeifItem['transforms'] {
  const sx = (thumbnail.width ?? 1) / (primary.width ?? 1);
  const sy = (thumbnail.height ?? 1) / (primary.height ?? 1);
  return primary.transforms.map((t) =>
    t.kind === 'clap'
      ? {
          ...t,
          width: t.width * sx,
          height: t.height * sy,
          horizontalOffset: t.horizontalOffset * sx,
          verticalOffset: t.verticalOffset * sy,
        }
      : t,
  );
}

function decodeThumbnail(bytes: Uint8Array, primary: HeifItem, thumbnail: HeifItem): HeifPixels | undefined {
  let pixels: HeifPixels;
  try {
    pixels = decodeHeifImage(bytes, { kind: 'thumbnail', itemId: thumbnail.id });
  } catch {
    return undefined;
  }
  const shown = withPrimaryTransforms(thumbnail, primary);
  // libheif applied the thumbnail's own transformations; the primary's are ours to apply.
  if (shown === thumbnail) return pixels;
  for (const t of shown.transforms) {
    if (t.kind === 'irot') pixels = rotateAnticlockwise(pixels, t.quarterTurns);
    else if (t.kind === 'imir') pixels = mirror(pixels, t.axis);
    else
      pixels = crop(
        pixels,
        (pixels.width - t.width) / 2 + t.horizontalOffset,
        (pixels.height - t.height) / 2 + t.verticalOffset,
        t.width,
        t.height,
      );
  }
  return pixels;
}

/**
 * The first top-level ISO-BMFF box that runs past the end of the file, if any. libheif decodes a
 * truncated HEIC without complaint (missing tiles come out grey), so truncation is caught here.
 */
export function truncatedBox(bytes: Uint8Array): { type: string; declared: number; available: number } | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = 0; at + 8 <= bytes.length;) {
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    const small = view.getUint32(at);
    if (small === 0) return undefined; // the box runs to the end of the file, whatever its length
    const large = small === 1 && at + 16 <= bytes.length ? Number(view.getBigUint64(at + 8)) : undefined;
    const size = small === 1 ? large : small;
    if (size === undefined || at + size > bytes.length)
      return { type, declared: size ?? 16, available: bytes.length - at };
    if (size < 8) return undefined; // not a box structure at all: the layout reader says what is wrong
    at += size;
  }
  return undefined;
}
