/**
 * The text workers' turns at full-size detection (app/ocr/detection-turns.ts), taken by real worker
 * threads (test/helpers/turn-taker.ts) as the text workers take them: never two holders at once, every
 * turn taken, a failing detection still passes the turn on, and a worker ended while holding it does not
 * keep the others waiting once the engine frees its turn. And which of the real reader's detections take a
 * turn: those larger than its own first look, on a street scene from text-in-photos at two sizes.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { detectionTurns, freeTurnOf, newDetectionTurn, type InTurn } from '../../../app/ocr/detection-turns.ts';
import { DEFAULT_READER_SETTINGS, PpOcrReader } from '../../../app/ocr/ppocr-reader.ts';
import { loadReaderFiles } from '../../../app/ocr/reader-files.ts';
import { detectorSize, gateSize } from '../../../app/ocr/tensors.ts';
import { resourceRoot } from '../../../app/resources.ts';

const SCENE = resolve(
  import.meta.dirname,
  '../../../../shared/photos/text-in-photos/images/scene/icdar15_test_img_11.jpg',
);

const started: Worker[] = [];

function turnTaker(turn: SharedArrayBuffer, log: SharedArrayBuffer, holder: number, rounds: number): Worker {
  const worker = new Worker(new URL('../../../app/workers/ts-worker-bootstrap.js', import.meta.url), {
    workerData: {
      turn,
      log,
      holder,
      rounds,
      resourceRoot: resourceRoot(),
      __entry: new URL('../../helpers/turn-taker.ts', import.meta.url).href,
    },
  });
  started.push(worker);
  return worker;
}

const said = (worker: Worker, message: string): Promise<void> =>
  new Promise((resolve, reject) => {
    worker.on('message', (m) => {
      if (m === message) resolve();
    });
    worker.once('error', reject);
  });

afterEach(async () => {
  await Promise.all(started.splice(0).map((w) => w.terminate()));
});

describe('detection turns', () => {
  it('three workers taking 20 turns each: never two inside at once, and all 60 taken', async () => {
    const turn = newDetectionTurn();
    const log = new SharedArrayBuffer(3 * 4);
    await Promise.all([1, 2, 3].map((holder) => said(turnTaker(turn, log, holder, 20), 'done')));
    const [inside, most, taken] = new Int32Array(log);
    expect(taken).toBe(60);
    expect(most).toBe(1);
    expect(inside).toBe(0);
    expect(new Int32Array(turn)[0]).toBe(0);
  }, 60_000);

  it('a worker ended while holding the turn: the others wait until the engine frees it, then go on', async () => {
    const turn = newDetectionTurn();
    const log = new SharedArrayBuffer(3 * 4);
    const stuck = turnTaker(turn, log, 1, 0);
    await said(stuck, 'holding');
    expect(new Int32Array(turn)[0]).toBe(1);
    const waiting = turnTaker(turn, log, 2, 1);
    const done = said(waiting, 'done');
    // Freeing another worker's turn does nothing: worker 1 still holds it.
    freeTurnOf(turn, 2);
    expect(new Int32Array(turn)[0]).toBe(1);
    expect(new Int32Array(log)[2]).toBe(0);
    await stuck.terminate();
    freeTurnOf(turn, 1);
    await done;
    expect(new Int32Array(log)[2]).toBe(1);
  }, 60_000);

  it('a detection that fails passes the turn on, and its error reaches the caller', async () => {
    const turn = newDetectionTurn();
    const inTurn = detectionTurns(turn, 1);
    await expect(inTurn(() => Promise.reject(new Error('the detector failed')))).rejects.toThrow('the detector failed');
    expect(new Int32Array(turn)[0]).toBe(0);
    await expect(inTurn(() => Promise.resolve(7))).resolves.toBe(7);
  });
});

describe('which detections take a turn', () => {
  it("a full-size look larger than the reader's first look takes one; a smaller photo's does not, and both read words", async () => {
    const { detectorLimit, gateScale } = DEFAULT_READER_SETTINGS;
    const largestLook = gateSize({ width: detectorLimit, height: detectorLimit }, gateScale)!;
    let turns = 0;
    const counting: InTurn = (work) => {
      turns++;
      return work();
    };
    const reader = await PpOcrReader.open(await loadReaderFiles(), 1, DEFAULT_READER_SETTINGS, counting);
    try {
      const read = async (longEdge: number) => {
        const { data, info } = await sharp(readFileSync(SCENE))
          .resize(longEdge, longEdge, { fit: 'inside' })
          .removeAlpha()
          .raw()
          .toBuffer({ resolveWithObject: true });
        const image = { data: new Uint8Array(data), width: info.width, height: info.height };
        const detector = detectorSize(image.width, image.height, detectorLimit);
        const before = turns;
        const { lines } = await reader.read(image, image.width, image.height);
        return { pixels: detector.width * detector.height, turns: turns - before, lines: lines.length };
      };
      const large = await read(1280);
      expect(large.pixels).toBeGreaterThan(largestLook.width * largestLook.height);
      expect(large).toMatchObject({ turns: 1 });
      expect(large.lines).toBeGreaterThan(0);
      const small = await read(640);
      expect(small.pixels).toBeLessThanOrEqual(largestLook.width * largestLook.height);
      expect(small).toMatchObject({ turns: 0 });
      expect(small.lines).toBeGreaterThan(0);
    } finally {
      await reader.release();
    }
  }, 120_000);
});
