import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeImage } from '../../../app/image/decode.ts';
import { stopHeifWorkers } from '../../../app/image/heif-workers.ts';
import { THUMBNAIL_EDGES } from '../../../app/image/thumbnails.ts';
import {
  cachedHeicLibrary,
  type HeicKind,
  type HeicLibraryFile,
} from '../../../scripts/heic-library/write-heic-library.ts';
import { CLIP_SPEC } from './clip-reference.ts';
import { modelInputDiff } from './model-input-diff.ts';

// The generated phone-like HEIC library (scripts/heic-library, from imagenet-dev photos; 12 files of
// 1600 × 1200, written once into the temporary folder, ~10 s the first time).
// The portable path is the reference, on macOS too (where ImageIO would otherwise decode HEIF).
let library: HeicLibraryFile[];
beforeAll(async () => {
  process.env.EIDOS_IMAGEIO = 'off';
  library = await cachedHeicLibrary({ count: 12, width: 1600, height: 1200 });
}, 120_000);
afterAll(() => stopHeifWorkers());

const INDEX_BOUNDS = {
  maxLongEdge: THUMBNAIL_EDGES.grid * 2,
  minShortEdge: 224,
  embedded: { minShortEdge: 224, minLongEdge: THUMBNAIL_EDGES.grid },
};

/** Which pixels each kind of file must be read from, and the displayed orientation of the photo. */
const EXPECTED: Record<HeicKind, { source: string; portrait: boolean }> = {
  thumbnail: { source: 'embedded-thumbnail', portrait: false },
  'rotated-primary': { source: 'embedded-thumbnail', portrait: true },
  'rotated-both': { source: 'embedded-thumbnail', portrait: true },
  'no-thumbnail': { source: 'full', portrait: false },
  'small-thumbnail': { source: 'full', portrait: false },
  'damaged-thumbnail': { source: 'full', portrait: false },
};

describe('HEIC read from no more than the model and the grid thumbnail need', () => {
  it('takes a large enough thumbnail item, else the full image, in the displayed orientation', async () => {
    for (const file of library) {
      const image = await decodeImage(file.heic, INDEX_BOUNDS);
      expect(image.source, file.heic).toBe(EXPECTED[file.kind].source);
      expect(image.height > image.width, file.heic).toBe(EXPECTED[file.kind].portrait);
    }
  });

  it('gives the model the same picture as the full decode (PSNR ≥ 30 dB on every file)', async () => {
    for (const file of library.filter((f) => EXPECTED[f.kind].source === 'embedded-thumbnail')) {
      const diff = await modelInputDiff(file.heic, CLIP_SPEC);
      expect([diff.previewSource, diff.fullSource]).toEqual(['embedded-thumbnail', 'full']);
      expect(diff.psnr, `${file.heic}: ${diff.psnr.toFixed(1)} dB`).toBeGreaterThanOrEqual(30);
      expect(diff.meanAbs, file.heic).toBeLessThan(6);
    }
  });

  it("applies the primary image's rotation to a thumbnail that declares none (else the picture would turn)", async () => {
    const rotated = library.find((f) => f.kind === 'rotated-primary')!;
    const diff = await modelInputDiff(rotated.heic, CLIP_SPEC);
    expect(diff.psnr).toBeGreaterThanOrEqual(30);
  });

  it('reads a 200 MP phone photo from its 384 × 512 thumbnail, within the pixel limit', async () => {
    const file = resolve(
      import.meta.dirname,
      '../../../../shared/photos/heif-edge/pillow-heif/heif_special/200MP.heic',
    );
    const image = await decodeImage(file, INDEX_BOUNDS);
    expect([image.width, image.height, image.source]).toEqual([384, 512, 'embedded-thumbnail']);
    // Without an embedded image allowed, the declared 12240 × 16320 is refused before decoding.
    await expect(decodeImage(file, {})).rejects.toMatchObject({ code: 'TOO_LARGE' });
  });

  it('leaves the file bytes it was given untouched (they are copied to the decoding thread)', async () => {
    const file = library[0]!.heic;
    const bytes = readFileSync(file);
    const copy = Buffer.from(bytes);
    await decodeImage(join(file), INDEX_BOUNDS, bytes);
    expect(bytes.equals(copy)).toBe(true);
  });
});
