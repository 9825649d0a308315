import sharp, { type Sharp } from 'sharp';
import { describe, expect, it } from 'vitest';
import type { HeifPixels } from '../../../app/image/libheif.ts';
import { crop, mirror, rotateAnticlockwise } from '../../../app/image/pixel-transforms.ts';

// Reference: libvips through sharp (rotate is clockwise there; flop mirrors left-right, flip top-bottom).
const image: HeifPixels = {
  width: 7,
  height: 4,
  channels: 3,
  data: Uint8Array.from({ length: 7 * 4 * 3 }, (_, i) => (i * 37) % 251),
};
const viaSharp = async (ops: (s: Sharp) => Sharp): Promise<HeifPixels> => {
  const { data, info } = await ops(
    sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } }),
  )
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data), width: info.width, height: info.height, channels: 3 };
};

describe('pixel transforms match libvips', () => {
  for (const turns of [1, 2, 3]) {
    it(`turns ${turns * 90}° anticlockwise`, async () => {
      expect(rotateAnticlockwise(image, turns)).toEqual(await viaSharp((s) => s.rotate(360 - turns * 90)));
    });
  }
  it('mirrors about the vertical axis (imir 0) and the horizontal axis (imir 1)', async () => {
    expect(mirror(image, 0)).toEqual(await viaSharp((s) => s.flop()));
    expect(mirror(image, 1)).toEqual(await viaSharp((s) => s.flip()));
  });
  it('crops a rectangle', async () => {
    expect(crop(image, 2, 1, 3, 2)).toEqual(await viaSharp((s) => s.extract({ left: 2, top: 1, width: 3, height: 2 })));
  });
});
