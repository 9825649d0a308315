/**
 * macOS (run by .github/workflows/macos.yml): the Vision reader against the portable PP-OCR reader, which
 * is the reference, on a picture of known words drawn here (no photo is committed), upright and stored
 * turned with an EXIF orientation. Skipped where the addon has no Vision (every machine but a Mac).
 */
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import type { RecognisedText } from '../../../app/contract/photo-text.ts';
import { openPortableReader } from '../../../app/ocr/text-reader.ts';
import { openVisionReader, VISION_READER } from '../../../app/ocr/vision-reader.ts';
import { wordsOf } from '../../../app/ocr/word-recall.ts';

const vision = openVisionReader();
const portable = openPortableReader();
afterAll(() => portable.close());

const WORDS = ['WALMART', 'RECEIPT', 'TOTAL', '12.50', 'THANK', 'YOU'];
const drawn = (): Promise<Buffer> =>
  sharp(
    Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="900" height="500">
      <rect width="900" height="500" fill="#ffffff"/>
      <text x="60" y="120" font-family="Helvetica, Arial, sans-serif" font-size="64" fill="#111">WALMART RECEIPT</text>
      <text x="60" y="260" font-family="Helvetica, Arial, sans-serif" font-size="64" fill="#111">TOTAL 12.50</text>
      <text x="60" y="400" font-family="Helvetica, Arial, sans-serif" font-size="64" fill="#111">THANK YOU</text>
    </svg>`),
  )
    .jpeg({ quality: 92 })
    .toBuffer();

const found = (text: RecognisedText): string[] => {
  const read = new Set(wordsOf(text.lines.map((line) => line.text).join('\n')));
  return WORDS.filter((word) => read.has(word.toLowerCase()));
};

describe.skipIf(vision === undefined)('the Vision text reader (macOS)', () => {
  it('reads the words the portable reader reads, with boxes in the photo as displayed', async () => {
    const bytes = await drawn();
    const ours = await vision!.readPhoto('drawn.jpg', bytes);
    const reference = await portable.readPhoto('drawn.jpg', bytes);
    expect(ours.reader).toBe(VISION_READER);
    expect(found(reference)).toEqual(WORDS);
    expect(found(ours)).toEqual(WORDS);
    const total = ours.lines.find((line) => line.text.includes('TOTAL'))!;
    // The line "TOTAL 12.50" sits between y = 200 and 275 in the drawing, from x = 60.
    expect(total.quad[0].y).toBeGreaterThan(180);
    expect(total.quad[3].y).toBeLessThan(290);
    expect(total.quad[0].x).toBeGreaterThan(40);
    expect(total.quad[0].x).toBeLessThan(total.quad[1].x);
    expect(total.words.map((w) => w.text)).toEqual(['TOTAL', '12.50']);
  });

  it('applies EXIF orientation first', async () => {
    const stored = await sharp(await drawn())
      .rotate(-90)
      .withMetadata({ orientation: 6 })
      .jpeg()
      .toBuffer();
    const ours = await vision!.readPhoto('turned.jpg', stored);
    expect([ours.width, ours.height]).toEqual([900, 500]);
    expect(found(ours)).toEqual(WORDS);
  });
});
