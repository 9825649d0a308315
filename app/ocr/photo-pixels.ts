/**
 * The pixels a photo is read from: decoded once as displayed (EXIF orientation applied, image/decode.ts),
 * shrunk to at most `READ_EDGE` on its long side (enough for receipt print; bounds memory at ~12 MB), and
 * beside it, when the reader has a gate (ppocr-reader.ts, `gateScale`), the same photo at the gate's
 * smaller size, resized by libvips. The detector's own size is made by the reader, only for a photo that
 * gets the full look (detector-pixels.ts).
 */
import { decodeOpened, openImage } from '../image/decode.ts';
import { resizedRgb } from './detector-pixels.ts';
import { gateSizeFor } from './text-gate.ts';
import type { PixelsMessage } from './text-protocol.ts';

/** The long edge the recogniser's crops are cut from. */
export const READ_EDGE = 2048;

export interface PixelsForReading {
  image: PixelsMessage;
  /** The photo at the gate's size, when a gate is asked for and is smaller than the detector's size. */
  gate?: PixelsMessage;
  /** The displayed photo's size, which the boxes refer to. */
  displayedWidth: number;
  displayedHeight: number;
}

/** `gateScale` 0: no gate. */
export async function pixelsForReading(
  file: string,
  bytes: Buffer,
  detectorLimit: number,
  gateScale = 0,
): Promise<PixelsForReading> {
  const opened = await openImage(file, bytes);
  const decoded = await decodeOpened(opened, { maxLongEdge: READ_EDGE });
  const image = { data: decoded.data, width: decoded.width, height: decoded.height };
  const gate = gateSizeFor(opened.width, opened.height, detectorLimit, gateScale);
  return {
    image,
    // Resized by libvips, as the detector's own size: the gate's boxes may be the ones read (`gateBoxesEnough`).
    ...(gate ? { gate: { ...gate, data: await resizedRgb(image, gate) } } : {}),
    displayedWidth: opened.width,
    displayedHeight: opened.height,
  };
}
