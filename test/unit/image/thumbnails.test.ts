import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../../app/image/decode.ts';
import { thumbnailPath, writeThumbnails } from '../../../app/image/thumbnails.ts';
import { isEidosError } from '../../../app/contract/errors.ts';
import { scratchDir } from './fixtures.ts';

const HASH = 'ab'.repeat(16);

describe('thumbnails', () => {
  it('names files by content hash with a two-digit fan-out', () => {
    expect(thumbnailPath(HASH, 'grid', '/cache')).toBe(`/cache/grid/ab/${HASH}.webp`);
    expect(
      isEidosError(
        (() => {
          try {
            thumbnailPath('../etc', 'grid', '/cache');
          } catch (e) {
            return e;
          }
        })(),
        'BAD_ARGUMENT',
      ),
    ).toBe(true);
  });

  it('writes an oriented grid and detail WebP and leaves no temporary files', async () => {
    const dir = scratchDir();
    const image = await decodeImage('/work/shared/photos/exif-edge/files/jpg/orientation/portrait_6.jpg', {
      maxLongEdge: 1280,
    });
    const paths = await writeThumbnails(image, HASH, dir);
    const grid = await sharp(paths.grid).metadata();
    const detail = await sharp(paths.detail).metadata();
    expect([grid.format, grid.width, grid.height]).toEqual(['webp', 192, 256]); // portrait as displayed
    expect([detail.width, detail.height]).toEqual([450, 600]); // never enlarged
    expect(await readdir(join(dir, 'grid', 'ab'))).toEqual([`${HASH}.webp`]);
  });
});
