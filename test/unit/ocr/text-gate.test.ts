/**
 * The text reader's gate (issue 23, part 2): a first look at the photo at a fraction of the detector's
 * size, after which a photo with no trace of text is not looked at again, and a photo where it already
 * finds many lines (a document) is read from them without the full-size look. Its size is a closed form; what
 * it lets through is checked on real photos (a receipt and a street sign from text-in-photos, whose
 * ground truth holds words) and on photos that hold none (one flat colour, and noise).
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pixelsForReading } from '../../../app/ocr/photo-pixels.ts';
import { DEFAULT_READER_SETTINGS, PpOcrReader, type ReaderSettings } from '../../../app/ocr/ppocr-reader.ts';
import { loadReaderFiles } from '../../../app/ocr/reader-files.ts';
import { detectorSize, gateSize } from '../../../app/ocr/tensors.ts';
import { lookLongestEdge, lookSizeFor } from '../../../app/ocr/text-gate.ts';

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

describe("the image pass's look (lookSizeFor)", () => {
  it('looks at a photo no larger than the detector limit at the scale of the detector size', () => {
    // flickr8k's 500 × 375: detector 512 × 384; 0.6 of the photo (300) is less than 0.6 of the detector's
    // 512, which wins: 307.2 → 320, 230.4 → 224 (gateSize at 0.6).
    expect(lookSizeFor(500, 375, 960, 0.6, 0.7)).toEqual(gateSize({ width: 512, height: 384 }, 0.6));
    expect(lookSizeFor(500, 375, 960, 0.6, 0.7)).toEqual({ width: 320, height: 224 });
  });

  it('keeps the scale of the photo itself for a photo the detector shrinks, up to the largest look', () => {
    // 1040 × 780: detector 960 × 736 (720 → 736); 0.6 of the photo is 0.65 of the detector's size:
    // 624 → 640, 478.4 → 480.
    expect(lookSizeFor(1040, 780, 960, 0.6, 0.7)).toEqual({ width: 640, height: 480 });
    // A 1280 × 720 street scene: 0.6 of it would be 0.8 of the detector's 960 × 544; the largest look is 0.7:
    // 672, 380.8 → 384. So is a 12-megapixel photo's.
    expect(lookSizeFor(1280, 720, 960, 0.6, 0.7)).toEqual({ width: 672, height: 384 });
    expect(lookSizeFor(4032, 3024, 960, 0.6, 0.7)).toEqual(gateSize({ width: 960, height: 736 }, 0.7));
  });

  it('names the longest edge any look takes (the decode it needs), and none when there is no look', () => {
    expect(lookLongestEdge(960, 0.6, 0.7)).toBe(672);
    // The largest look below the scale itself: the scale of the detector's size, as before.
    expect(lookLongestEdge(960, 0.6, 0)).toBe(576);
    expect(lookSizeFor(1280, 720, 960, 0, 0)).toBeUndefined();
    expect(lookLongestEdge(960, 0, 0)).toBe(0);
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
    const detector = detectorSize(pixels.image.width, pixels.image.height, DEFAULT_READER_SETTINGS.detectorLimit);
    expect(pixels.gate!.width).toBeLessThan(detector.width);
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
        const read = await reader.read(pixels.image, 800, 600, pixels.gate);
        expect(read).toEqual({ lines: [], detected: 0 });
      }
    },
    LONG,
  );

  /** The ground truth's words of ≥ 3 characters (edge punctuation trimmed, lower case) found among the words read. */
  const recall = (file: string, lines: { text: string }[]): number => {
    const row = readFileSync(join(TEXT_SET, 'labels.jsonl'), 'utf8')
      .split('\n')
      .filter((line) => line.includes(`"${file}"`))
      .map((line) => JSON.parse(line) as { words: string[] })[0]!;
    const trim = (w: string) => w.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '').toLowerCase();
    const read = new Set(lines.flatMap((line) => line.text.split(/\s+/)).map(trim));
    const truth = row.words.map(trim).filter((w) => [...w].length >= 3);
    return truth.filter((w) => read.has(w)).length / truth.length;
  };

  it(
    'a receipt: the gate already finds gateBoxesEnough lines, which are read without a full-size look, most of its words read',
    async () => {
      const file = 'images/receipt/sroie_X51005255805.jpg';
      const path = join(TEXT_SET, file);
      const pixels = await pixelsForReading(path, readFileSync(path), 960, DEFAULT_READER_SETTINGS.gateScale);
      const look = await reader.gateLook(pixels.gate!);
      expect(look.boxes.length).toBeGreaterThanOrEqual(DEFAULT_READER_SETTINGS.gateBoxesEnough);
      const read = await reader.read(pixels.image, 100, 100, pixels.gate);
      // Every box read is one of the gate's (the full look would find others), and the receipt is read:
      // the word recall for receipts is 0.85.
      expect(read.detected).toBe(look.boxes.length);
      expect(recall(file, read.lines)).toBeGreaterThanOrEqual(0.85);
    },
    LONG,
  );

  it(
    'a street scene with few lines at the gate: read by the full look, exactly as without the shortcut',
    async () => {
      const path = join(TEXT_SET, 'images/scene/icdar15_test_img_11.jpg');
      const pixels = await pixelsForReading(path, readFileSync(path), 960, DEFAULT_READER_SETTINGS.gateScale);
      expect((await reader.gateLook(pixels.gate!)).boxes.length).toBeLessThan(DEFAULT_READER_SETTINGS.gateBoxesEnough);
      const fullLook: ReaderSettings = { ...DEFAULT_READER_SETTINGS, gateBoxesEnough: Infinity };
      const always = await PpOcrReader.open(await loadReaderFiles(), 1, fullLook);
      try {
        const read = (r: PpOcrReader) => r.read(pixels.image, 1280, 720, pixels.gate);
        const ours = await read(reader);
        expect(ours.lines.length).toBeGreaterThan(0);
        expect(ours).toEqual(await read(always));
      } finally {
        await always.release();
      }
    },
    LONG,
  );
});
