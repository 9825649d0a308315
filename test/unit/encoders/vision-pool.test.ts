/**
 * The vision pool (app/encoders/vision-pool.ts): which graphs get two one-thread workers, and how requests
 * are shared out among them. Its effect on speed is measured by test/bench/index-vs-raw.ts; the vectors the
 * pool's workers make are checked wherever an int8 twin indexes (e.g. integration/engine).
 */
import { closeSync, mkdtempSync, openSync, ftruncateSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { EncoderTransport } from '../../../app/encoders/encoder-transport.ts';
import type { WorkerRequest } from '../../../app/encoders/protocol.ts';
import { pooledTransport, VISION_POOL_MAX_BYTES, visionWorkerCount } from '../../../app/encoders/vision-pool.ts';

const dir = mkdtempSync(join(tmpdir(), 'eidos-vision-pool-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function graph(name: string, bytes: number): string {
  const path = join(dir, name);
  writeFileSync(path, '');
  const fd = openSync(path, 'r+');
  ftruncateSync(fd, bytes);
  closeSync(fd);
  return path;
}

describe('visionWorkerCount', () => {
  const small = graph('vision_model_quantized.onnx', 89_117_001);
  it('two for a small quantised graph on the CPU of a two-core machine', () => {
    expect(visionWorkerCount(small, 'cpu', 2)).toBe(2);
    expect(visionWorkerCount(graph('vision_model_int8.onnx', 1000), 'cpu', 8)).toBe(2);
  });
  it('one under Core ML, on one core, for an fp32 or fp16 graph, for a graph over the limit, and for a missing file', () => {
    expect(visionWorkerCount(small, 'coreml', 2)).toBe(1);
    expect(visionWorkerCount(small, 'cpu', 1)).toBe(1);
    expect(visionWorkerCount(graph('vision_model.onnx', 1000), 'cpu', 2)).toBe(1);
    expect(visionWorkerCount(graph('vision_model_fp16.onnx', 1000), 'cpu', 2)).toBe(1);
    expect(visionWorkerCount(graph('big_quantized.onnx', VISION_POOL_MAX_BYTES + 1), 'cpu', 2)).toBe(1);
    expect(visionWorkerCount(join(dir, 'gone_quantized.onnx'), 'cpu', 2)).toBe(1);
  });
});

/** A member that answers each request when told to, and records what it was given. */
function member(name: string) {
  const given: WorkerRequest['kind'][] = [];
  const waiting: Array<() => void> = [];
  let closed = false;
  const transport: EncoderTransport = {
    sessions: [{ tower: 'vision', provider: 'cpu', file: name }],
    run(req) {
      given.push(req.kind);
      return new Promise((resolve) => waiting.push(() => resolve({ data: new Float32Array([given.length]), d: 1 })));
    },
    async close() {
      closed = true;
    },
  };
  return { transport, given, answerAll: () => waiting.splice(0).forEach((answer) => answer()), closed: () => closed };
}

const image = (): WorkerRequest => ({ id: 0, kind: 'image', pixels: new Float32Array(3), n: 1 });
const text = (): WorkerRequest => ({
  id: 0,
  kind: 'text',
  ids: new BigInt64Array(2),
  mask: new BigInt64Array(2),
  n: 1,
  len: 2,
});

describe('pooledTransport', () => {
  it('sends each image request to the member with the fewest in flight, and text to the first alone', async () => {
    const a = member('a');
    const b = member('b');
    const pool = pooledTransport([a.transport, b.transport]);
    expect(pool.sessions).toEqual(a.transport.sessions);
    const first = pool.run(image(), []);
    const second = pool.run(image(), []);
    expect(a.given).toEqual(['image']);
    expect(b.given).toEqual(['image']);
    // Both busy: a third image goes to the first of the least busy; text always to the first.
    const third = pool.run(image(), []);
    const query = pool.run(text(), []);
    expect(a.given).toEqual(['image', 'image', 'text']);
    expect(b.given).toEqual(['image']);
    a.answerAll();
    b.answerAll();
    await Promise.all([first, second, third, query]);
    // All answered: the next image goes to the first again.
    void pool.run(image(), []);
    expect(a.given).toHaveLength(4);
    await pool.close();
    expect(a.closed() && b.closed()).toBe(true);
  });
});
