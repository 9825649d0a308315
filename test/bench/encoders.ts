/**
 * Encoder throughput on ready tensors (no decoding): images/s and texts/s at batch 1, 8 and 32, through
 * the Encoder facade (inference in its worker thread) and through a direct in-thread session.run, so
 * the worker's overhead (copies, messages, normalising) shows. This is the limit the index bench
 * compares the whole pipeline with. Runs the synthetic model and every real model installed in
 * $EIDOS_HOME (a line says when there is none).
 * Run: node bin/run-ts.js test/bench/encoders.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Encoder } from '../../app/encoders/encoder.ts';
import { openSession, runText, runVision } from '../../app/encoders/onnx-session.ts';
import type { ModelSpec } from '../../app/models/manifest-types.ts';
import { resolveStore } from '../../app/models/store-context.ts';
import { fetchModel, listModels } from '../../app/models/store.ts';
import { modelsDir } from '../../app/paths.ts';
import { ClipTokenizer } from '../../app/tokenizer/clip-tokenizer.ts';

export const BATCH_SIZES = [1, 8, 32] as const;
export type Route = 'worker' | 'direct';

export interface InstalledModel {
  model: ModelSpec;
  dir: string;
}

/** Runs `once` (which handles `perCall` items) until `minSeconds` have passed; items per second. */
async function rate(perCall: number, once: () => Promise<unknown>, minSeconds = 1.5): Promise<number> {
  await once(); // warm-up: first-run allocations and kernel selection
  let calls = 0;
  const start = performance.now();
  while (calls < 3 || performance.now() - start < minSeconds * 1000) {
    await once();
    calls++;
  }
  return (calls * perCall) / ((performance.now() - start) / 1000);
}

/** Deterministic pixels in the normalised range (values do not change the cost of the graph). */
function readyPixels(n: number, size: number): Float32Array {
  const pixels = new Float32Array(n * 3 * size * size);
  for (let i = 0; i < pixels.length; i++) pixels[i] = ((i * 2654435761) % 1000) / 250 - 2;
  return pixels;
}

const QUERY_TEXTS = [
  'a photo of a dog',
  'red circle top left',
  'kids on a beach at sunset',
  'a receipt',
  'snow mountain',
  'blue square',
  'a cat on a sofa',
  'city at night',
];
const textsOf = (n: number): string[] =>
  Array.from({ length: n }, (_, i) => QUERY_TEXTS[i % QUERY_TEXTS.length] as string);

/** Images/s through the Encoder (worker thread) or a session in this thread, at one batch size. */
export async function imageRate(installed: InstalledModel, batch: number, route: Route): Promise<number> {
  const size = installed.model.preprocess.size;
  const pixels = readyPixels(batch, size);
  if (route === 'worker') {
    const encoder = await Encoder.open({
      model: installed.model,
      modelDir: installed.dir,
      towers: ['vision'],
      batchSize: batch,
    });
    try {
      return await rate(batch, () => encoder.embedImages(pixels, batch));
    } finally {
      await encoder.close();
    }
  }
  const file = installed.model.files.find((f) => f.role === 'vision')!;
  const { session } = await openSession({
    path: join(installed.dir, file.path),
    provider: 'cpu',
    threads: availableParallelism(),
  });
  try {
    return await rate(batch, () => runVision(session, pixels, batch, size));
  } finally {
    await session.release();
  }
}

/** Texts/s; through the Encoder this includes tokenising (it runs on the caller's thread). */
export async function textRate(installed: InstalledModel, batch: number, route: Route): Promise<number> {
  const texts = textsOf(batch);
  if (route === 'worker') {
    const encoder = await Encoder.open({ model: installed.model, modelDir: installed.dir, towers: ['text'] });
    try {
      return await rate(batch, () => encoder.embedTexts(texts));
    } finally {
      await encoder.close();
    }
  }
  const path = (role: 'text' | 'tokenizer'): string =>
    join(installed.dir, installed.model.files.find((f) => f.role === role)!.path);
  const len = installed.model.contextLength;
  const { inputIds, attentionMask } = ClipTokenizer.fromFile(path('tokenizer')).encodeBatch(texts, len);
  const { session } = await openSession({ path: path('text'), provider: 'cpu', threads: availableParallelism() });
  try {
    return await rate(batch, () => runText(session, inputIds, attentionMask, batch, len));
  } finally {
    await session.release();
  }
}

/** The synthetic model, generated into a scratch models folder; call `dispose` when done. */
export async function syntheticModel(): Promise<InstalledModel & { dispose: () => void }> {
  const scratch = mkdtempSync(join(tmpdir(), 'eidos-bench-model-'));
  const dir = join(scratch, 'models');
  await fetchModel('synthetic-tiny', {}, { modelsDir: dir });
  const store = resolveStore({ modelsDir: dir });
  return {
    model: store.model('synthetic-tiny'),
    dir: store.installDir('synthetic-tiny'),
    dispose: () => rmSync(scratch, { recursive: true, force: true }),
  };
}

async function installedRealModels(): Promise<InstalledModel[]> {
  const store = resolveStore({ modelsDir: modelsDir() });
  const listed = await listModels({ modelsDir: store.dir });
  return listed
    .filter((m) => m.installed && m.source !== 'generated')
    .map((m) => ({ model: store.model(m.id), dir: store.installDir(m.id) }));
}

const fmt = (x: number): string => x.toFixed(1).padStart(9);

async function benchModel(installed: InstalledModel): Promise<void> {
  console.log(
    `\n${installed.model.id} (${installed.model.preprocess.size}×${installed.model.preprocess.size}, ${installed.model.embeddingDim}-d), cpu, ${availableParallelism()} threads`,
  );
  console.log(
    `${'batch'.padEnd(6)} ${'img/s worker'.padStart(13)} ${'img/s direct'.padStart(13)} ${'worker/direct'.padStart(14)} ${'txt/s worker'.padStart(13)} ${'txt/s direct'.padStart(13)}`,
  );
  for (const batch of BATCH_SIZES) {
    const imgWorker = await imageRate(installed, batch, 'worker');
    const imgDirect = await imageRate(installed, batch, 'direct');
    const txtWorker = await textRate(installed, batch, 'worker');
    const txtDirect = await textRate(installed, batch, 'direct');
    console.log(
      `${String(batch).padEnd(6)} ${fmt(imgWorker)}     ${fmt(imgDirect)}     ${(imgWorker / imgDirect).toFixed(2).padStart(10)}×    ${fmt(txtWorker)}     ${fmt(txtDirect)}`,
    );
  }
}

async function main(): Promise<void> {
  const synthetic = await syntheticModel();
  try {
    await benchModel(synthetic);
  } finally {
    synthetic.dispose();
  }
  const real = await installedRealModels();
  if (real.length === 0)
    console.log(
      `\nno real model installed in ${modelsDir()}: skipped (eidos models fetch/import one, or set EIDOS_HOME)`,
    );
  for (const installed of real) await benchModel(installed);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
