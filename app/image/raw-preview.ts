/**
 * The largest JPEG preview embedded in a camera RAW file (DNG, CR2, CR3, NEF, ARW, RAF, ORF, RW2).
 *
 * Every one of these formats stores one or more baseline JPEG previews next to the sensor data, but
 * each points at them differently (TIFF IFDs, ISO-BMFF boxes, Fuji's own header). Instead of parsing
 * eight containers, we scan the bytes for JPEG start-of-image markers and walk each candidate's marker
 * segments, with bounds checks on every length, to its frame header (size) and end-of-image. The
 * candidate with the most pixels wins. Nothing here trusts a length it has not checked against the
 * buffer, and the number of candidates is capped, so a hostile file costs a bounded number of passes.
 */

export interface EmbeddedJpeg {
  offset: number;
  length: number;
  width: number;
  height: number;
}

const MAX_CANDIDATES = 64;

/** Start-of-frame markers that carry the image size (all SOFn except DHT 0xC4, JPG 0xC8, DAC 0xCC). */
const isStartOfFrame = (marker: number): boolean =>
  marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;

/** Walks one JPEG from its SOI at `start`; undefined when the structure is not a complete JPEG. */
export function parseJpegAt(buf: Uint8Array, start: number): EmbeddedJpeg | undefined {
  if (buf[start] !== 0xff || buf[start + 1] !== 0xd8) return undefined;
  let pos = start + 2;
  let width = 0;
  let height = 0;
  while (pos + 1 < buf.length) {
    if (buf[pos] !== 0xff) return undefined;
    const marker = buf[pos + 1]!;
    if (marker === 0xff) {
      pos += 1;
      continue;
    } // fill byte
    if (marker === 0xd9) {
      return width > 0 && height > 0 ? { offset: start, length: pos + 2 - start, width, height } : undefined;
    }
    if (pos + 4 > buf.length) return undefined;
    const segmentLength = (buf[pos + 2]! << 8) | buf[pos + 3]!;
    if (segmentLength < 2 || pos + 2 + segmentLength > buf.length) return undefined;
    if (isStartOfFrame(marker)) {
      if (segmentLength < 7) return undefined;
      height = (buf[pos + 5]! << 8) | buf[pos + 6]!;
      width = (buf[pos + 7]! << 8) | buf[pos + 8]!;
    }
    pos += 2 + segmentLength;
    // After a start-of-scan header comes entropy-coded data; progressive JPEGs have several scans.
    if (marker === 0xda) pos = endOfEntropyData(buf, pos);
  }
  return undefined;
}

/** Entropy-coded data ends at an FF that starts a marker: not a stuffed 00, a fill FF or a restart. */
function endOfEntropyData(buf: Uint8Array, pos: number): number {
  for (let i = buf.indexOf(0xff, pos); i >= 0 && i + 1 < buf.length; i = buf.indexOf(0xff, i + 1)) {
    const next = buf[i + 1]!;
    if (next !== 0x00 && next !== 0xff && !(next >= 0xd0 && next <= 0xd7)) return i;
  }
  return buf.length;
}

/** Bytes scanned between yields to the event loop (~1 ms of work): a 50 MB RAW never blocks it for long. */
const SLICE_BYTES = 2 << 20;

/**
 * The embedded JPEG with the most pixels, or undefined when the file holds none. Asynchronous only to
 * let the event loop run between slices of the scan (a 50 MB RAW takes ~20 ms to scan in one go).
 */
export async function largestEmbeddedJpeg(buf: Uint8Array): Promise<EmbeddedJpeg | undefined> {
  let best: EmbeddedJpeg | undefined;
  let candidates = 0;
  let nextYield = SLICE_BYTES;
  for (let i = buf.indexOf(0xff); i >= 0 && i + 3 < buf.length; i = buf.indexOf(0xff, i + 1)) {
    if (i >= nextYield) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      nextYield = i + SLICE_BYTES;
    }
    if (buf[i + 1] !== 0xd8 || buf[i + 2] !== 0xff) continue;
    if (++candidates > MAX_CANDIDATES) break;
    const found = parseJpegAt(buf, i);
    if (!found) continue;
    if (!best || found.width * found.height > best.width * best.height) best = found;
    i += found.length - 1; // a preview's own thumbnail (inside its APP1) is smaller; skip past it
  }
  return best;
}
