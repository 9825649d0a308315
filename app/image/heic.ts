/**
 * HEIC/HEIF (HEVC-coded) photos through the npm `heic-decode` package (libheif compiled to
 * WebAssembly): sharp's prebuilt libvips reads AVIF but ships no HEVC decoder. This is the only file
 * that loads `heic-decode`; its untyped contract is written down here.
 *
 * libheif applies the container's own rotation and mirror boxes (`irot`, `imir`), so the pixels come
 * out as displayed; the EXIF Orientation tag in a HEIF is informational only and must not be applied
 * again (HEIF spec, ISO/IEC 23008-12, and what Apple's and libheif's viewers do).
 */
import { createRequire } from 'node:module';
import { EidosError } from '../contract/errors.ts';

interface HeicPixels {
  width: number;
  height: number;
  /** RGBA, 8 bits a channel. */
  data: Uint8ClampedArray;
}

interface HeicImageHandle {
  /** Size after the container's rotation/mirror boxes, known before decoding. */
  width: number;
  height: number;
  decode(): Promise<HeicPixels>;
}

interface HeicDecode {
  all(input: { buffer: Uint8Array }): Promise<HeicImageHandle[] & { dispose(): void }>;
}

const heicDecode = createRequire(import.meta.url)('heic-decode') as HeicDecode;

/** HEVC-coded brands of the ISO-BMFF `ftyp` box (AVIF's `avif`/`avis` go to sharp instead). */
const HEVC_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'hevm', 'hevs']);

/** Whether the file's first bytes are an ISO-BMFF `ftyp` box naming an HEVC-coded HEIF brand. */
export function isHevcHeif(head: Uint8Array): boolean {
  const ascii = (from: number): string => String.fromCharCode(...head.subarray(from, from + 4));
  if (head.length < 16 || ascii(4) !== 'ftyp') return false;
  const boxSize = Math.min(((head[0]! << 24) | (head[1]! << 16) | (head[2]! << 8) | head[3]!) >>> 0, head.length);
  const brands = [ascii(8)];
  for (let at = 16; at + 4 <= boxSize; at += 4) brands.push(ascii(at));
  return brands.some((brand) => HEVC_BRANDS.has(brand)) && !brands.includes('avif');
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
    if (size === undefined || at + size > bytes.length) return { type, declared: size ?? 16, available: bytes.length - at };
    if (size < 8) return undefined; // not a box structure at all: libheif says what is wrong
    at += size;
  }
  return undefined;
}

/** Parses the container (no pixel decoding) and hands its primary image to `use`. */
async function withPrimaryImage<T>(file: string, buffer: Uint8Array, use: (image: HeicImageHandle) => Promise<T>): Promise<T> {
  const cut = truncatedBox(buffer);
  if (cut) {
    throw new EidosError('DECODE_FAILED', `${file} is truncated: its '${cut.type}' box declares ${cut.declared} bytes but the file ends ${cut.available} bytes into it. Copy the photo again from its source.`, { file });
  }
  let images: Awaited<ReturnType<HeicDecode['all']>>;
  try {
    images = await heicDecode.all({ buffer });
  } catch (error) {
    throw new EidosError('DECODE_FAILED', `Could not read the HEIF container of ${file}: ${String(error)}. The file may be damaged.`, { file, cause: error });
  }
  try {
    const primary = images[0];
    if (!primary) throw new EidosError('DECODE_FAILED', `${file} is a HEIF file without an image in it.`, { file });
    return await use(primary);
  } finally {
    images.dispose();
  }
}

/** Displayed size declared by the container, without decoding pixels. */
export function readHeicSize(file: string, buffer: Uint8Array): Promise<{ width: number; height: number }> {
  return withPrimaryImage(file, buffer, async ({ width, height }) => ({ width, height }));
}

/**
 * Decodes the primary image to RGBA after checking its declared size against `maxPixels`, so a
 * decompression bomb is refused before libheif allocates its pixels.
 */
export function decodeHeic(file: string, buffer: Uint8Array, maxPixels: number): Promise<HeicPixels> {
  return withPrimaryImage(file, buffer, async (primary) => {
    if (primary.width * primary.height > maxPixels) {
      throw new EidosError(
        'TOO_LARGE',
        `${file} declares ${primary.width}×${primary.height} pixels, more than the ${maxPixels.toLocaleString('en')} Eidos decodes; it was skipped.`,
        { file },
      );
    }
    return primary.decode();
  });
}
