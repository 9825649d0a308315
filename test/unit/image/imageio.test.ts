import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_HEIC_PIXELS } from '../../../app/image/decode.ts';
import { heifDisplayedSize } from '../../../app/image/heif-decode.ts';
import { decodeHeifOffThread, stopHeifWorkers } from '../../../app/image/heif-workers.ts';
import { imageioDecoder } from '../../../app/image/imageio.ts';

// macOS only (run by .github/workflows/macos.yml): ImageIO against the portable path, which is the
// reference. The HEIC is written by macOS's own `sips` from a JPEG made here, so no photo is committed.
const imageio = imageioDecoder();
const dir = mkdtempSync(join(tmpdir(), 'eidos-imageio-'));
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await stopHeifWorkers();
});

/** A picture with structure at every scale: gradients, a disc and stripes. */
async function sceneJpeg(width: number, height: number, file: string, orientation = 1): Promise<void> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <defs><linearGradient id="g" x1="0" x2="1" y1="0" y2="1"><stop offset="0" stop-color="#c03020"/><stop offset="1" stop-color="#2040b0"/></linearGradient></defs>
    <rect width="100%" height="100%" fill="url(#g)"/><circle cx="${width * 0.3}" cy="${height * 0.4}" r="${height * 0.25}" fill="#f0e040"/>
    ${Array.from({ length: 12 }, (_, i) => `<rect x="${width * 0.6 + i * 12}" y="${height * 0.1}" width="6" height="${height * 0.8}" fill="#102010"/>`).join('')}
  </svg>`;
  await sharp(Buffer.from(svg)).withMetadata({ orientation }).jpeg({ quality: 92 }).toFile(file);
}

async function common(data: Uint8Array, width: number, height: number, channels: number): Promise<Buffer> {
  return sharp(data, { raw: { width, height, channels: channels as 3 | 4 } })
    .flatten({ background: '#ffffff' })
    .resize(224, 168, { fit: 'fill' })
    .removeAlpha()
    .raw()
    .toBuffer();
}

const psnr = (a: Buffer, b: Buffer): number => {
  let squared = 0;
  for (let i = 0; i < a.length; i++) squared += (a[i]! - b[i]!) ** 2;
  return 10 * Math.log10((255 * 255) / (squared / a.length));
};

describe.skipIf(!imageio)('ImageIO (macOS) against the portable HEIF path', () => {
  it('decodes a HEIC written by sips to the same picture, size and orientation', async () => {
    const jpeg = join(dir, 'scene.jpg');
    const heic = join(dir, 'scene.heic');
    await sceneJpeg(1600, 1200, jpeg);
    execFileSync('sips', ['-s', 'format', 'heic', jpeg, '--out', heic]);
    const bytes = readFileSync(heic);
    const full = heifDisplayedSize(heic, bytes);
    const bounds = { maxLongEdge: 512, minShortEdge: 224 };
    const native = await imageio!(heic, bytes, full, bounds);
    const portable = await decodeHeifOffThread(heic, bytes, bounds, MAX_HEIC_PIXELS);
    expect([native.width, native.height]).toEqual([512, 384]);
    expect([portable.pixels.width, portable.pixels.height]).toEqual([512, 384]);
    const a = await common(native.data, native.width, native.height, 3);
    const b = await common(
      portable.pixels.data,
      portable.pixels.width,
      portable.pixels.height,
      portable.pixels.channels,
    );
    expect(psnr(a, b)).toBeGreaterThanOrEqual(30);
  });

  it('fails with DECODE_FAILED naming the file for bytes that are not an image', async () => {
    await expect(
      imageio!('/photos/broken.heic', new Uint8Array(1000), { width: 10, height: 10 }, {}),
    ).rejects.toMatchObject({ code: 'DECODE_FAILED', message: expect.stringContaining('/photos/broken.heic') });
  });
});
