import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isEidosError } from '../../../app/contract/errors.ts';
import { fetchModel, listModels, modelPath, verifyModel, type ModelProgressEvent } from '../../../app/models/store.ts';
import { bytesFor, FileServer, startServing, sha256, testManifest } from './helpers/file-server.ts';
import { rejection } from '../../helpers/errors.ts';

const FILES = {
  'onnx/vision_model.onnx': bytesFor(1, 700_000),
  'onnx/text_model.onnx': bytesFor(2, 300_000),
  'tokenizer.json': bytesFor(3, 5_000),
  'config.json': bytesFor(4, 200),
};

describe('fetchModel against a loopback server', () => {
  let server: FileServer;
  let baseUrl: string;
  let modelsDir: string;

  beforeEach(async () => {
    ({ server, baseUrl } = await startServing(FILES));
    modelsDir = mkdtempSync(join(tmpdir(), 'eidos-models-'));
  });
  afterEach(() => server.stop());

  it('downloads every file, checks it and installs the folder', async () => {
    const context = { modelsDir, manifest: testManifest(FILES) };
    const events: ModelProgressEvent[] = [];
    const result = await fetchModel('test-model', { baseUrl, onProgress: (e) => events.push(e) }, context);

    expect(result.path).toBe(join(modelsDir, 'test-model'));
    expect(existsSync(join(modelsDir, 'test-model.partial'))).toBe(false);
    // Compare digests: vitest's deep equality walks a Buffer byte by byte, which takes seconds here.
    for (const [path, data] of Object.entries(FILES))
      expect(sha256(readFileSync(join(result.path, path)))).toBe(sha256(data));
    expect(result.files.map((f) => f.status)).toEqual(['ok', 'ok', 'ok', 'ok']);
    // Uncompressed transfers, so byte ranges and lengths refer to the file itself.
    expect(server.requests.map((r) => r.acceptEncoding)).toEqual(['identity', 'identity', 'identity', 'identity']);

    const total = Object.values(FILES).reduce((sum, d) => sum + d.length, 0);
    const received = events.map((e) => e.receivedBytes);
    expect(received).toEqual([...received].sort((a, b) => a - b));
    expect(events.at(-1)).toEqual({ id: 'test-model', state: 'done', receivedBytes: total, totalBytes: total });

    expect(modelPath('test-model', 'text', context)).toBe(join(result.path, 'onnx/text_model.onnx'));
    const [listing] = await listModels(context);
    expect(listing).toMatchObject({
      id: 'test-model',
      installed: true,
      verified: true,
      bytes: total,
      pinned: true,
      isDefault: true,
    });
    expect((await verifyModel('test-model', context)).ok).toBe(true);
  });

  it('resumes with a Range request after the connection drops mid-file', async () => {
    server.dropOnce.set('onnx/vision_model.onnx', 250_000);
    const context = { modelsDir, manifest: testManifest(FILES) };
    await fetchModel('test-model', { baseUrl }, context);

    const visionRequests = server.requests.filter((r) => r.path === 'onnx/vision_model.onnx');
    expect(visionRequests.length).toBe(2);
    expect(visionRequests[0]?.range).toBeUndefined();
    // The retry asks only for what is missing (at least the 250 000 bytes that were sent before the drop may have arrived).
    const resumedFrom = Number(/^bytes=(\d+)-$/.exec(visionRequests[1]?.range ?? '')?.[1]);
    expect(resumedFrom).toBeGreaterThan(0);
    expect(resumedFrom).toBeLessThanOrEqual(250_000);
    expect(sha256(readFileSync(join(modelsDir, 'test-model/onnx/vision_model.onnx')))).toBe(
      sha256(FILES['onnx/vision_model.onnx']),
    );
  });

  it('keeps a cancelled download in the partial folder and resumes it on the next run', async () => {
    server.stallOnce.set('onnx/text_model.onnx', 100_000);
    const context = { modelsDir, manifest: testManifest(FILES) };
    const controller = new AbortController();
    const cancelled = fetchModel(
      'test-model',
      {
        baseUrl,
        signal: controller.signal,
        onProgress: (e) =>
          e.file === 'onnx/text_model.onnx' && e.receivedBytes >= 700_000 + 100_000 && controller.abort(),
      },
      context,
    );
    const error = await rejection(cancelled);
    expect(isEidosError(error, 'DOWNLOAD_FAILED')).toBe(true);
    expect(existsSync(join(modelsDir, 'test-model'))).toBe(false);
    expect(statSync(join(modelsDir, 'test-model.partial/onnx/text_model.onnx')).size).toBe(100_000);

    server.requests.length = 0;
    await fetchModel('test-model', { baseUrl }, context);
    // The complete vision file is not fetched again; the text file continues where it stopped.
    expect(server.requests.find((r) => r.path === 'onnx/vision_model.onnx')).toBeUndefined();
    expect(server.requests.find((r) => r.path === 'onnx/text_model.onnx')?.range).toBe('bytes=100000-');
    expect((await verifyModel('test-model', context)).ok).toBe(true);
  });

  it('starts a file over when the server ignores the Range header', async () => {
    server.dropOnce.set('onnx/vision_model.onnx', 100_000);
    server.ignoreRanges = true;
    const context = { modelsDir, manifest: testManifest(FILES) };
    await fetchModel('test-model', { baseUrl }, context);
    expect(sha256(readFileSync(join(modelsDir, 'test-model/onnx/vision_model.onnx')))).toBe(
      sha256(FILES['onnx/vision_model.onnx']),
    );
  });

  it('rejects a file with the wrong hash and installs nothing', async () => {
    server.files.set('onnx/text_model.onnx', bytesFor(99, 300_000)); // same size, other bytes
    const context = { modelsDir, manifest: testManifest(FILES) };
    const error = await rejection(fetchModel('test-model', { baseUrl }, context));
    expect(isEidosError(error, 'CHECKSUM_MISMATCH')).toBe(true);
    expect(error.message).toContain('onnx/text_model.onnx');
    expect(error.message).toContain(sha256(bytesFor(99, 300_000)));
    expect(existsSync(join(modelsDir, 'test-model'))).toBe(false);
    expect(existsSync(join(modelsDir, 'test-model.partial/onnx/text_model.onnx'))).toBe(false);
    const check = await verifyModel('test-model', context);
    expect(check.installed).toBe(false);
  });

  it('says OFFLINE, and how to import instead, when the host cannot be reached', async () => {
    await server.stop();
    const context = { modelsDir, manifest: testManifest(FILES) };
    const error = await rejection(fetchModel('test-model', { baseUrl }, context));
    expect(isEidosError(error, 'OFFLINE')).toBe(true);
    expect(error.message).toContain('eidos models import <folder>');
    server = new FileServer(); // afterEach stops a fresh one
    await server.start();
  });

  it('refuses unpinned files before any request unless trusted, then reports their hashes', async () => {
    const context = { modelsDir, manifest: testManifest(FILES, { unpinned: ['tokenizer.json'] }) };
    const error = await rejection(fetchModel('test-model', { baseUrl }, context));
    expect(isEidosError(error, 'MODEL_INVALID')).toBe(true);
    expect(error.message).toContain('tokenizer.json');
    expect(error.message).toContain('--trust-unpinned');
    expect(server.requests).toEqual([]);

    const result = await fetchModel('test-model', { baseUrl, trustUnpinned: true }, context);
    const tokenizer = result.files.find((f) => f.path === 'tokenizer.json');
    expect(tokenizer).toMatchObject({ status: 'unpinned', actualSha256: sha256(FILES['tokenizer.json']) });
    const check = await verifyModel('test-model', context);
    expect(check.ok).toBe(false);
    expect(check.files.find((f) => f.path === 'tokenizer.json')?.status).toBe('unpinned');
    expect((await listModels(context))[0]).toMatchObject({
      installed: true,
      verified: false,
      bytes: null,
      pinned: false,
    });
  });

  it('replaces an installed model atomically on a second fetch', async () => {
    const context = { modelsDir, manifest: testManifest(FILES) };
    await fetchModel('test-model', { baseUrl }, context);
    await fetchModel('test-model', { baseUrl }, context);
    expect(existsSync(join(modelsDir, 'test-model.partial'))).toBe(false);
    expect((await verifyModel('test-model', context)).ok).toBe(true);
  });
});
