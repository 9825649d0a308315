/**
 * Where the sessions run must not change what they compute: the same model embeds the same texts and
 * photos to the same vectors in a worker thread and on the caller's thread, and both report the same
 * sessions.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Encoder } from '../../../app/encoders/encoder.ts';
import { findModel, loadManifest } from '../../../app/models/manifest.ts';
import { generateSyntheticModel } from '../../../models/synthetic/generate-model.ts';

const TEXTS = ['red top left', 'a photo of a dog', '🐶 日本語', 'blue bottom right -green'];

describe('encoder placement', () => {
  let root: string;
  let inWorker: Encoder;
  let here: Encoder;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'eidos-placement-'));
    const modelDir = join(root, 'model');
    await generateSyntheticModel(modelDir);
    const model = findModel(loadManifest(), 'synthetic-tiny');
    inWorker = await Encoder.open({ model, modelDir, towers: ['vision', 'text'], threads: 1 });
    here = await Encoder.open({ model, modelDir, towers: ['vision', 'text'], threads: 1, placement: 'this-thread' });
  });

  afterAll(async () => {
    await inWorker?.close();
    await here?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('embeds texts to the same vectors on this thread as in the worker', async () => {
    const a = await inWorker.embedTexts(TEXTS);
    const b = await here.embedTexts(TEXTS);
    expect(b.n).toBe(TEXTS.length);
    expect(Array.from(b.data)).toEqual(Array.from(a.data));
  });

  it('embeds photos to the same vectors, batch by batch', async () => {
    const size = here.model.preprocess.size;
    const n = 11;
    const pixels = Float32Array.from({ length: n * 3 * size * size }, (_, i) => Math.sin(i * 0.37));
    const a = await inWorker.embedImages(pixels, n);
    const b = await here.embedImages(pixels, n);
    expect(Array.from(b.data)).toEqual(Array.from(a.data));
    expect(here.sessions).toEqual(inWorker.sessions);
  });

  it('a batch given up moves to the worker uncopied and embeds to the same vectors as a copy', async () => {
    const size = inWorker.model.preprocess.size;
    const n = Math.min(3, inWorker.batchSize);
    const pixels = Float32Array.from({ length: n * 3 * size * size }, (_, i) => Math.cos(i * 0.11));
    const copied = await inWorker.embedImages(pixels, n);
    expect(pixels.length).toBe(n * 3 * size * size); // a copy leaves the caller's buffer whole
    const moved = await inWorker.embedImages(pixels, n, { giveUp: true });
    expect(pixels.buffer.byteLength).toBe(0); // detached: it went to the worker, not a copy of it
    expect(Array.from(moved.data)).toEqual(Array.from(copied.data));
  });

  it('closing while a long text batch runs lets the run in flight finish and refuses the rest', async () => {
    const model = here.model;
    for (const placement of ['worker', 'this-thread'] as const) {
      const encoder = await Encoder.open({
        model,
        modelDir: join(root, 'model'),
        towers: ['text'],
        threads: 1,
        placement,
      });
      const texts = Array.from({ length: 2000 }, (_, i) => `photo number ${i} of a red car`);
      // Its outcome is taken at once: the rejection arrives while close() runs.
      const outcome = encoder.embedTexts(texts).then(
        () => 'finished',
        (error: Error) => error.message,
      );
      await new Promise((done) => setTimeout(done, 5));
      await encoder.close();
      expect(await outcome).toMatch(/closed/);
    }
  });

  it('refuses work once closed', async () => {
    const model = here.model;
    const closing = await Encoder.open({
      model,
      modelDir: join(root, 'model'),
      towers: ['text'],
      threads: 1,
      placement: 'this-thread',
    });
    await closing.close();
    await expect(closing.embedTexts(['x'])).rejects.toThrow(/closed/);
  });
});
