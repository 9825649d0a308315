/**
 * `eidos models import` of a bad model folder: a missing file, a wrong hash, a truncated .onnx, an ONNX
 * with other input/output names or dimensions than the manifest's, a tensor declaring an absurd size.
 * Each gives an error naming the file and what was expected; nothing is installed and the model
 * already installed stays byte for byte as it was.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { isEidosError } from '../../../app/contract/errors.ts';
import { inspectOnnx } from '../../../app/models/onnx-inspect.ts';
import { importModel, verifyModel } from '../../../app/models/store.ts';
import { rejection } from '../../helpers/errors.ts';
import { bytesFor, sha256, testManifest } from './helpers/file-server.ts';
import { tinyOnnx } from './helpers/tiny-onnx.ts';

const GOOD = {
  'onnx/vision_model.onnx': tinyOnnx('vision'),
  'onnx/text_model.onnx': tinyOnnx('text'),
  'tokenizer.json': bytesFor(13, 2_000),
  'config.json': bytesFor(14, 100),
};
const manifest = testManifest(GOOD, { id: 'model-a' });
const unpinnedTowers = testManifest(GOOD, {
  id: 'model-a',
  unpinned: ['onnx/vision_model.onnx', 'onnx/text_model.onnx'],
});

function folderWith(files: Record<string, Buffer | undefined>): string {
  const folder = mkdtempSync(join(tmpdir(), 'eidos-bad-model-'));
  for (const [path, data] of Object.entries(files)) {
    if (data === undefined) continue;
    mkdirSync(dirname(join(folder, path)), { recursive: true });
    writeFileSync(join(folder, path), data);
  }
  return folder;
}

/** A vision tower whose weight declares [3, 2097151] floats (25 MB) in a file of a few hundred bytes. */
function absurdTensor(): Buffer {
  const bytes = tinyOnnx('vision', { dim: 16384 });
  // dims of `w` are written as tag 0x08 + varint: 3 → 03, 16384 → 80 80 01; 2097151 → ff ff 7f is as long.
  const at = bytes.indexOf(Buffer.from([0x08, 0x03, 0x08, 0x80, 0x80, 0x01]));
  expect(at).toBeGreaterThanOrEqual(0);
  bytes.set([0xff, 0xff, 0x7f], at + 3);
  return bytes;
}

const vision = GOOD['onnx/vision_model.onnx'];
const CASES: Array<{ name: string; files: Record<string, Buffer | undefined>; message: RegExp }> = [
  { name: 'a missing file', files: { ...GOOD, 'tokenizer.json': undefined }, message: /tokenizer\.json: missing/ },
  {
    name: 'a wrong hash (one byte changed)',
    files: { ...GOOD, 'config.json': Buffer.concat([Buffer.from('!'), GOOD['config.json'].subarray(1)]) },
    message: new RegExp(`config\\.json: sha256 [0-9a-f]{64} is not the pinned ${sha256(GOOD['config.json'])}`),
  },
  {
    name: 'a truncated .onnx',
    files: { ...GOOD, 'onnx/vision_model.onnx': vision.subarray(0, Math.floor(vision.length * 0.6)) },
    message: /vision_model\.onnx: not a usable ONNX model: .*truncated/,
  },
  {
    name: 'an ONNX with another input name',
    files: { ...GOOD, 'onnx/vision_model.onnx': tinyOnnx('vision', { input: { name: 'pixels' } }) },
    message:
      /vision_model\.onnx: not the vision tower of model-a: it has no input 'pixel_values' \(its inputs: 'pixels'\); model-a needs input 'pixel_values' float32 \[batch, 3, 8, 8\]/,
  },
  {
    name: 'an ONNX with other input dimensions',
    files: { ...GOOD, 'onnx/vision_model.onnx': tinyOnnx('vision', { size: 16 }) },
    message:
      /vision_model\.onnx: .*input 'pixel_values' is float32 \[batch_size, 3, 16, 16\]; model-a needs float32 \[batch, 3, 8, 8\]/,
  },
  {
    name: 'an ONNX with another output size',
    files: { ...GOOD, 'onnx/text_model.onnx': tinyOnnx('text', { dim: 8 }) },
    message:
      /text_model\.onnx: not the text tower of model-a: output 'text_embeds' is float32 \[batch_size, 8\]; model-a needs float32 \[batch or 1, 4\]/,
  },
  {
    name: 'a tensor declaring an absurd size',
    files: { ...GOOD, 'onnx/vision_model.onnx': absurdTensor() },
    message:
      /vision_model\.onnx: not a usable ONNX model: tensor 'w' declares \[3, 2097151\] float32, 25165812 bytes, more than the whole file/,
  },
];

describe('importing a bad model folder', () => {
  let modelsDir: string;
  let before: Record<string, string>;
  const installedHashes = (): Record<string, string> =>
    Object.fromEntries(Object.keys(GOOD).map((path) => [path, sha256(readFileSync(join(modelsDir, 'model-a', path)))]));

  beforeEach(async () => {
    modelsDir = mkdtempSync(join(tmpdir(), 'eidos-models-'));
    await importModel(folderWith(GOOD), {}, { modelsDir, manifest });
    before = installedHashes();
  });

  it.each(CASES)(
    'refuses $name, naming the file and what was expected; the installed model is untouched',
    async ({ files, message }) => {
      for (const options of [{}, { id: 'model-a' }]) {
        const error = await rejection(importModel(folderWith(files), options, { modelsDir, manifest }));
        expect(isEidosError(error)).toBe(true);
        expect(error.message).toMatch(message);
      }
      // Nothing half-written is left: only the model and its install lock's file (which stays by design: install.ts).
      expect(readdirSync(modelsDir).sort()).toEqual(['model-a', 'model-a.lock']);
      expect(installedHashes()).toEqual(before);
      expect((await verifyModel('model-a', { modelsDir, manifest })).ok).toBe(true);
    },
  );

  it('checks the towers even when the manifest has no hash for them (--trust-unpinned)', async () => {
    const context = { modelsDir, manifest: unpinnedTowers };
    const wrong = folderWith({ ...GOOD, 'onnx/vision_model.onnx': tinyOnnx('vision', { size: 16 }) });
    const error = await rejection(importModel(wrong, { id: 'model-a', trustUnpinned: true }, context));
    expect(error.message).toMatch(
      /input 'pixel_values' is float32 \[batch_size, 3, 16, 16\]; model-a needs float32 \[batch, 3, 8, 8\]/,
    );
    expect(installedHashes()).toEqual(before);
    // The same folder with sound towers installs.
    const result = await importModel(
      folderWith({ ...GOOD, 'onnx/vision_model.onnx': tinyOnnx('vision', { seed: 5 }) }),
      { id: 'model-a', trustUnpinned: true },
      context,
    );
    expect(result.files.find((f) => f.path === 'onnx/vision_model.onnx')?.status).toBe('unpinned');
  });

  it('reads the outline of a sound tower: opset, inputs and outputs, initializers', () => {
    const outline = inspectOnnx(join(modelsDir, 'model-a/onnx/text_model.onnx'));
    expect(outline.opsets).toEqual([{ domain: '', version: 17 }]);
    expect(outline.inputs.map((i) => i.name)).toEqual(['input_ids', 'attention_mask']);
    expect(outline.outputs).toEqual([{ name: 'text_embeds', elemType: 'float32', dims: ['batch_size', 4] }]);
    expect(outline).toMatchObject({
      initializerCount: 1,
      initializerElements: 4,
      opTypes: { Cast: 1, ReduceMean: 1, MatMul: 1 },
    });
  });
});
