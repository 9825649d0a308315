import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { isEidosError } from '../../../app/contract/errors.ts';
import type { Manifest } from '../../../app/models/manifest-types.ts';
import { importModel, listModels, modelPath, verifyModel } from '../../../app/models/store.ts';
import { bytesFor, sha256, testManifest } from './helpers/file-server.ts';
import { tinyOnnx } from './helpers/tiny-onnx.ts';
import { rejection } from '../../helpers/errors.ts';

const FILES = {
  'onnx/vision_model.onnx': tinyOnnx('vision', { seed: 11 }),
  'onnx/text_model.onnx': tinyOnnx('text', { seed: 12 }),
  'tokenizer.json': bytesFor(13, 2_000),
  'config.json': bytesFor(14, 100),
};
const OTHER = { ...FILES, 'onnx/vision_model.onnx': tinyOnnx('vision', { seed: 21 }) };

/** Two models that share three files and differ in the vision tower, as the int8 and fp32 CLIP do. */
function twoModels(): Manifest {
  const a = testManifest(FILES, { id: 'model-a' });
  const b = testManifest(OTHER, { id: 'model-b' });
  return { version: 1, defaultModel: 'model-a', models: [...a.models, ...b.models] };
}

function writeFolder(files: Record<string, Buffer>, flat = false): string {
  const folder = mkdtempSync(join(tmpdir(), 'eidos-import-src-'));
  for (const [path, data] of Object.entries(files)) {
    const target = join(folder, flat ? basename(path) : path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, data);
  }
  return folder;
}

describe('importModel and verifyModel', () => {
  let modelsDir: string;
  beforeEach(() => {
    modelsDir = mkdtempSync(join(tmpdir(), 'eidos-models-'));
  });

  it('recognises which model a folder holds by its hashes and installs it', async () => {
    const context = { modelsDir, manifest: twoModels() };
    const result = await importModel(writeFolder(OTHER), {}, context);
    expect(result.id).toBe('model-b');
    expect(result.files.every((f) => f.status === 'ok')).toBe(true);
    expect(sha256(readFileSync(modelPath('model-b', 'vision', context)))).toBe(sha256(OTHER['onnx/vision_model.onnx']));
    const listing = await listModels(context);
    expect(listing.map((m) => [m.id, m.installed, m.verified])).toEqual([
      ['model-a', false, false],
      ['model-b', true, true],
    ]);
  });

  it('accepts files copied flat, without the onnx/ folder', async () => {
    const context = { modelsDir, manifest: twoModels() };
    const result = await importModel(writeFolder(FILES, true), {}, context);
    expect(result.id).toBe('model-a');
    expect(existsSync(join(modelsDir, 'model-a/onnx/vision_model.onnx'))).toBe(true);
  });

  it('refuses a folder with a damaged file, names it, and installs nothing', async () => {
    const context = { modelsDir, manifest: twoModels() };
    const damaged = { ...FILES, 'onnx/text_model.onnx': bytesFor(99, 30_000) };
    const error = await rejection(importModel(writeFolder(damaged), {}, context));
    expect(isEidosError(error, 'NOT_FOUND')).toBe(true);
    expect(error.message).toContain('onnx/text_model.onnx');
    expect(existsSync(join(modelsDir, 'model-a'))).toBe(false);

    const withId = await rejection(importModel(writeFolder(damaged), { id: 'model-a' }, context));
    expect(isEidosError(withId, 'CHECKSUM_MISMATCH')).toBe(true);
  });

  it('refuses a folder that is missing a file', async () => {
    const context = { modelsDir, manifest: twoModels() };
    const { 'tokenizer.json': _omitted, ...incomplete } = FILES;
    const error = await rejection(importModel(writeFolder(incomplete), { id: 'model-a' }, context));
    expect(error.message).toContain('tokenizer.json: missing');
  });

  it('reports a changed and a deleted file after install, and list stops calling it verified', async () => {
    const context = { modelsDir, manifest: twoModels() };
    await importModel(writeFolder(FILES), {}, context);
    appendFileSync(join(modelsDir, 'model-a/onnx/text_model.onnx'), 'x');
    rmSync(join(modelsDir, 'model-a/config.json'));
    expect((await listModels(context))[0]?.verified).toBe(false);

    const check = await verifyModel('model-a', context);
    expect(check.ok).toBe(false);
    expect(Object.fromEntries(check.files.map((f) => [f.path, f.status]))).toEqual({
      'onnx/vision_model.onnx': 'ok',
      'onnx/text_model.onnx': 'mismatch',
      'tokenizer.json': 'ok',
      'config.json': 'missing',
    });
    expect(() => modelPath('model-a', 'config', context)).toThrow(/eidos models fetch model-a/);
  });

  it('re-verifies a restored install and marks it verified again', async () => {
    const context = { modelsDir, manifest: twoModels() };
    const source = writeFolder(FILES);
    await importModel(source, {}, context);
    writeFileSync(join(modelsDir, 'model-a/config.json'), 'changed');
    expect((await verifyModel('model-a', context)).ok).toBe(false);
    cpSync(join(source, 'config.json'), join(modelsDir, 'model-a/config.json'));
    expect((await verifyModel('model-a', context)).ok).toBe(true);
    expect((await listModels(context))[0]?.verified).toBe(true);
  });

  it('imports unpinned files only with an id and trust', async () => {
    const context = { modelsDir, manifest: testManifest(FILES, { unpinned: ['tokenizer.json'] }) };
    const folder = writeFolder(FILES);
    expect(isEidosError(await rejection(importModel(folder, {}, context)), 'NOT_FOUND')).toBe(true);
    const result = await importModel(folder, { id: 'test-model', trustUnpinned: true }, context);
    expect(result.files.find((f) => f.path === 'tokenizer.json')).toMatchObject({
      status: 'unpinned',
      actualSha256: sha256(FILES['tokenizer.json']),
    });
  });
});
