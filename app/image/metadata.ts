/**
 * What Eidos shows and filters on: capture time, place, camera, lens and displayed size. EXIF through
 * exifr, size from the image header (EXIF's PixelXDimension is often stale after editing). Broken or
 * missing EXIF yields fewer fields, never an error; only an unreadable or undecodable file throws.
 */
import exifr from 'exifr';
import { openImage, type OpenedImage } from './decode.ts';
import { asOrientation, type Orientation } from './orientation.ts';

export interface PhotoMetadata {
  /** Capture time as written by the camera: ISO 8601, with its UTC offset when the file records one. */
  takenAt?: string;
  gps?: { lat: number; lon: number };
  make?: string;
  model?: string;
  lens?: string;
  /** Displayed size (after orientation). */
  width: number;
  height: number;
  orientation?: Orientation;
}

interface RawExif {
  DateTimeOriginal?: unknown;
  CreateDate?: unknown;
  OffsetTimeOriginal?: unknown;
  latitude?: unknown;
  longitude?: unknown;
  Make?: unknown;
  Model?: unknown;
  LensModel?: unknown;
  Orientation?: unknown;
}

/** `bytes`: the file's content when already read (see `openImage`). */
export async function readMetadata(file: string, bytes?: Buffer): Promise<PhotoMetadata> {
  return metadataOf(await openImage(file, bytes), bytes);
}

/** The same for a photo already opened (the indexer opens each photo once, for this and its decode). */
export async function metadataOf(image: OpenedImage, bytes?: Buffer): Promise<PhotoMetadata> {
  const exif = await readExif(bytes ?? image.file);
  const result: PhotoMetadata = { width: image.width, height: image.height };
  const takenAt = exifDateToIso(exif.DateTimeOriginal ?? exif.CreateDate, exif.OffsetTimeOriginal);
  if (takenAt) result.takenAt = takenAt;
  const lat = exif.latitude;
  const lon = exif.longitude;
  if (
    typeof lat === 'number' &&
    typeof lon === 'number' &&
    Number.isFinite(lat) &&
    Number.isFinite(lon) &&
    Math.abs(lat) <= 90 &&
    Math.abs(lon) <= 180 &&
    !(lat === 0 && lon === 0)
  ) {
    result.gps = { lat, lon };
  }
  for (const [key, value] of [
    ['make', exif.Make],
    ['model', exif.Model],
    ['lens', exif.LensModel],
  ] as const) {
    const text = cleanText(value);
    if (text) result[key] = text;
  }
  const orientation = asOrientation(exif.Orientation);
  if (orientation) result.orientation = orientation;
  return result;
}

async function readExif(file: string | Buffer): Promise<RawExif> {
  try {
    // Raw values: exifr would otherwise turn dates into Date objects in the machine's time zone.
    // Not chunked: with chunked reads exifr misses EXIF that follows a large APP segment.
    // XMP too: some editors and phones write the capture time only there.
    // `chunked` is a documented exifr option missing from its type declarations.
    const options = {
      tiff: true,
      exif: true,
      gps: true,
      xmp: true,
      icc: false,
      iptc: false,
      reviveValues: false,
      translateValues: false,
      chunked: false,
    } as NonNullable<Parameters<typeof exifr.parse>[1]>;
    const parsed = (await exifr.parse(file, options)) as RawExif | undefined;
    return parsed ?? {};
  } catch {
    return {}; // broken EXIF: the photo still indexes, just without these fields
  }
}

/** "2008:05:30 15:56:01" (+ optional "+02:00") → "2008-05-30T15:56:01+02:00"; undefined if not a real date. */
export function exifDateToIso(value: unknown, offset?: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^(\d{4})[:-](\d{2})[:-](\d{2})[ T](\d{2}):(\d{2}):(\d{2})/.exec(value.trim());
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s] = match.map(Number) as [number, number, number, number, number, number, number];
  if (y < 1800 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return undefined;
  const iso = `${match[1]}-${match[2]}-${match[3]}T${match[4]}:${match[5]}:${match[6]}`;
  const zone =
    typeof offset === 'string' && /^[+-]\d{2}:\d{2}$/.test(offset.trim())
      ? offset.trim()
      : /Z$/.test(value.trim())
        ? 'Z'
        : '';
  return iso + zone;
}

function cleanText(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  // EXIF ASCII fields are C strings: whatever follows the first NUL is padding or garbage.
  const text = value.split('\u0000')[0]!.trim();
  return text.length > 0 ? text : undefined;
}
