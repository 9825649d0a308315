/**
 * macOS: the words in a photo read by the Vision framework (native/src/vision: VNRecognizeTextRequest,
 * accurate level, language correction) instead of PP-OCR, behind the same contract. The photo is decoded
 * here as for the portable reader (orientation applied, at most READ_EDGE on its long side), so both read
 * the same pixels; Vision's normalised, lower-left-origin corners become displayed-photo pixels.
 * `EIDOS_TEXT_READER=portable` turns it off. The portable reader stays the tested reference.
 */
import { EidosError, describeError } from '../contract/errors.ts';
import type { RecognisedLine, TextQuad } from '../contract/photo-text.ts';
import { nativeVisionReadText } from '../kernels/index.ts';
import { pixelsForReading } from './photo-pixels.ts';
import { DEFAULT_READER_SETTINGS } from './ppocr-reader.ts';
import type { TextReader } from './text-reader.ts';

/** The Vision reader's name and version, stored with what it read. */
export const VISION_READER = 'vision-accurate/1';

/** Vision's reader when this is a macOS build with it (and it is not turned off), else undefined. */
export function openVisionReader(): TextReader | undefined {
  if (process.platform !== 'darwin' || process.env.EIDOS_TEXT_READER === 'portable') return undefined;
  const native = nativeVisionReadText();
  if (!native) return undefined;
  return {
    name: VISION_READER,
    // Vision schedules its own work across the cores.
    parallel: 1,
    async readPhoto(file, bytes) {
      const pixels = await pixelsForReading(file, bytes, DEFAULT_READER_SETTINGS.detectorLimit);
      const { displayedWidth: width, displayedHeight: height } = pixels;
      const quad = (n: number[]): TextQuad => [
        { x: n[0]! * width, y: (1 - n[1]!) * height },
        { x: n[2]! * width, y: (1 - n[3]!) * height },
        { x: n[4]! * width, y: (1 - n[5]!) * height },
        { x: n[6]! * width, y: (1 - n[7]!) * height },
      ];
      let read;
      try {
        read = await native(pixels.image.data, pixels.image.width, pixels.image.height);
      } catch (error) {
        throw new EidosError('DECODE_FAILED', `${file}: Vision could not read its text: ${describeError(error)}`, {
          file,
          cause: error,
        });
      }
      const lines: RecognisedLine[] = read.map((line) => ({
        text: line.text,
        confidence: line.confidence,
        quad: quad(line.quad),
        words: line.words.map((word) => ({ text: word.text, confidence: word.confidence, quad: quad(word.quad) })),
      }));
      lines.sort((a, b) => a.quad[0].y - b.quad[0].y || a.quad[0].x - b.quad[0].x);
      return { reader: VISION_READER, width, height, lines };
    },
    async close() {},
  };
}
