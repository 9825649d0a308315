/**
 * Where `eidos index`'s image time goes against the raw onnxruntime vision session, both in ONE child process,
 * back to back, so load shifts between them less than in twin-models.ts (which indexes for minutes, then
 * times the raw session for seconds): the image phase (scan to vectors written, no text pass) in wall and
 * CPU ms a photo, the share of it with a batch at the encoder, then the raw session on ready batches of the
 * same size in wall and CPU ms a photo. CPU a photo holds under load; the wall ratio is the issue's.
 * Run: flock /tmp/eidos-bench.lock node bin/run-ts.js test/bench/index-vs-raw.ts [twin-id] [photos]
 */
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { openSession, runVision } from '../../app/encoders/onnx-session.ts';
import { resolveStore } from '../../app/models/store-context.ts';
import { twinLibrary } from './twin-library.ts';
import { Engine } from '../../app/service/engine.ts';

const REPO = resolve(import.meta.dirname, '../..');

/** CPU of this process (all threads), in ms. */
const cpuMs = (): number => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

async function child(id: string, home: string, folder: string, modelsDir: string): Promise<void> {
  // No text pass: the raw session reads no text either.
  const engine = Engine.open({ home, readText: false });
  engine.addFolders([folder]);
  const encoder = await engine.tower('vision');
  const embed = encoder.embedImages.bind(encoder);
  // Time with at least one batch at the encoder (the indexer keeps two in flight: their waits overlap).
  let awaiting = 0;
  let outstanding = 0;
  let since = 0;
  encoder.embedImages = async (pixels, n, options) => {
    if (outstanding++ === 0) since = performance.now();
    try {
      return await embed(pixels, n, options);
    } finally {
      if (--outstanding === 0) awaiting += performance.now() - since;
    }
  };
  const marks: Record<string, { wall: number; cpu: number }> = {};
  const summary = await engine.index({
    onProgress: (p) => (marks[p.phase] ??= { wall: performance.now(), cpu: cpuMs() }),
  });
  await engine.close();
  const n = summary.encoded;
  const from = marks.indexing!;
  const to = marks.finishing!;
  const oursWall = (to.wall - from.wall) / n;
  const oursCpu = (to.cpu - from.cpu) / n;

  const model = resolveStore({ modelsDir }).model(id);
  const batch = encoder.batchSize;
  const size = model.preprocess.size;
  const pixels = new Float32Array(batch * 3 * size * size);
  for (let i = 0; i < pixels.length; i++) pixels[i] = ((i * 2654435761) % 1000) / 500 - 1;
  const path = join(modelsDir, id, model.files.find((f) => f.role === 'vision')!.path);
  const { session } = await openSession({ path, provider: 'cpu', threads: availableParallelism() });
  let rawWall: number;
  let rawCpu: number;
  try {
    await runVision(session, pixels, batch, size, model.outputs?.image); // warm-up
    const runs = Math.max(4, Math.ceil(n / batch / 4));
    const wall0 = performance.now();
    const cpu0 = cpuMs();
    for (let r = 0; r < runs; r++) await runVision(session, pixels, batch, size, model.outputs?.image);
    rawWall = (performance.now() - wall0) / (runs * batch);
    rawCpu = (cpuMs() - cpu0) / (runs * batch);
  } finally {
    await session.release();
  }
  console.log(
    `${id}: ${n} photos, batch ${batch}; image phase ${oursWall.toFixed(0)} ms a photo (${oursCpu.toFixed(0)} ms CPU), ` +
      `${((100 * awaiting) / (to.wall - from.wall)).toFixed(0)} % with a batch at the encoder; raw session ${rawWall.toFixed(0)} ms a photo ` +
      `(${rawCpu.toFixed(0)} ms CPU); photos/s ratio ${(rawWall / oursWall).toFixed(2)} (≥ 0.85)`,
  );
}

async function main(): Promise<void> {
  const id = process.argv[2] ?? 'clip-vit-b32-twin';
  const photos = Number(process.argv[3] ?? 200);
  const twin = await twinLibrary(id, photos, 'eidos-index-vs-raw');
  try {
    const args = [
      join(REPO, 'bin/run-ts.js'),
      import.meta.filename,
      '--child',
      id,
      twin.newHome(),
      twin.library,
      twin.modelsDir,
    ];
    process.stdout.write(execFileSync(process.execPath, args, { encoding: 'utf8' }));
  } finally {
    twin.dispose();
  }
}

if (process.argv[2] === '--child') await child(process.argv[3]!, process.argv[4]!, process.argv[5]!, process.argv[6]!);
else await main();
