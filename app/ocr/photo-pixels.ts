/**
 * The pixels a photo is read from: decoded once as displayed (EXIF orientation applied, image/decode.ts),
 * shrunk to at most `READ_EDGE` on its long side (enough for receipt print; bounds memory at ~12 MB), and
 * beside it the same photo at the detector's size and, when the reader has a gate (ppocr-reader.ts,
 * `gateScale`), at the gate's smaller size, each resized by libvips.
 */
import sharp from 'sharp';
import { decodeOpened, openImage } from '../image/decode.ts';
import type { PixelsMessage } from './text-protocol.ts';
import { detectorSize, gateSize } from './tensors.ts';

/** The long edge the recogniser's crops are cut from. */
export const READ_EDGE = 2048;

export interface PixelsForReading {
  image: PixelsMessage;
  detector: PixelsMessage;
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
  const resized = async (size: { width: number; height: number }): Promise<PixelsMessage> => ({
    data: await sharp(decoded.data, { raw: { width: decoded.width, height: decoded.height, channels: 3 } })
      .resize(size.width, size.height, { fit: 'fill' })
      .raw()
      .toBuffer(),
    ...size,
  });
  const size = detectorSize(decoded.width, decoded.height, detectorLimit);
  const gate = gateSize(size, gateScale);
  return {
    image: { data: decoded.data, width: decoded.width, height: decoded.height },
    detector: await resized(size),
    ...(gate ? { gate: await resized(gate) } : {}),
    displayedWidth: opened.width,
    displayedHeight: opened.height,
  };
}
