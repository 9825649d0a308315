/**
 * The text reader's gate (issue 23, part 2): a first look at the photo at a fraction of the detector's
 * size, after which a photo with no trace of text is not looked at again. Its size is a closed form; what
 * it lets through is checked on real photos (a receipt and a street sign from text-in-photos, whose
 * ground truth holds words) and on photos that hold none (one flat colour, and noise).
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pixelsForReading } from '../../../app/ocr/photo-pixels.ts';
import { DEFAULT_READER_SETTINGS, PpOcrReader } from '../../../app/ocr/ppocr-reader.ts';
import { loadReaderFiles } from '../../../app/ocr/reader-files.ts';
import { gateSize } from '../../../app/ocr/tensors.ts';

const TEXT_SET = resolve(import.meta.dirname, '../../../../shared/photos/text-in-photos');
const LONG = 300_000;

describe('gateSize', () => {
  it('scales the detector size and rounds each side to a multiple of 32', () => {
    // 512 × 0.7 = 358.4 → 352; 384 × 0.7 = 268.8 → 256.
    expect(gateSize({ width: 512, height: 384 }, 0.7)).toEqual({ width: 352, height: 256 });
    expect(gateSize({ width: 960, height: 544 }, 0.5)).toEqual({ width: 480, height: 288 });
  });

  it('is no gate when the scale is 0 or the gate would be no smaller than the detector input', () => {
    expect(gateSize({ width: 512, height: 384 }, 0)).toBeUndefined();
    // 32 × 0.7 rounds back up to 32, the network's smallest input.
    expect(gateSize({ width: 32, height: 32 }, 0.7)).toBeUndefined();
  });
});

describe('the gate on real photos', () => {
  let reader: PpOcrReader;
  beforeAll(async () => {
    reader = await PpOcrReader.open(await loadReaderFiles(), 1);
  }, LONG);
  afterAll(() => reader.release());

  const gateOf = async (file: string, bytes: Buffer) => {
    const pixels = await pixelsForReading(
      file,
      bytes,
      DEFAULT_READER_SETTINGS.detectorLimit,
      DEFAULT_READER_SETTINGS.gateScale,
    );
    expect(pixels.gate).toBeDefined();
    expect(pixels.gate!.width).toBeLessThan(pixels.detector.width);
    return pixels.gate!;
  };

  it.each(['images/receipt/sroie_X51005255805.jpg', 'images/scene/icdar15_test_img_11.jpg'])(
    '%s (words in its ground truth): let through',
    async (file) => {
      const path = join(TEXT_SET, file);
      expect(await reader.mayHoldText(await gateOf(path, readFileSync(path)))).toBe(true);
    },
    LONG,
  );

  it(
    'a photo of one flat colour and a photo of noise: turned back, and read as no lines',
    async () => {
      const flat = await sharp({ create: { width: 800, height: 600, channels: 3, background: '#6a8f3c' } })
        .jpeg()
        .toBuffer();
      // Noise of a fixed seed (a linear congruential generator), so the photo is the same on every run.
      const raw = Buffer.alloc(800 * 600 * 3);
      let state = 23;
      for (let i = 0; i < raw.length; i++) {
        state = (state * 1103515245 + 12345) % 2 ** 31;
        raw[i] = 96 + (state % 64);
      }
      const noise = await sharp(raw, { raw: { width: 800, height: 600, channels: 3 } })
        .jpeg()
        .toBuffer();
      for (const [name, bytes] of [
        ['flat.jpg', flat],
        ['noise.jpg', noise],
      ] as const) {
        const gate = await gateOf(name, bytes);
        expect(await reader.mayHoldText(gate)).toBe(false);
        const pixels = await pixelsForReading(name, bytes, DEFAULT_READER_SETTINGS.detectorLimit, 0.7);
        const read = await reader.read(pixels.image, pixels.detector, 800, 600, pixels.gate);
        expect(read).toEqual({ lines: [], detected: 0 });
      }
    },
    LONG,
  );
});
