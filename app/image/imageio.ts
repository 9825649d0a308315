/**
 * macOS: HEIF decoded by ImageIO (native/src/imageio) instead of libheif in WebAssembly: the hardware
 * HEVC decoder, shrunk while decoding to the size asked for, orientation applied, colour-managed to sRGB,
 * alpha flattened onto white, on libuv's pool. The output contract is the portable path's (three 8-bit
 * sRGB channels), which stays the tested reference (test/unit/image/imageio.test.ts compares the two on
 * macOS). `EIDOS_IMAGEIO=off` turns it off.
 */
import { EidosError, describeError } from '../contract/errors.ts';
import { nativeImageioDecode } from '../kernels/index.ts';
import { boundedScale, type DecodeBounds } from './bounds.ts';

export interface ImageioPixels {
  /** 8-bit sRGB, three interleaved channels. */
  data: Uint8Array;
  width: number;
  height: number;
}

export type ImageioDecode = (
  file: string,
  bytes: Uint8Array,
  full: { width: number; height: number },
  bounds: DecodeBounds,
) => Promise<ImageioPixels>;

/** ImageIO's decoder when this is a macOS build with it (and it is not turned off), else undefined. */
export function imageioDecoder(): ImageioDecode | undefined {
  if (process.platform !== 'darwin' || process.env.EIDOS_IMAGEIO === 'off') return undefined;
  const native = nativeImageioDecode();
  if (!native) return undefined;
  return async (file, bytes, full, bounds) => {
    const scale = boundedScale(full.width, full.height, bounds);
    const maxPixelSize = Math.max(1, Math.round(Math.max(full.width, full.height) * scale));
    try {
      const { data, width, height } = await native(bytes, maxPixelSize);
      return { data, width, height };
    } catch (error) {
      throw new EidosError(
        'DECODE_FAILED',
        `Could not decode ${file}: ImageIO says "${describeError(error)}". The file may be damaged.`,
        { file, cause: error },
      );
    }
  };
}
