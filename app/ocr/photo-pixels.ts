/**
 * The pixels a photo is read from: decoded once as displayed (EXIF orientation applied, image/decode.ts),
 * shrunk to at most `READ_EDGE` on its long side (enough for receipt print; bounds memory at ~12 MB), and
 * beside it the same photo at the detector's size, resized by libvips.
 */
import sharp from 'sharp';
import { decodeOpened, openImage } from '../image/decode.ts';
import type { PixelsMessage } from './text-protocol.ts';
import { detectorSize } from './tensors.ts';

/** The long edge the recogniser's crops are cut from. */
export const READ_EDGE = 2048;

export interface PixelsForReading {
  image: PixelsMessage;
  detector: PixelsMessage;
  /** The displayed photo's size, which the boxes refer to. */
  displayedWidth: number;
  displayedHeight: number;
}

export async function pixelsForReading(file: string, bytes: Buffer, detectorLimit: number): Promise<PixelsForReading> {
  const opened = await openImage(file, bytes);
  const decoded = await decodeOpened(opened, { maxLongEdge: READ_EDGE });
  const size = detectorSize(decoded.width, decoded.height, detectorLimit);
  const detector = await sharp(decoded.data, { raw: { width: decoded.width, height: decoded.height, channels: 3 } })
    .resize(size.width, size.height, { fit: 'fill' })
    .raw()
    .toBuffer();
  return {
    image: { data: decoded.data, width: decoded.width, height: decoded.height },
    detector: { data: detector, ...size },
    displayedWidth: opened.width,
    displayedHeight: opened.height,
  };
}
