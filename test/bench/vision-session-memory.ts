/**
 * Peak memory (VmHWM) of one vision session under onnxruntime's memory options: the CPU arena and the
 * memory pattern on or off (the session options app/encoders/onnx-session.ts sets), each variant in a child
 * process of its own, loading the CLIP fp32 twin and embedding two batches of 8 photos.
 * Run: flock /tmp/eidos-bench.lock node bin/run-ts.js test/bench/vision-session-memory.ts [cached-clip-twin-dir]
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { runVision, sessionOptions } from '../../app/encoders/onnx-session.ts';

const REPO = resolve(import.meta.dirname, '../..');
const kB = (key: string): number =>
  Number(new RegExp(`${key}:\\s+(\\d+)`).exec(readFileSync('/proc/self/status', 'utf8'))![1]) / 1000;

async function child(dir: string, arena: boolean, pattern: boolean): Promise<void> {
  const path = join(dir, 'onnx/vision_model.onnx');
  const options = {
    ...sessionOptions({ path, provider: 'cpu', threads: 2, memArena: arena }, 'cpu'),
    enableMemPattern: pattern,
  };
  const session = await ort.InferenceSession.create(path, options);
  const loaded = kB('VmRSS');
  const pixels = new Float32Array(8 * 3 * 224 * 224).fill(0.1);
  const t0 = performance.now();
  for (let i = 0; i < 2; i++) await runVision(session, pixels, 8, 224);
  const ms = (performance.now() - t0) / 2;
  console.log(
    `arena ${arena ? 'on ' : 'off'}  pattern ${pattern ? 'on ' : 'off'}  loaded ${loaded.toFixed(0)} MB  after runs ${kB('VmRSS').toFixed(0)} MB  peak ${kB('VmHWM').toFixed(0)} MB  ${ms.toFixed(0)} ms/batch of 8`,
  );
  await session.release();
}

if (process.argv[2] === '--child')
  await child(process.argv[3]!, process.argv[4] === 'true', process.argv[5] === 'true');
else {
  const dir = process.argv[2] ?? join(tmpdir(), 'eidos-twin-cache/clip-vit-b32-twin-v1-seed13-fp32');
  for (const [arena, pattern] of [
    [true, true],
    [false, true],
    [true, false],
    [false, false],
  ])
    process.stdout.write(
      execFileSync(
        process.execPath,
        [join(REPO, 'bin/run-ts.js'), import.meta.filename, '--child', dir, String(arena), String(pattern)],
        {
          encoding: 'utf8',
        },
      ),
    );
}
