import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_HEIC_PIXELS } from '../../../app/image/decode.ts';
import { isHevcHeif, readHeifLayout } from '../../../app/image/heif-boxes.ts';
import { heifDisplayedSize } from '../../../app/image/heif-decode.ts';
import { decodeHeifOffThread, stopHeifWorkers } from '../../../app/image/heif-workers.ts';
import { imageioDecoder } from '../../../app/image/imageio.ts';
import { nativeImageioDecode } from '../../../app/kernels/index.ts';
import { setPrimaryItem } from '../../../scripts/heic-library/heif-edit.ts';

// ImageIO (macOS, run by .github/workflows/macos.yml) against the portable path, which is the reference.
// No photo is committed: the HEICs are made here from JPEGs drawn here, by macOS's own `sips` (which
// needs an HEVC encoder: GitHub's hosted runners have none, and that test then skips saying so), and by
// libheif's `heif-enc` (scripts/test-prerequisites.sh on Linux; `brew install libheif` on a Mac) for the
// burst whose primary image is not its first. The portable half of the burst test runs everywhere.
const imageio = imageioDecoder();
const dir = mkdtempSync(join(tmpdir(), 'eidos-imageio-'));
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await stopHeifWorkers();
});

/** A picture with structure at every scale: gradients, a disc and stripes, in two colour schemes. */
async function sceneJpeg(width: number, height: number, file: string, scheme: 'warm' | 'cool' = 'warm'): Promise<void> {
  const [from, to, disc] = scheme === 'warm' ? ['#c03020', '#2040b0', '#f0e040'] : ['#20a060', '#402080', '#40e0f0'];
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <defs><linearGradient id="g" x1="0" x2="1" y1="0" y2="1"><stop offset="0" stop-color="${from}"/><stop offset="1" stop-color="${to}"/></linearGradient></defs>
    <rect width="100%" height="100%" fill="url(#g)"/><circle cx="${width * 0.3}" cy="${height * 0.4}" r="${Math.min(width, height) * 0.25}" fill="${disc}"/>
    ${Array.from({ length: 12 }, (_, i) => `<rect x="${width * 0.6 + i * 12}" y="${height * 0.1}" width="6" height="${height * 0.8}" fill="#102010"/>`).join('')}
  </svg>`;
  await sharp(Buffer.from(svg)).jpeg({ quality: 92 }).toFile(file);
}

/** Why `sips` cannot write the HEIC test file here (undefined when it can): not macOS, or no HEVC encoder. */
async function sipsCannotWriteHevc(): Promise<string | undefined> {
  if (!imageio) return 'not macOS with ImageIO';
  const jpeg = join(dir, 'probe.jpg');
  const heic = join(dir, 'probe.heic');
  await sceneJpeg(64, 48, jpeg);
  const run = spawnSync('sips', ['-s', 'format', 'heic', jpeg, '--out', heic], { encoding: 'utf8' });
  if (run.error) return `sips could not run (${run.error.message})`;
  const written = existsSync(heic) ? readFileSync(heic) : undefined;
  if (run.status !== 0 || !written || !isHevcHeif(written)) {
    const said = `${run.stderr}${run.stdout}`.trim().split('\n').at(-1) ?? '';
    return `sips cannot write HEVC on this Mac (no HEVC encoder, as on GitHub's hosted runners)${said ? `: ${said}` : ''}`;
  }
  return undefined;
}

const heifEncMissing = spawnSync('heif-enc', ['--version']).error
  ? 'heif-enc is not installed (Debian: libheif-examples; macOS: brew install libheif)'
  : undefined;
const sipsMissing = await sipsCannotWriteHevc();

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

describe('ImageIO (macOS) against the portable HEIF path', () => {
  it.skipIf(sipsMissing !== undefined)(
    `decodes a HEIC written by sips to the same picture, size and orientation${sipsMissing ? ` (skipped: ${sipsMissing})` : ''}`,
    async () => {
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
    },
  );

  it.skipIf(!imageio)(
    `fails with DECODE_FAILED naming the file for bytes that are not an image${imageio ? '' : ' (skipped: not macOS with ImageIO)'}`,
    async () => {
      await expect(
        imageio!('/photos/broken.heic', new Uint8Array(1000), { width: 10, height: 10 }, {}),
      ).rejects.toMatchObject({ code: 'DECODE_FAILED', message: expect.stringContaining('/photos/broken.heic') });
    },
  );
});

describe('a burst whose primary image is not its first (heif-enc, then pitm pointed at the second image)', () => {
  const skipReason = heifEncMissing ? ` (skipped: ${heifEncMissing})` : '';
  let burst: { file: string; bytes: Buffer; first: string; second: string } | undefined;

  /** Two pictures unlike in size, orientation and colour: 640×480 warm first, 480×640 cool second (primary). */
  async function makeBurst(): Promise<NonNullable<typeof burst>> {
    if (burst) return burst;
    const first = join(dir, 'burst-1.jpg');
    const second = join(dir, 'burst-2.jpg');
    const made = join(dir, 'burst-made.heic');
    const file = join(dir, 'burst.heic');
    await sceneJpeg(640, 480, first, 'warm');
    await sceneJpeg(480, 640, second, 'cool');
    execFileSync('heif-enc', ['-q', '90', '-o', made, first, second]);
    const layout = readHeifLayout(readFileSync(made));
    const images = [...layout.items.values()].filter((item) => item.type === 'hvc1');
    expect(images.map((item) => [item.width, item.height])).toEqual([
      [640, 480],
      [480, 640],
    ]);
    writeFileSync(file, setPrimaryItem(readFileSync(made), images[1]!.id));
    expect(readHeifLayout(readFileSync(file)).primaryId).toBe(images[1]!.id);
    burst = { file, bytes: readFileSync(file), first, second };
    return burst;
  }

  /** The raw RGB of a JPEG made here, at the size the decoders are asked for. */
  const source = (jpeg: string, width: number, height: number) =>
    sharp(jpeg).resize(width, height, { fit: 'fill' }).removeAlpha().raw().toBuffer();
  const bounds = { maxLongEdge: 320, minShortEdge: 224 };

  it.skipIf(heifEncMissing !== undefined)(
    `the portable path reads the primary image: its size, its picture${skipReason}`,
    async () => {
      const { file, bytes, first, second } = await makeBurst();
      expect(heifDisplayedSize(file, bytes)).toEqual({ width: 480, height: 640 });
      const { pixels, fullWidth, fullHeight } = await decodeHeifOffThread(file, bytes, bounds, MAX_HEIC_PIXELS);
      expect([fullWidth, fullHeight, pixels.width, pixels.height]).toEqual([480, 640, 240, 320]);
      const decoded = await common(pixels.data, pixels.width, pixels.height, pixels.channels);
      const primary = await common(await source(second, 240, 320), 240, 320, 3);
      const other = await common(await source(first, 240, 320), 240, 320, 3);
      expect(psnr(decoded, primary)).toBeGreaterThanOrEqual(28);
      expect(psnr(decoded, other)).toBeLessThan(psnr(decoded, primary) - 10);
    },
  );

  it.skipIf(heifEncMissing !== undefined || !imageio)(
    `ImageIO reads the same primary image, for its size and its pixels${heifEncMissing ? skipReason : imageio ? '' : ' (skipped: not macOS with ImageIO)'}`,
    async () => {
      const { file, bytes } = await makeBurst();
      const raw = await nativeImageioDecode()!(bytes, 320);
      expect([raw.fullWidth, raw.fullHeight, raw.width, raw.height]).toEqual([480, 640, 240, 320]);
      const portable = (await decodeHeifOffThread(file, bytes, bounds, MAX_HEIC_PIXELS)).pixels;
      const ours = await common(raw.data, raw.width, raw.height, 3);
      const reference = await common(portable.data, portable.width, portable.height, portable.channels);
      expect(psnr(ours, reference)).toBeGreaterThanOrEqual(30);
    },
  );
});
