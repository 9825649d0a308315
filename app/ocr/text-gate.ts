/**
 * The text reader's gate (ppocr-reader.ts, `gateScale`): the detector's first look at a photo at a fraction
 * of its size, after which a photo with no trace of text is read as holding none. Its size follows from the
 * photo's displayed size alone, so any decode at least that large can feed it. So the image pass of an
 * indexing run, which has already decoded each new photo, asks for a look of its own (at `prefilterScale`)
 * from that decode while the vision tower embeds (app/indexer/prepare-photo.ts), and the text pass decodes
 * only the photos it lets through.
 */
import { kernels } from '../kernels/index.ts';
import { detectorSize, gateSize, largestGateSize, type RgbImage } from './tensors.ts';

export interface GateSize {
  width: number;
  height: number;
}

/** What a reader with a gate offers a caller that decodes photos itself. */
export interface TextGate {
  /** The longest edge `sizeFor` asks for: a decode whose long edge is at least this (or the photo's own) can feed the gate. */
  readonly longestEdge: number;
  /** The gate's input size for a photo displayed at `width` × `height`; undefined: its first look is the full one. */
  sizeFor(width: number, height: number): GateSize | undefined;
  /** Whether the photo may hold text, from its pixels at `sizeFor`'s size (gatePixels); `file` names it in errors. */
  mayHoldText(file: string, pixels: RgbImage): Promise<boolean>;
}

/** The input size of a look at `scale` of the detector's size, for a photo displayed at `width` × `height`; undefined: no such look. */
export function gateSizeFor(width: number, height: number, detectorLimit: number, scale: number): GateSize | undefined {
  return gateSize(detectorSize(width, height, detectorLimit), scale);
}

/**
 * The image pass's look for a photo displayed at `width` × `height`: at `scale` of the photo's own size, not
 * of the detector's, so a photo larger than the detector's limit (shrunk to it already) is not shrunk by
 * `scale` again and its small words survive, as a small photo's do; but never larger than `largest` of the
 * detector's size (the reader's own first look, whose verdict it stands in for). On dev, a look at 0.6 of
 * the detector's size turned back street scenes (1280 px, looked at with 0.45 of their pixels) that the
 * reader's own look at 0.7 lets through; flickr8k's photos (500 px) are looked at as before.
 */
export function lookSizeFor(
  width: number,
  height: number,
  detectorLimit: number,
  scale: number,
  largest: number,
): GateSize | undefined {
  const detector = detectorSize(width, height, detectorLimit);
  const ofPhoto = (scale * Math.max(width, height)) / Math.max(detector.width, detector.height);
  return gateSize(detector, Math.min(Math.max(scale, ofPhoto), Math.max(scale, largest)));
}

/** The longest edge such a look ever takes (a large photo's, looked at with the larger of the two scales); 0: none. */
export function lookLongestEdge(detectorLimit: number, scale: number, largest: number): number {
  const size = largestGateSize(detectorLimit, Math.max(scale, largest));
  return size === undefined ? 0 : Math.max(size.width, size.height);
}

/**
 * `image` at a look's `size` (aspect not kept, as the detector's own resize): Pillow's antialiased bicubic,
 * in the native kernel, for the image pass's yes-or-no look; the reader's own look, whose boxes may be read,
 * keeps libvips's resize (photo-pixels.ts).
 */
export function gatePixels(image: RgbImage, size: GateSize): RgbImage {
  const data = kernels.resampleImage(image.data, image.width, image.height, 3, size.width, size.height, 'bicubic');
  return { data, width: size.width, height: size.height };
}
