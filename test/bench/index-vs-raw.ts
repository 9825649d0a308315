/**
 * Where `eidos index`'s image time goes against the raw onnxruntime vision session, both in ONE child process,
 * back to back, so load shifts between them less than in twin-models.ts (which indexes for minutes, then
 * times the raw session for seconds): the image phase (scan to vectors written, no text pass) in wall and
 * CPU ms a photo, the share of it with a batch at the encoder, then the raw session on ready batches of the
 * same size in wall and CPU ms a photo: opened as Eidos opens it, and with onnxruntime's default options, in
 * turn; the ratio is to the faster of the two. CPU a photo holds under load; the wall ratio is the issue's.
 * Run: flock /tmp/eidos-bench.lock node bin/run-ts.js test/bench/index-vs-raw.ts [twin-id] [photos]
 */
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
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
  // The limit is the raw encoder at its best: the session as Eidos opens it (its pool threads do not
  // spin between runs) and a session with onnxruntime's defaults (they spin), run in turn, the faster counts.
  const sessions = {
    eidos: (await openSession({ path, provider: 'cpu', threads: availableParallelism() })).session,
    defaults: await ort.InferenceSession.create(path),
  };
  const raw = { eidos: { wall: 0, cpu: 0, photos: 0 }, defaults: { wall: 0, cpu: 0, photos: 0 } };
  try {
    for (const session of Object.values(sessions)) await runVision(session, pixels, batch, size, model.outputs?.image);
    const runs = Math.max(8, Math.ceil(n / batch / 2));
    for (let r = 0; r < runs; r++)
      for (const which of ['eidos', 'defaults'] as const) {
        const wall0 = performance.now();
        const cpu0 = cpuMs();
        await runVision(sessions[which], pixels, batch, size, model.outputs?.image);
        raw[which].wall += performance.now() - wall0;
        raw[which].cpu += cpuMs() - cpu0;
        raw[which].photos += batch;
      }
  } finally {
    await Promise.all(Object.values(sessions).map((session) => session.release()));
  }
  const perPhoto = (which: keyof typeof raw) => ({
    wall: raw[which].wall / raw[which].photos,
    cpu: raw[which].cpu / raw[which].photos,
  });
  const eidos = perPhoto('eidos');
  const defaults = perPhoto('defaults');
  const rawWall = Math.min(eidos.wall, defaults.wall);
  console.log(
    `${id}: ${n} photos, batch ${batch}; image phase ${oursWall.toFixed(0)} ms a photo (${oursCpu.toFixed(0)} ms CPU), ` +
      `${((100 * awaiting) / (to.wall - from.wall)).toFixed(0)} % with a batch at the encoder; raw session ` +
      `${eidos.wall.toFixed(0)} ms a photo (${eidos.cpu.toFixed(0)} ms CPU), with onnxruntime's defaults ` +
      `${defaults.wall.toFixed(0)} (${defaults.cpu.toFixed(0)} ms CPU); photos/s ratio to the faster ` +
      `${(rawWall / oursWall).toFixed(2)} (≥ 0.85)`,
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
