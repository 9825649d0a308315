/** Small photos generated with sharp for the format and error cases (no binary fixtures in the repo). */
import { mkdtempSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import sharp, { type Sharp } from 'sharp';

export const scratchDir = (): string => mkdtempSync(join(tmpdir(), 'eidos-image-'));

/** A 64×48 image: left half red, right half blue (orientation and colour are easy to see). */
export function halves(width = 64, height = 48): Sharp {
  return sharp({ create: { width, height, channels: 3, background: '#ff0000' } }).composite([
    { input: { create: { width: width / 2, height, channels: 3, background: '#0000ff' } }, left: width / 2, top: 0 },
  ]);
}

export async function jpegBytes(width: number, height: number, progressive = false): Promise<Buffer> {
  return halves(width, height).jpeg({ progressive, quality: 90 }).toBuffer();
}

/** A valid PNG whose header declares width×height (CRC fixed up), without the pixels to match. */
export async function pngDeclaring(width: number, height: number, file: string): Promise<void> {
  const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#808080' } })
    .png()
    .toBuffer();
  png.writeUInt32BE(width, 16);
  png.writeUInt32BE(height, 20);
  png.writeUInt32BE(crc32(png.subarray(12, 29)), 29);
  await writeFile(file, png);
}
