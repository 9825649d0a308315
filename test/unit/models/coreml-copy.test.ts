/**
 * The Core ML copy of a vision tower (app/models/coreml-copy.ts) on the synthetic model's real ONNX graph:
 * no symbolic dimension left (read back with the project's ONNX reader and by onnxruntime itself), the
 * original untouched, the same embeddings as the original graph (independent truth: the original, run at
 * each batch's own size), and the padding rule following the session's input shape.
 */
import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Encoder } from '../../../app/encoders/encoder.ts';
import { paddedBatchSize } from '../../../app/encoders/execution-providers.ts';
import {
  CORE_ML_BATCH,
  coreMlCopyFile,
  coreMlVisionPath,
  symbolicDims,
  verifyCoreMlCopy,
  writeCoreMlCopy,
} from '../../../app/models/coreml-copy.ts';
import { findModel, loadManifest } from '../../../app/models/manifest.ts';
import { inspectOnnx } from '../../../app/models/onnx-inspect.ts';
import { hashFile } from '../../../app/models/hash-file.ts';
import { generateSyntheticModel } from '../../../models/synthetic/generate-model.ts';

const model = findModel(loadManifest(), 'synthetic-tiny');
const SIZE = model.preprocess.size;
const PER = 3 * SIZE * SIZE;

describe('the Core ML copy of a vision tower', () => {
  let dir: string;
  let originalSha: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'eidos-coreml-copy-'));
    await generateSyntheticModel(dir);
    originalSha = (await hashFile(join(dir, 'onnx/vision_model.onnx'))).sha256;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('has no symbolic dimension: the batch is fixed in inputs, outputs and value_info', async () => {
    expect(symbolicDims(inspectOnnx(join(dir, 'onnx/vision_model.onnx')))).not.toEqual([]);
    const record = await writeCoreMlCopy(model, dir);
    expect(record.file).toBe(coreMlCopyFile(model));
    const outline = inspectOnnx(join(dir, record.file));
    expect(symbolicDims(outline)).toEqual([]);
    expect(outline.inputs).toEqual([
      { name: 'pixel_values', elemType: 'float32', dims: [CORE_ML_BATCH, 3, SIZE, SIZE] },
    ]);
    expect(outline.outputs).toEqual([
      { name: 'image_embeds', elemType: 'float32', dims: [CORE_ML_BATCH, model.embeddingDim] },
    ]);
    // Everything else is the original's: the same nodes and weights.
    const original = inspectOnnx(join(dir, 'onnx/vision_model.onnx'));
    expect(outline.opTypes).toEqual(original.opTypes);
    expect(outline.initializerElements).toBe(original.initializerElements);
    expect((await hashFile(join(dir, 'onnx/vision_model.onnx'))).sha256).toBe(originalSha);
    expect((await hashFile(join(dir, record.file))).sha256).toBe(record.sha256);
  });

  it('is what onnxruntime loads with a fixed batch', async () => {
    const session = await ort.InferenceSession.create(await coreMlVisionPath(model, dir));
    try {
      expect(session.inputMetadata[0]).toMatchObject({ name: 'pixel_values', shape: [CORE_ML_BATCH, 3, SIZE, SIZE] });
      expect(session.outputMetadata[0]).toMatchObject({ shape: [CORE_ML_BATCH, model.embeddingDim] });
    } finally {
      await session.release();
    }
  });

  it('embeds photos as the original graph does, with batches padded because the session is fixed', async () => {
    const n = 11; // one full run of 8 and one of 3 padded to 8
    const pixels = Float32Array.from({ length: n * PER }, (_, i) => Math.sin(i * 0.37));
    const fixed = await Encoder.open({
      model,
      modelDir: dir,
      towers: ['vision'],
      threads: 1,
      fixedBatchGraph: true,
      batchSize: 16,
    });
    const free = await Encoder.open({ model, modelDir: dir, towers: ['vision'], threads: 1, batchSize: 16 });
    try {
      expect(fixed.sessions[0]).toMatchObject({
        provider: 'cpu',
        fixedBatch: CORE_ML_BATCH,
        file: join(dir, coreMlCopyFile(model)),
      });
      expect(free.sessions[0]?.fixedBatch).toBeUndefined();
      const a = (await fixed.embedImages(pixels, n)).data;
      const b = (await free.embedImages(pixels, n)).data;
      expect(a.length).toBe(n * model.embeddingDim);
      for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i] as number, 5);
    } finally {
      await fixed.close();
      await free.close();
    }
  });

  it('is written again when the original changed or the copy was damaged', async () => {
    const record = await writeCoreMlCopy(model, dir);
    const copy = join(dir, record.file);
    const bytes = readFileSync(copy);
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] as number) ^ 0xff;
    writeFileSync(copy, bytes);
    expect(await verifyCoreMlCopy(model, dir)).toBe('rewritten');
    expect((await hashFile(copy)).sha256).toBe(record.sha256);
    expect(await verifyCoreMlCopy(model, dir)).toBe('ok');
    const later = new Date(Date.now() + 5000);
    utimesSync(join(dir, 'onnx/vision_model.onnx'), later, later);
    await coreMlVisionPath(model, dir);
    const recorded = JSON.parse(readFileSync(join(dir, '.eidos-coreml-copy.json'), 'utf8')).source.mtimeMs as number;
    expect(Math.abs(recorded - later.getTime())).toBeLessThan(1);
  });
});

describe('the padding rule', () => {
  it('follows the session: a free batch runs as it comes, a fixed one is filled to its size', () => {
    expect(paddedBatchSize(3, undefined)).toBe(3);
    expect(paddedBatchSize(3, 8)).toBe(8);
    expect(paddedBatchSize(8, 8)).toBe(8);
    expect(() => paddedBatchSize(9, 8)).toThrow(/does not fit/);
    expect(() => paddedBatchSize(0, undefined)).toThrow(/at least one/);
  });
});
