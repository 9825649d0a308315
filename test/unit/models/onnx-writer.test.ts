import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { attr, encodedSize, encodeModel, writeModelFile } from '../../../models/onnx/onnx-writer.ts';

async function load(bytes: Uint8Array): Promise<ort.InferenceSession> {
  const file = join(mkdtempSync(join(tmpdir(), 'eidos-onnx-')), 'model.onnx');
  writeFileSync(file, bytes);
  return ort.InferenceSession.create(file);
}

describe('ONNX writer', () => {
  it('writes a model onnxruntime runs, with every attribute kind, negative ints and symbolic dims', async () => {
    // y = LeakyRelu(x + b, alpha) along the last axis, reduced over axes [-1] → checks float, ints (negative),
    // int, tensor (Constant) attributes and float32/int64 initializers.
    const bytes = encodeModel({
      producerName: 'test',
      producerVersion: '0',
      graph: {
        name: 'g',
        inputs: [{ name: 'x', elemType: 'float32', dims: ['batch', 3] }],
        outputs: [
          { name: 'y', elemType: 'float32', dims: ['batch', 1] },
          { name: 'n', elemType: 'int64', dims: [2] },
          { name: 'f', elemType: 'float32', dims: [2] },
          { name: 'm', elemType: 'float32', dims: ['batch'] },
        ],
        initializers: [
          { name: 'b', dims: [3], data: Float32Array.from([1, -2, 0.5]) },
          { name: 'idx', dims: [2], data: BigInt64Array.from([-1n, 1n]) },
        ],
        nodes: [
          { opType: 'Add', inputs: ['x', 'b'], outputs: ['xb'] },
          { opType: 'LeakyRelu', inputs: ['xb'], outputs: ['act'], attributes: { alpha: attr.float(0.25) } },
          { opType: 'ReduceSum', inputs: ['act', 'axes'], outputs: ['y'], attributes: { keepdims: attr.int(1) } },
          {
            opType: 'Constant',
            inputs: [],
            outputs: ['axes'],
            attributes: { value: attr.tensor({ name: 'axes', dims: [1], data: BigInt64Array.from([-1n]) }) },
          },
          { opType: 'Identity', inputs: ['idx'], outputs: ['n'] },
          {
            opType: 'ReduceMax',
            inputs: ['act'],
            outputs: ['m'],
            attributes: { axes: attr.ints([-1]), keepdims: attr.int(0) },
          },
          { opType: 'Constant', inputs: [], outputs: ['f'], attributes: { value_floats: attr.floats([1.5, -3]) } },
        ],
      },
    });
    const session = await load(bytes);
    expect(session.inputNames).toEqual(['x']);
    expect(session.inputMetadata[0]).toMatchObject({ isTensor: true, type: 'float32', shape: ['batch', 3] });
    const x = new ort.Tensor('float32', Float32Array.from([0, 0, 0, 1, 1, -4]), [2, 3]);
    const out = await session.run({ x });
    // Row 0: [1, -2, 0.5] → [1, -0.5, 0.5] → 1. Row 1: [2, -1, -3.5] → [2, -0.25, -0.875] → 0.875.
    expect(Array.from(out.y!.data as Float32Array)).toEqual([1, 0.875]);
    expect(Array.from(out.n!.data as BigInt64Array)).toEqual([-1n, 1n]);
    expect(Array.from(out.f!.data as Float32Array)).toEqual([1.5, -3]);
    expect(Array.from(out.m!.data as Float32Array)).toEqual([1, 2]);
  });

  it('uses the ints attribute (Transpose perm)', async () => {
    const session = await load(
      encodeModel({
        producerName: 'test',
        producerVersion: '0',
        graph: {
          name: 'g',
          inputs: [{ name: 'x', elemType: 'float32', dims: [2, 3] }],
          outputs: [{ name: 'y', elemType: 'float32', dims: [3, 2] }],
          initializers: [],
          nodes: [{ opType: 'Transpose', inputs: ['x'], outputs: ['y'], attributes: { perm: attr.ints([1, 0]) } }],
        },
      }),
    );
    const out = await session.run({ x: new ort.Tensor('float32', Float32Array.from([1, 2, 3, 4, 5, 6]), [2, 3]) });
    expect(Array.from(out.y!.data as Float32Array)).toEqual([1, 4, 2, 5, 3, 6]);
  });

  it('rejects a tensor whose data does not fill its dims', () => {
    expect(() =>
      encodeModel({
        producerName: 't',
        producerVersion: '0',
        graph: {
          name: 'g',
          inputs: [],
          outputs: [],
          nodes: [],
          initializers: [{ name: 'w', dims: [2, 2], data: new Float32Array(3) }],
        },
      }),
    ).toThrow(/w has dims \[2,2\]/);
  });

  it('streams a model with lazy tensors to the same bytes as in memory, of the size computed beforehand', async () => {
    let produced = 0;
    const lazy = (name: string, values: number[]) => ({
      name,
      dims: [values.length],
      data: { elemType: 'float32' as const, produce: () => (produced++, Float32Array.from(values)) },
    });
    const model = {
      producerName: 'test',
      producerVersion: '0',
      opsetVersion: 14,
      graph: {
        name: 'g',
        inputs: [{ name: 'x', elemType: 'float32' as const, dims: ['batch', 2] }],
        outputs: [{ name: 'y', elemType: 'float32' as const, dims: ['batch', 2] }],
        initializers: [lazy('a', [1, 2]), lazy('b', [0.5, -1]), { name: 'q', dims: [2], data: Uint8Array.of(3, 250) }],
        nodes: [
          { opType: 'Mul', inputs: ['x', 'a'], outputs: ['xa'] },
          { opType: 'Add', inputs: ['xa', 'b'], outputs: ['y'] },
        ],
      },
    };
    const size = encodedSize(model);
    expect(produced).toBe(0);
    const file = join(mkdtempSync(join(tmpdir(), 'eidos-onnx-')), 'model.onnx');
    writeModelFile(model, file);
    expect(produced).toBe(2);
    const written = readFileSync(file);
    expect(written.length).toBe(size);
    expect(Buffer.from(encodeModel(model)).equals(written)).toBe(true);
    const out = await (
      await ort.InferenceSession.create(file)
    ).run({ x: new ort.Tensor('float32', Float32Array.from([1, 1, 2, 3]), [2, 2]) });
    expect(Array.from(out.y!.data as Float32Array)).toEqual([1.5, 1, 2.5, 5]);
  });

  it('rejects lazy data that does not fill its dims when it is produced', () => {
    const model = {
      producerName: 't',
      producerVersion: '0',
      graph: {
        name: 'g',
        inputs: [],
        outputs: [],
        nodes: [],
        initializers: [
          { name: 'w', dims: [4], data: { elemType: 'float32' as const, produce: () => new Float32Array(3) } },
        ],
      },
    };
    expect(encodedSize(model)).toBeGreaterThan(16);
    expect(() => encodeModel(model)).toThrow(/w has dims \[4\] \(4 values\) but 3 values/);
  });
});
