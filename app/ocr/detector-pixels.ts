/**
 * The photo at the detector's size (tensors.ts, detectorSize), resized by libvips from the pixels the lines
 * are read from. Made by the reader only when it looks at full size: most photos end at the gate, which
 * has its own smaller copy (photo-pixels.ts).
 */
import sharp from 'sharp';
import { detectorSize, type RgbImage } from './tensors.ts';

export async function detectorPixels(image: RgbImage, detectorLimit: number): Promise<RgbImage> {
  const size = detectorSize(image.width, image.height, detectorLimit);
  if (size.width === image.width && size.height === image.height) return image;
  return { ...size, data: await resizedRgb(image, size) };
}

/** `image` resized to `size` (aspect not kept), RGB bytes. */
export async function resizedRgb(image: RgbImage, size: { width: number; height: number }): Promise<Uint8Array> {
  return sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .resize(size.width, size.height, { fit: 'fill' })
    .raw()
    .toBuffer();
}
