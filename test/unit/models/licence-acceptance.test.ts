/**
 * A model under a restrictive licence (manifest `requiresLicenceAcceptance`, MobileCLIP2's research-only
 * Apple licence) downloads nothing until the user accepts it; the acceptance is remembered per model in a
 * private file, and names the licence it was given for (a changed licence asks again). Against a real
 * loopback server: the refusal must come before any request.
 */
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isEidosError } from '../../../app/contract/errors.ts';
import { acceptancesPath, licenceAccepted } from '../../../app/models/licence-acceptance.ts';
import type { Manifest } from '../../../app/models/manifest-types.ts';
import { defaultModelOf, fetchModel, listModels } from '../../../app/models/store.ts';
import { rejection } from '../../helpers/errors.ts';
import { bytesFor, FileServer, startServing, testManifest } from './helpers/file-server.ts';

const FILES = {
  'onnx/vision_model.onnx': bytesFor(5, 20_000),
  'onnx/text_model.onnx': bytesFor(6, 10_000),
  'tokenizer.json': bytesFor(7, 500),
};
const LICENCE = 'Apple Machine Learning Research Model License (apple-amlr): non-commercial research use only';
const LICENCE_URL = 'https://github.com/apple/ml-mobileclip/blob/main/LICENSE_MODELS';

/** The loopback test model, restricted, as the preferred Core ML model beside an unrestricted default. */
function restrictedManifest(licence = LICENCE): Manifest {
  const open = testManifest(FILES, { id: 'open-model' }).models[0]!;
  const restricted = {
    ...testManifest(FILES, { id: 'restricted-model' }).models[0]!,
    licence,
    licenceUrl: LICENCE_URL,
    requiresLicenceAcceptance: true,
  };
  return {
    version: 1,
    defaultModel: 'open-model',
    coreMlDefaultModel: 'open-model',
    coreMlPreferredModel: 'restricted-model',
    models: [open, restricted],
  };
}

describe('licence acceptance before a download', () => {
  let server: FileServer;
  let baseUrl: string;
  let modelsDir: string;

  beforeEach(async () => {
    ({ server, baseUrl } = await startServing(FILES));
    modelsDir = mkdtempSync(join(tmpdir(), 'eidos-licence-'));
  });
  afterEach(() => server.stop());

  it('refuses before any request, naming the licence, its link and the flag', async () => {
    const context = { modelsDir, manifest: restrictedManifest() };
    const error = await rejection(fetchModel('restricted-model', { baseUrl }, context));
    expect(isEidosError(error) && error.code).toBe('FORBIDDEN');
    expect(error.message).toContain(LICENCE);
    expect(error.message).toContain(LICENCE_URL);
    expect(error.message).toContain('--accept-licence');
    expect(server.requests).toHaveLength(0);
    expect(existsSync(join(modelsDir, 'restricted-model'))).toBe(false);
    expect(existsSync(acceptancesPath(modelsDir))).toBe(false);
  });

  it('downloads once accepted, remembers the acceptance privately, and needs no flag the next time', async () => {
    const context = { modelsDir, manifest: restrictedManifest() };
    await fetchModel('restricted-model', { baseUrl, acceptLicence: true }, context);
    expect(existsSync(join(modelsDir, 'restricted-model/onnx/vision_model.onnx'))).toBe(true);
    const file = acceptancesPath(modelsDir);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const record = JSON.parse(readFileSync(file, 'utf8'))['restricted-model'];
    expect(record).toMatchObject({ licence: LICENCE, licenceUrl: LICENCE_URL });
    expect(Number.isNaN(Date.parse(record.acceptedAt))).toBe(false);

    // Remembered: a later fetch (a re-install) goes ahead without the flag.
    await fetchModel('restricted-model', { baseUrl }, context);
    const [open, restricted] = await listModels(context);
    expect(open).toMatchObject({ requiresLicenceAcceptance: false, licenceAccepted: true });
    expect(restricted).toMatchObject({
      requiresLicenceAcceptance: true,
      licenceAccepted: true,
      licenceUrl: LICENCE_URL,
    });
  });

  it('asks again when the manifest’s licence changes', async () => {
    await fetchModel(
      'restricted-model',
      { baseUrl, acceptLicence: true },
      { modelsDir, manifest: restrictedManifest() },
    );
    const changed = restrictedManifest(`${LICENCE}, version 2`);
    expect(licenceAccepted(modelsDir, changed.models[1]!)).toBe(false);
    const error = await rejection(fetchModel('restricted-model', { baseUrl }, { modelsDir, manifest: changed }));
    expect(isEidosError(error) && error.code).toBe('FORBIDDEN');
  });

  it('makes the preferred model the Core ML default only once its licence is accepted; the CPU default never moves', async () => {
    const context = { modelsDir, manifest: restrictedManifest() };
    expect(defaultModelOf(context, 'coreml').id).toBe('open-model');
    expect(defaultModelOf(context, 'coreml').reason).toContain(
      'restricted-model is the better choice once you accept its licence',
    );
    await fetchModel('restricted-model', { baseUrl, acceptLicence: true }, context);
    expect(defaultModelOf(context, 'coreml').id).toBe('restricted-model');
    expect(defaultModelOf(context, 'cpu').id).toBe('open-model');
  });
});
