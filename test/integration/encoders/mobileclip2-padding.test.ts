/**
 * MobileCLIP2's text rule, on its architecture twin: pad with 0 after the first end-of-text token.
 *
 * The export's text graph pools at the last position holding the largest id (the twin's does too:
 * ArgMax with select_last_index). End-of-text (49407) is the largest id, so a row padded with it pools
 * at its last pad instead of at the text's end; under the causal mask the end-of-text position's output
 * depends only on the tokens up to it, so the right embedding is one that does not change whatever
 * non-maximal ids follow. The reference here is exactly that: the same tokens followed by arbitrary
 * ids below the maximum, run straight through onnxruntime. Eidos's embedding (manifest `text.padId`, the
 * tokenizer, the encoder) must equal it; padding with end-of-text must not (that is the regression).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Encoder } from '../../../app/encoders/encoder.ts';
import { findModel, loadManifest } from '../../../app/models/manifest.ts';
import { fetchModel } from '../../../app/models/store.ts';
import { ClipTokenizer } from '../../../app/tokenizer/clip-tokenizer.ts';
import { mulberry32 } from '../../../app/util/mulberry32.ts';
import { copyCachedMobileClip2Twin } from '../../../models/mobileclip2-twin/twin-cache.ts';

vi.setConfig({ testTimeout: 300_000, hookTimeout: 300_000 });

const LEN = 77;
const D = 512;
const END_OF_TEXT = 49407;
const TEXTS = ['a photo of a dog', 'a red car parked at night under a street lamp', 'beach'];
const manifest = loadManifest();
const model = findModel(manifest, 'mobileclip2-s2-twin');
const modelsDir = mkdtempSync(join(tmpdir(), 'eidos-mobileclip2-pad-'));
let dir: string;
let session: ort.InferenceSession;
let tokenizer: ClipTokenizer;

beforeAll(async () => {
  dir = (await fetchModel(model.id, { generate: copyCachedMobileClip2Twin }, { modelsDir, manifest })).path;
  session = await ort.InferenceSession.create(join(dir, 'onnx/text_model.onnx'), { intraOpNumThreads: 2 });
  tokenizer = ClipTokenizer.fromFile(join(dir, 'tokenizer.json'));
});
afterAll(async () => {
  await session?.release();
  rmSync(modelsDir, { recursive: true, force: true });
});

/** Rows of `tokens` each followed by `fill(position)` up to 77, run straight through the text graph, L2-normalised. */
async function runRows(fill: (row: number, position: number) => number): Promise<Float32Array> {
  const ids = new BigInt64Array(TEXTS.length * LEN);
  TEXTS.forEach((text, row) => {
    const tokens = tokenizer.encode(text);
    for (let i = 0; i < LEN; i++) ids[row * LEN + i] = BigInt(i < tokens.length ? tokens[i]! : fill(row, i));
  });
  const out = await session.run({ input_ids: new ort.Tensor('int64', ids, [TEXTS.length, LEN]) });
  const data = Float32Array.from(out.text_embeds!.data as Float32Array);
  for (let row = 0; row < TEXTS.length; row++) {
    const v = data.subarray(row * D, (row + 1) * D);
    const norm = Math.hypot(...v);
    for (let i = 0; i < D; i++) v[i] = v[i]! / norm;
  }
  return data;
}

const cosine = (a: Float32Array, b: Float32Array, row: number): number => {
  let dot = 0;
  for (let i = row * D; i < (row + 1) * D; i++) dot += a[i]! * b[i]!;
  return dot;
};

describe('MobileCLIP2 text padding (pad 0 after the first end-of-text)', () => {
  it('the tokenizer writes 0 after the end-of-text token when the model asks for it', () => {
    expect(model.text?.padId).toBe(0);
    const { inputIds } = tokenizer.encodeBatch(['a photo of a dog'], LEN, model.text?.padId);
    const row = Array.from(inputIds, Number);
    const end = row.indexOf(END_OF_TEXT);
    expect(end).toBe(tokenizer.encode('a photo of a dog').length - 1);
    expect(row.slice(end + 1).every((id) => id === 0)).toBe(true);
  });

  it('Eidos’s embedding is the one pooled at the end of the text; end-of-text padding pools elsewhere', async () => {
    const random = mulberry32(7);
    // Reference: arbitrary ids below the maximum after the text (the pooled row cannot see them).
    const reference = await runRows(() => 1 + Math.floor(random() * (END_OF_TEXT - 2)));
    const endPadded = await runRows(() => END_OF_TEXT);
    const encoder = await Encoder.open({ model, modelDir: dir, towers: ['text'], provider: 'cpu', threads: 2 });
    let ours: Float32Array;
    try {
      ours = (await encoder.embedTexts(TEXTS)).data;
    } finally {
      await encoder.close();
    }
    for (let row = 0; row < TEXTS.length; row++) {
      expect(cosine(ours, reference, row)).toBeGreaterThan(0.99999);
      // The regression this guards against: the export's own tokenizer pads with end-of-text.
      expect(cosine(endPadded, reference, row)).toBeLessThan(0.99);
    }
  });
});
