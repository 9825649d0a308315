import { mkdtempSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isEidosError } from '../../../app/contract/errors.ts';
import { findModel, loadManifest } from '../../../app/models/manifest.ts';
import type { Manifest } from '../../../app/models/manifest-types.ts';
import { fetchModel, verifyModel } from '../../../app/models/store.ts';
import { rejection } from '../../helpers/errors.ts';

const shipped = loadManifest();

describe('fetching the generated synthetic model', () => {
  it('installs with the shipped pins: the generator is deterministic and the manifest matches it', async () => {
    const modelsDir = mkdtempSync(join(tmpdir(), 'eidos-models-'));
    const result = await fetchModel('synthetic-tiny', {}, { modelsDir, manifest: shipped });
    expect(result.files.map((f) => f.status)).toEqual(findModel(shipped, 'synthetic-tiny').files.map(() => 'ok'));
  });

  it('refuses placeholder pins, printing the hashes to pin; installs once they are pinned', async () => {
    const modelsDir = mkdtempSync(join(tmpdir(), 'eidos-models-'));
    const shippedModel = findModel(shipped, 'synthetic-tiny');
    const model = { ...shippedModel, files: shippedModel.files.map((f) => ({ ...f, sha256: null, bytes: null })) };
    const placeholders: Manifest = { ...shipped, models: [model] };
    const error = await rejection(fetchModel('synthetic-tiny', {}, { modelsDir, manifest: placeholders }));
    expect(isEidosError(error, 'MODEL_INVALID')).toBe(true);
    const printed = [...error.message.matchAll(/(\S+) \(sha256 ([0-9a-f]{64}), (\d+) bytes\)/g)];
    expect(printed.map((m) => m[1])).toEqual(model.files.map((f) => f.path));

    // Pin what was printed: the generator is deterministic, so a fresh run must match byte for byte.
    const pins = new Map(printed.map((m) => [m[1], { sha256: m[2] as string, bytes: Number(m[3]) }]));
    const pinned: Manifest = {
      ...shipped,
      models: [{ ...model, files: model.files.map((f) => ({ ...f, ...pins.get(f.path) })) }],
    };
    const result = await fetchModel('synthetic-tiny', {}, { modelsDir, manifest: pinned });
    expect(result.files.every((f) => f.status === 'ok')).toBe(true);
    expect((await verifyModel('synthetic-tiny', { modelsDir, manifest: pinned })).ok).toBe(true);
  });

  it('rejects generator output that differs from the pins and installs nothing', async () => {
    const modelsDir = mkdtempSync(join(tmpdir(), 'eidos-models-'));
    const model = findModel(shipped, 'synthetic-tiny');
    const wrongPins: Manifest = {
      ...shipped,
      models: [{ ...model, files: model.files.map((f) => ({ ...f, sha256: '0'.repeat(64), bytes: null })) }],
    };
    const fakeGenerator = async (dir: string): Promise<void> => {
      for (const f of model.files) {
        await mkdir(join(dir, f.path, '..'), { recursive: true });
        await writeFile(join(dir, f.path), f.path);
      }
    };
    const error = await rejection(
      fetchModel('synthetic-tiny', { generate: fakeGenerator }, { modelsDir, manifest: wrongPins }),
    );
    expect(isEidosError(error, 'CHECKSUM_MISMATCH')).toBe(true);
    expect((await verifyModel('synthetic-tiny', { modelsDir, manifest: wrongPins })).installed).toBe(false);
  });
});
