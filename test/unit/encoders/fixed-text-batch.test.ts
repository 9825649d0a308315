/**
 * A text tower whose `input_ids` batch is fixed to 1 (as some open_clip exports have it; whether
 * MobileCLIP2's is, is not known) runs through the encoder one row at a time, and gives what the same
 * graph with a free batch gives for the whole batch.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Encoder } from '../../../app/encoders/encoder.ts';
import type { ModelSpec } from '../../../app/models/manifest-types.ts';
import { checkOnnxTower } from '../../../app/models/onnx-signature.ts';
import { attr, encodeModel } from '../../../models/onnx/onnx-writer.ts';

/** text_embeds = the ids of tokens 1–4 as floats: each text its own direction. `batch`: 1 or free. */
function firstTokens(batch: 1 | 'batch_size'): Buffer {
  const ints = (name: string, values: number[]) => ({
    name,
    dims: [values.length],
    data: BigInt64Array.from(values, BigInt),
  });
  return Buffer.from(
    encodeModel({
      producerName: 'eidos-test',
      producerVersion: '0',
      graph: {
        name: 'first_tokens',
        inputs: [{ name: 'input_ids', elemType: 'int64', dims: [batch, 77] }],
        outputs: [{ name: 'text_embeds', elemType: 'float32', dims: [batch, 4] }],
        initializers: [ints('starts', [1]), ints('ends', [5]), ints('axes', [1])],
        nodes: [
          { opType: 'Slice', inputs: ['input_ids', 'starts', 'ends', 'axes'], outputs: ['picked'] },
          { opType: 'Cast', inputs: ['picked'], outputs: ['text_embeds'], attributes: { to: attr.int(1) } },
        ],
      },
    }),
  );
}

const CLIP_TOKENIZER = '/work/shared/tokenizers/clip/tokenizer.json';
const root = mkdtempSync(join(tmpdir(), 'eidos-fixed-text-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const model: ModelSpec = {
  id: 'tiny-text',
  name: 'tiny',
  description: 'tiny',
  licence: 'MIT',
  embeddingDim: 4,
  logitScale: 100,
  contextLength: 77,
  text: { tokenizer: 'clip', padId: 0 },
  preprocess: {
    size: 8,
    shortestEdge: 8,
    interpolation: 'bilinear',
    rescaleFactor: 1 / 255,
    mean: [0, 0, 0],
    std: [1, 1, 1],
  },
  source: 'generated',
  files: [
    { role: 'vision', path: 'onnx/vision_model.onnx', bytes: null, sha256: null },
    { role: 'text', path: 'onnx/text_model.onnx', bytes: null, sha256: null },
    { role: 'tokenizer', path: 'tokenizer.json', bytes: null, sha256: null },
  ],
};

function folder(name: string, text: Buffer): string {
  const dir = join(root, name);
  mkdirSync(join(dir, 'onnx'), { recursive: true });
  writeFileSync(join(dir, 'onnx/text_model.onnx'), text);
  copyFileSync(CLIP_TOKENIZER, join(dir, 'tokenizer.json'));
  return dir;
}

async function embed(dir: string, texts: string[]): Promise<Float32Array> {
  const encoder = await Encoder.open({
    model,
    modelDir: dir,
    towers: ['text'],
    provider: 'cpu',
    threads: 1,
    placement: 'this-thread',
  });
  try {
    return (await encoder.embedTexts(texts)).data;
  } finally {
    await encoder.close();
  }
}

describe('a text tower with a batch fixed to 1', () => {
  it('passes the signature check and embeds a batch row by row, as the free-batch graph does', async () => {
    const fixed = folder('fixed', firstTokens(1));
    const free = folder('free', firstTokens('batch_size'));
    expect(() => checkOnnxTower(model, 'text', join(fixed, 'onnx/text_model.onnx'))).not.toThrow();
    const texts = ['a photo of a dog', 'a red car', 'the beach at sunset', 'x'];
    const ours = await embed(fixed, texts);
    const reference = await embed(free, texts);
    expect(ours).toHaveLength(texts.length * 4);
    for (let i = 0; i < ours.length; i++) expect(ours[i]).toBeCloseTo(reference[i]!, 6);
    // The rows differ (each text got its own run, not the first one's output repeated).
    expect(Math.abs(ours[0]! - ours[4]!) + Math.abs(ours[1]! - ours[5]!)).toBeGreaterThan(1e-4);
  });
});
