import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeImage, openImage, boundedScale } from '../../../app/image/decode.ts';
import { stopHeifWorkers } from '../../../app/image/heif-workers.ts';
import { isEidosError, type ErrorCode } from '../../../app/contract/errors.ts';
import { halves, jpegBytes, pngDeclaring, scratchDir } from './fixtures.ts';

const dir = scratchDir();
const EXIF_EDGE = '/work/shared/photos/exif-edge/files';

/** Mean of channel `c` over the left and right thirds of an RGB image. */
function sideMeans(image: { data: Buffer; width: number; height: number }, c: number): [number, number] {
  let left = 0,
    right = 0,
    n = 0;
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < Math.floor(image.width / 3); x++) {
      left += image.data[(y * image.width + x) * 3 + c]!;
      right += image.data[(y * image.width + image.width - 1 - x) * 3 + c]!;
      n++;
    }
  }
  return [left / n, right / n];
}

async function expectCode(promise: Promise<unknown>, code: ErrorCode, file: string): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isEidosError(error, code), `expected ${code}, got ${String(error)}`).toBe(true);
  expect((error as Error).message).toContain(file);
}

afterAll(() => stopHeifWorkers());

describe('decodeImage orientation', () => {
  const reference = decodeImage(join(EXIF_EDGE, 'jpg/orientation/landscape_1.jpg'));
  it.each([2, 3, 4, 5, 6, 7, 8])('EXIF orientation %i displays like orientation 1', async (orientation) => {
    const ref = await reference;
    const image = await decodeImage(join(EXIF_EDGE, `jpg/orientation/landscape_${orientation}.jpg`));
    expect([image.width, image.height]).toEqual([ref.width, ref.height]);
    let diff = 0;
    for (let i = 0; i < ref.data.length; i++) diff += Math.abs(ref.data[i]! - image.data[i]!);
    // Same picture, re-encoded per orientation: JPEG noise of ~5 levels; left unturned it differs by 50–68.
    expect(diff / ref.data.length).toBeLessThan(10);
  });
});

describe('decodeImage colour handling', () => {
  it('expands grayscale to three equal channels', async () => {
    const file = join(dir, 'gray.png');
    await sharp({ create: { width: 8, height: 8, channels: 3, background: '#404040' } })
      .toColourspace('b-w')
      .png()
      .toFile(file);
    expect((await sharp(file).metadata()).channels).toBe(1);
    const image = await decodeImage(file);
    expect([...image.data.subarray(0, 3)]).toEqual([64, 64, 64]);
  });

  it('converts CMYK to sRGB', async () => {
    const file = join(dir, 'cmyk.jpg');
    await halves().toColourspace('cmyk').jpeg().toFile(file);
    expect((await sharp(file).metadata()).space).toBe('cmyk');
    const image = await decodeImage(file);
    expect(sideMeans(image, 0)[0]).toBeGreaterThan(200); // red stays red
    expect(sideMeans(image, 2)[1]).toBeGreaterThan(120); // blue stays blue (CMYK's gamut dulls it)
    expect(sideMeans(image, 0)[1]).toBeLessThan(60);
  });

  it('flattens transparency onto white', async () => {
    const file = join(dir, 'alpha.png');
    await sharp({ create: { width: 8, height: 8, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
      .png()
      .toFile(file);
    const image = await decodeImage(file);
    expect([...image.data.subarray(0, 3)]).toEqual([255, 255, 255]);
  });

  it('reduces 16-bit to 8-bit', async () => {
    const file = join(dir, 'deep.png');
    await sharp({ create: { width: 8, height: 8, channels: 3, background: '#8040c0' } })
      .toColourspace('rgb16')
      .png()
      .toFile(file);
    expect((await sharp(file).metadata()).depth).toBe('ushort');
    const image = await decodeImage(file);
    expect([...image.data.subarray(0, 3)]).toEqual([0x80, 0x40, 0xc0]);
  });

  it('takes the first frame of an animation', async () => {
    const file = join(dir, 'anim.gif');
    const red = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#ff0000' } })
      .raw()
      .toBuffer();
    const green = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#00ff00' } })
      .raw()
      .toBuffer();
    await sharp(Buffer.concat([red, green]), { raw: { width: 8, height: 16, channels: 3, pageHeight: 8 } })
      .gif()
      .toFile(file);
    const image = await decodeImage(file);
    expect([image.width, image.height]).toEqual([8, 8]);
    expect(image.data[0]).toBeGreaterThan(200);
    expect(image.data[1]).toBeLessThan(50);
  });
});

describe('decodeImage HEIC, RAW and bounds', () => {
  it('decodes HEIC in full, with the container rotation applied, when no embedded image is allowed', async () => {
    const file = join(EXIF_EDGE, 'heic/mobile/iphone_13_pro_max.HEIC');
    const image = await decodeImage(file, { maxLongEdge: 400 });
    expect([image.width, image.height, image.source]).toEqual([300, 400, 'full']);
  });

  it('reads an image sequence without a still image from its first frame, at the track size', async () => {
    const file = join(EXIF_EDGE, '../../heif-edge/nokia/image_sequences/candle_animation.heic');
    const image = await decodeImage(file);
    expect([image.width, image.height, image.source]).toEqual([256, 144, 'full']);
    // A picture, not an empty frame: the candle's light against the dark.
    expect(Math.max(...image.data)).toBeGreaterThan(200);
    expect(Math.min(...image.data)).toBeLessThan(30);
  });

  it("reads HEIC from its thumbnail item when one is large enough, in the primary image's orientation", async () => {
    const file = join(EXIF_EDGE, 'heic/mobile/iphone_13_pro_max.HEIC');
    const image = await decodeImage(file, { maxLongEdge: 400, embedded: { minShortEdge: 224, minLongEdge: 256 } });
    expect([image.width, image.height, image.source]).toEqual([240, 320, 'embedded-thumbnail']);
    // A need the 240 × 320 thumbnail cannot meet: the full image.
    const large = await decodeImage(file, { maxLongEdge: 400, embedded: { minShortEdge: 300, minLongEdge: 400 } });
    expect([large.width, large.height, large.source]).toEqual([300, 400, 'full']);
  });

  it('reads a RAW file through its largest embedded JPEG preview', async () => {
    const file = join(dir, 'fake.dng');
    const tiffHeader = Buffer.from('49492a0008000000', 'hex');
    await writeFile(
      file,
      Buffer.concat([
        tiffHeader,
        await jpegBytes(32, 24),
        Buffer.alloc(1000, 0x55),
        await jpegBytes(320, 240, true),
        Buffer.alloc(500, 0xff),
      ]),
    );
    const opened = await openImage(file);
    expect([opened.kind, opened.width, opened.height]).toEqual(['raw-preview', 320, 240]);
    expect((await decodeImage(file)).source).toBe('embedded-preview');
    // A preview smaller than the need is refused, naming the RAW format.
    await expectCode(
      decodeImage(file, { embedded: { minShortEdge: 300, minLongEdge: 400 } }),
      'UNSUPPORTED_FORMAT',
      'DNG RAW file whose largest embedded preview is 320×240',
    );
    const [redLeft, redRight] = sideMeans(await decodeImage(file), 0);
    expect(redLeft).toBeGreaterThan(200);
    expect(redRight).toBeLessThan(60);
  });

  it('shrinks to the long-edge bound but keeps the short edge for the model', () => {
    expect(boundedScale(4000, 3000, { maxLongEdge: 1280, minShortEdge: 224 })).toBeCloseTo(0.32);
    expect(boundedScale(10000, 500, { maxLongEdge: 1280, minShortEdge: 224 })).toBeCloseTo(224 / 500);
    expect(boundedScale(200, 100, { maxLongEdge: 1280 })).toBe(1);
  });
});

describe('decode failures name the file and say why', () => {
  it('UNREADABLE for a missing file', () =>
    expectCode(decodeImage(join(dir, 'missing.jpg')), 'UNREADABLE', 'missing.jpg'));

  it('UNSUPPORTED_FORMAT for a file type Eidos does not read', async () => {
    await writeFile(join(dir, 'notes.txt'), 'hello');
    await expectCode(decodeImage(join(dir, 'notes.txt')), 'UNSUPPORTED_FORMAT', 'notes.txt');
  });

  it('UNSUPPORTED_FORMAT for a .jpg that is not an image', async () => {
    await writeFile(join(dir, 'text.jpg'), 'not a jpeg at all');
    await expectCode(decodeImage(join(dir, 'text.jpg')), 'UNSUPPORTED_FORMAT', 'text.jpg');
  });

  it('DECODE_FAILED for a truncated JPEG', async () => {
    const jpeg = await jpegBytes(640, 480);
    await writeFile(join(dir, 'cut.jpg'), jpeg.subarray(0, Math.floor(jpeg.length / 2)));
    await expectCode(decodeImage(join(dir, 'cut.jpg')), 'DECODE_FAILED', 'cut.jpg');
  });

  it('TOO_LARGE for a decompression bomb, refused from its header', async () => {
    await pngDeclaring(30_000, 30_000, join(dir, 'bomb.png'));
    await expectCode(decodeImage(join(dir, 'bomb.png')), 'TOO_LARGE', 'bomb.png');
  });

  it('UNSUPPORTED_FORMAT for a RAW file without a preview', async () => {
    await writeFile(join(dir, 'empty.nef'), Buffer.alloc(4096, 0x11));
    await expectCode(decodeImage(join(dir, 'empty.nef')), 'UNSUPPORTED_FORMAT', 'empty.nef');
  });

  it('reads a HEIC file that is named .jpg', async () => {
    const file = join(dir, 'heic-in-disguise.jpg');
    await writeFile(file, await readFile(join(EXIF_EDGE, 'heic/samplefilehub.heif')));
    expect((await openImage(file)).kind).toBe('heif');
  });
});
