/**
 * Issue 22 part 4: real-size speed and memory of each new model's architecture twin (CLIP ViT-B/32 int8 and fp32,
 * MobileCLIP2-S2 and -S0, SigLIP 2 B/16 with its int8 files), ours against the limit in one run, one twin
 * after another (a fresh scratch folder each, removed before the next):
 *   - `eidos index` of PHOTOS imagenet-dev JPEGs (fresh index, child process): photos/s of its image work
 *     (a run that reads no text, as the raw session reads none) against the raw onnxruntime vision
 *     session alone on a ready batch of the same size and shape (≥ 0.85 ×), the faster of the session as
 *     Eidos opens it and one with onnxruntime's defaults;
 *   - text query p50, tokenise + encode through the Encoder (worker), against the raw text session on
 *     ready token tensors (≤ 1.2 ×);
 *   - peak RSS of the real `eidos index` command, reading text as users run it (≤ 1.2 GB), and of an idle
 *     `eidos serve` after one search (≤ 1.0 GB).
 * The figures fill the model table's speed and memory columns (README, docs/models.md, the manifest's cards).
 * Run (alone on the machine): flock /tmp/eidos-bench.lock node bin/run-ts.js test/bench/twin-models.ts [twin-id]
 */
import { execFileSync, spawn } from 'node:child_process';
import * as ort from 'onnxruntime-node';
import { linkSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Encoder } from '../../app/encoders/encoder.ts';
import { openSession, runText, runVision } from '../../app/encoders/onnx-session.ts';
import type { ModelSpec } from '../../app/models/manifest-types.ts';
import { resolveStore } from '../../app/models/store-context.ts';
import { fetchModel } from '../../app/models/store.ts';
import { ClipTokenizer } from '../../app/tokenizer/clip-tokenizer.ts';
import { GemmaTokenizer } from '../../app/tokenizer/gemma-tokenizer.ts';
import { copyCachedTwin } from '../../models/clip-twin/twin-cache.ts';
import { copyCachedMobileClip2S0Twin, copyCachedMobileClip2Twin } from '../../models/mobileclip2-twin/twin-cache.ts';
import type { InstalledModel } from './encoders.ts';
import { indexInChild, perSecond } from './index.ts';
import { median } from './stats.ts';

const REPO = resolve(import.meta.dirname, '../..');
const IMAGENET_DIR = resolve(REPO, '../shared/photos/imagenet-dev/images');
const PHOTOS = 200;
const THREADS = availableParallelism();
const GB = 1e9;
const QUERIES = [
  'a photo of a dog',
  'kids on a beach at sunset',
  'un chien sur la plage',
  'snow mountain',
  'a cat on a sofa',
  'city at night',
  'red car',
  'two people hiking in the alps',
];

type Generate = NonNullable<Parameters<typeof fetchModel>[1]>['generate'];
/** The twins, each with how it is installed (a cached generation where one exists, else generated here). */
const TWINS: Array<{ id: string; generate?: Generate }> = [
  { id: 'clip-vit-b32-int8-twin', generate: copyCachedTwin('int8') },
  { id: 'clip-vit-b32-twin', generate: copyCachedTwin('fp32') },
  { id: 'mobileclip2-s2-twin', generate: copyCachedMobileClip2Twin },
  { id: 'mobileclip2-s0-twin', generate: copyCachedMobileClip2S0Twin },
  { id: 'siglip2-base-twin' },
];

const verdict = (ok: boolean): string => (ok ? 'met' : 'MISSED');
const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(0)} MB`;
const fileOf = (model: ModelSpec, dir: string, role: 'vision' | 'text' | 'tokenizer'): string =>
  join(dir, model.files.find((f) => f.role === role)!.path);

/**
 * Peak memory of the real `eidos index <folder>` in a fresh home (GNU time's maximum resident set, after the
 * exec: the bench's own memory is not counted), and that home, indexed as a user's is (text read too), for
 * the idle serve. The --child run above opens its vision tower before the run to learn the batch size,
 * which holds more memory than the command itself does.
 */
function cliIndex(modelsDir: string, scratch: string, id: string, folder: string): { home: string; peakBytes: number } {
  const home = mkdtempSync(join(scratch, 'cli-home-'));
  symlinkSync(modelsDir, join(home, 'models'));
  const timeFile = join(scratch, 'cli-time.txt');
  execFileSync(
    '/usr/bin/time',
    ['-f', '%M', '-o', timeFile, process.execPath, join(REPO, 'bin/eidos.js'), 'index', folder, '--model', id],
    { env: { ...process.env, EIDOS_HOME: home }, stdio: 'ignore' },
  );
  return { home, peakBytes: Number(readFileSync(timeFile, 'utf8').trim().split('\n').at(-1)) * 1024 };
}

/**
 * Images/s of the raw vision session in this thread, on one ready batch of `batch` images (warm-up first): the
 * raw encoder at its best, the faster of the session as Eidos opens it (pool threads that do not spin between
 * runs) and one with onnxruntime's default options, timed in turn.
 */
async function rawVisionRate(installed: InstalledModel, batch: number): Promise<number> {
  const { model, dir } = installed;
  const size = model.preprocess.size;
  const pixels = new Float32Array(batch * 3 * size * size);
  for (let i = 0; i < pixels.length; i++) pixels[i] = ((i * 2654435761) % 1000) / 500 - 1;
  const path = fileOf(model, dir, 'vision');
  const sessions = [
    (await openSession({ path, provider: 'cpu', threads: THREADS })).session,
    await ort.InferenceSession.create(path),
  ];
  const output = model.outputs?.image;
  const ms = sessions.map(() => 0);
  try {
    for (const session of sessions) await runVision(session, pixels, batch, size, output);
    let calls = 0;
    const start = performance.now();
    while (calls < 4 || performance.now() - start < 16000) {
      for (const [i, session] of sessions.entries()) {
        const t0 = performance.now();
        await runVision(session, pixels, batch, size, output);
        ms[i]! += performance.now() - t0;
      }
      calls++;
    }
    return (calls * batch) / (Math.min(...ms) / 1000);
  } finally {
    await Promise.all(sessions.map((session) => session.release()));
  }
}

/** Ready token tensors of each query, as the model's own tokenizer makes them. */
function readyTokens(installed: InstalledModel): Array<{ inputIds: BigInt64Array; attentionMask: BigInt64Array }> {
  const { model, dir } = installed;
  const len = model.contextLength;
  if (model.text?.tokenizer === 'gemma') {
    const gemma = GemmaTokenizer.fromFiles(fileOf(model, dir, 'tokenizer'), undefined, {
      lowercase: model.text.lowercase ?? false,
      padId: model.text.padId ?? 0,
    });
    return QUERIES.map((q) => gemma.encodeBatch([q], len));
  }
  const clip = ClipTokenizer.fromFile(fileOf(model, dir, 'tokenizer'));
  return QUERIES.map((q) => clip.encodeBatch([q], len, model.text?.padId));
}

/**
 * p50 of one query through the Encoder (tokenise + worker run) and of the raw text session on ready tensors,
 * interleaved query by query: measured one block after the other, a shared machine's load shifting between
 * the blocks showed as a ratio (1.47 once for CLIP, where interleaved runs give 0.7–1.1; tokenising takes 0.07 ms).
 */
async function textP50(installed: InstalledModel): Promise<{ ours: number; raw: number }> {
  const rounds = 5;
  const ready = readyTokens(installed);
  const len = installed.model.contextLength;
  const output = installed.model.outputs?.text;
  const path = fileOf(installed.model, installed.dir, 'text');
  const encoder = await Encoder.open({ model: installed.model, modelDir: installed.dir, towers: ['text'] });
  const ours: number[] = [];
  const raw: number[] = [];
  try {
    const { session } = await openSession({ path, provider: 'cpu', threads: THREADS });
    try {
      await encoder.embedTexts(['warm-up']);
      await runText(session, ready[0]!.inputIds, ready[0]!.attentionMask, 1, len, output);
      for (let r = 0; r < rounds; r++)
        for (const [i, q] of QUERIES.entries()) {
          let t0 = performance.now();
          await encoder.embedTexts([q]);
          ours.push(performance.now() - t0);
          const t = ready[i]!;
          t0 = performance.now();
          await runText(session, t.inputIds, t.attentionMask, 1, len, output);
          raw.push(performance.now() - t0);
        }
    } finally {
      await session.release();
    }
  } finally {
    await encoder.close();
  }
  return { ours: median(ours), raw: median(raw) };
}

/** Peak (VmHWM) and current (VmRSS) memory of `eidos serve` once it answered one search and its start-up work settled. */
async function idleServeRss(home: string): Promise<{ peak: number; idle: number }> {
  const child = spawn(process.execPath, [join(REPO, 'bin/eidos.js'), 'serve', '--json', '--port', '0'], {
    env: { ...process.env, EIDOS_HOME: home },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const line = await new Promise<string>((done, fail) => {
      child.stdout.once('data', (data: Buffer) => done(data.toString()));
      child.once('exit', (code) => fail(new Error(`eidos serve exited (${code})`)));
    });
    const { url } = JSON.parse(line) as { url: string };
    const address = new URL(url);
    const call = async (method: string, body: unknown): Promise<unknown> => {
      const answer = await fetch(`${address.origin}/api/${method}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${address.searchParams.get('token')}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (!answer.ok) throw new Error(`${method} answered ${answer.status}: ${await answer.text()}`);
      return answer.json();
    };
    await call('search', { query: 'a photo of a dog' });
    // Idle: the catch-up scan after start-up has run and nothing runs or is queued (as the serve fixture waits).
    for (;;) {
      const status = (await call('status', {})) as { catchUp: string; indexing: { state: string; queued?: boolean } };
      if (
        status.catchUp === 'done' &&
        !['scanning', 'indexing'].includes(status.indexing.state) &&
        !status.indexing.queued
      )
        break;
      await new Promise((done) => setTimeout(done, 250));
    }
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    const kB = (field: string): number => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1]) * 1024;
    return { peak: kB('VmHWM'), idle: kB('VmRSS') };
  } finally {
    child.kill('SIGTERM');
  }
}

async function benchTwin(id: string, generate: Generate | undefined, photos: string): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), 'eidos-bench-twins-'));
  try {
    const modelsDir = join(scratch, 'models');
    await fetchModel(id, generate ? { generate } : {}, { modelsDir });
    const installed: InstalledModel = { model: resolveStore({ modelsDir }).model(id), dir: join(modelsDir, id) };
    // Without reading text, as the raw session reads none (perSecond); the real command's peak, text and all, is cliIndex's.
    const index = indexInChild(modelsDir, scratch, photos);
    const limit = await rawVisionRate(installed, index.batchSize);
    const text = await textP50(installed);
    const cli = cliIndex(modelsDir, scratch, id, photos);
    // On the library the real command made: one indexed without text would have its text read at start-up.
    const serve = await idleServeRss(cli.home);
    const rate = perSecond(index);
    const row = (what: string, ours: string, comparator: string, ratio: string, limitText: string): void =>
      console.log(
        `${id.padEnd(20)} ${what.padEnd(44)} ${ours.padStart(9)} ${comparator.padStart(10)} ${ratio.padStart(6)}  ${limitText}`,
      );
    row(
      `index ${index.summary.encoded} photos, photos/s vs raw session`,
      rate.toFixed(2),
      limit.toFixed(2),
      (rate / limit).toFixed(2),
      `≥ 0.85  ${verdict(rate >= 0.85 * limit)}`,
    );
    row(
      'text query p50 ms vs raw text session',
      text.ours.toFixed(1),
      text.raw.toFixed(1),
      (text.ours / text.raw).toFixed(2),
      `≤ 1.2   ${verdict(text.ours <= 1.2 * text.raw)}`,
    );
    row('peak RSS of eidos index', mb(cli.peakBytes), '', '', `≤ 1.2 GB ${verdict(cli.peakBytes <= 1.2 * GB)}`);
    row('  the same run in-process, tower opened first', mb(index.maxRssBytes), '', '', '');
    row('peak RSS of idle eidos serve (one search)', mb(serve.peak), '', '', `≤ 1.0 GB ${verdict(serve.peak <= GB)}`);
    row('RSS of idle eidos serve, now', mb(serve.idle), '', '', `≤ 1.0 GB ${verdict(serve.idle <= GB)}`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const only = process.argv[2];
  const selected = TWINS.filter((twin) => only === undefined || twin.id === only);
  if (selected.length === 0) throw new Error(`no twin ${only}: one of ${TWINS.map((t) => t.id).join(', ')}`);
  // The first PHOTOS imagenet-dev JPEGs, hard-linked into a folder of their own.
  const library = mkdtempSync(join(tmpdir(), 'eidos-bench-twins-photos-'));
  try {
    for (const name of readdirSync(IMAGENET_DIR).sort().slice(0, PHOTOS))
      linkSync(join(IMAGENET_DIR, name), join(library, name));
    console.log(`cpu, ${THREADS} threads (a shared machine: other work runs beside; ratios are measured in one run)`);
    console.log(
      `${'twin'.padEnd(20)} ${'what'.padEnd(44)} ${'ours'.padStart(9)} ${'comparator'.padStart(10)} ${'ratio'.padStart(6)}  limit`,
    );
    for (const twin of selected) await benchTwin(twin.id, twin.generate, library);
  } finally {
    rmSync(library, { recursive: true, force: true });
  }
}

await main();
