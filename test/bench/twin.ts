/**
 * Real-size speed and memory with the CLIP ViT-B/32 int8 architecture twin (88 M + 63 M parameters,
 * the size of the default model), each figure printed with its comparator and limit, measured in one run:
 *   - `eidos index` of the 500 imagenet-dev JPEGs (fresh index, child process), photos/s, against
 *     (a) the raw encoder alone on ready tensors at the pipeline's batch size (limit: ≥ 0.85 ×) and
 *     (b) a straightforward transformers.js loop, processor + model per batch, same files, same threads (≥ 2 ×);
 *   - text query p50, tokenise + encode through the Encoder, against the raw text session run on
 *     ready token tensors (≤ 1.2 ×);
 *   - peak RSS of that `eidos index` (≤ 1.0 GB) and of an idle `eidos serve` after one search loaded the model (≤ 0.6 GB);
 *   - `eidos search` whole process on the 500-photo library and on a 10,000-photo one (imagenet-dev
 *     20 times over as hard links: the vectors are reused by content hash, so no re-encoding), against
 *     the time to read the embedding matrix (report: it must not grow faster than the matrix read).
 * Run (alone on the machine): flock /tmp/eidos-bench.lock node bin/run-ts.js test/bench/twin.ts
 */
import { execFileSync, spawn } from 'node:child_process';
import { linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AutoProcessor, CLIPVisionModelWithProjection, env, RawImage } from '@huggingface/transformers';
import Database from 'better-sqlite3';
import { Encoder } from '../../app/encoders/encoder.ts';
import { openSession, runText } from '../../app/encoders/onnx-session.ts';
import { fetchModel } from '../../app/models/store.ts';
import { resolveStore } from '../../app/models/store-context.ts';
import { ClipTokenizer } from '../../app/tokenizer/clip-tokenizer.ts';
import { copyCachedTwin } from '../../models/clip-twin/twin-cache.ts';
import { imageRate, type InstalledModel } from './encoders.ts';
import { perSecond, type ChildReport } from './index.ts';
import { median } from './stats.ts';

const REPO = resolve(import.meta.dirname, '../..');
const IMAGENET_DIR = resolve(REPO, '../shared/photos/imagenet-dev/images');
const ID = 'clip-vit-b32-int8-twin';
const THREADS = availableParallelism();
const GB = 1e9;
const QUERIES = [
  'a photo of a dog',
  'kids on a beach at sunset',
  'a receipt',
  'snow mountain',
  'a cat on a sofa',
  'city at night',
  'red car',
  'two people hiking in the alps',
];
const verdict = (ok: boolean): string => (ok ? 'met' : 'MISSED');
const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(0)} MB`;

function eidos(home: string, args: string[]): string {
  return execFileSync(process.execPath, [join(REPO, 'bin/eidos.js'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, EIDOS_HOME: home },
    maxBuffer: 1 << 26,
  });
}

/** Index `folder` into `home` in a child (test/bench/index.ts --child), which reports its summary and max RSS. */
function indexChild(home: string, folder: string): ChildReport {
  const out = execFileSync(
    process.execPath,
    [join(REPO, 'bin/run-ts.js'), join(REPO, 'test/bench/index.ts'), '--child', home, folder],
    { encoding: 'utf8', maxBuffer: 1 << 24 },
  );
  return JSON.parse(out.trim().split('\n').at(-1) as string) as ChildReport;
}

/** The comparator: per batch, transformers.js reads each file, runs its processor on the batch, then the model. */
async function transformersLoopRate(modelsDir: string, files: string[], batch: number): Promise<number> {
  env.allowRemoteModels = false;
  env.localModelPath = modelsDir;
  const processor = await AutoProcessor.from_pretrained(ID);
  const model = await CLIPVisionModelWithProjection.from_pretrained(ID, {
    dtype: 'q8',
    device: 'cpu',
    session_options: { intraOpNumThreads: THREADS },
  });
  const embed = async (chunk: string[]): Promise<void> => {
    const images = [];
    for (const file of chunk) images.push(await RawImage.read(file));
    const { pixel_values } = await processor(images);
    await model({ pixel_values });
  };
  try {
    await embed(files.slice(0, batch)); // warm-up
    const start = performance.now();
    for (let i = 0; i < files.length; i += batch) await embed(files.slice(i, i + batch));
    return files.length / ((performance.now() - start) / 1000);
  } finally {
    await model.dispose();
  }
}

/** p50 of one query through the Encoder (tokenise + worker run) and of the raw session on ready tensors. */
async function textP50(installed: InstalledModel): Promise<{ ours: number; raw: number }> {
  const rounds = 5;
  const encoder = await Encoder.open({
    model: installed.model,
    modelDir: installed.dir,
    towers: ['text'],
    threads: THREADS,
  });
  const ours: number[] = [];
  try {
    await encoder.embedTexts(['warm-up']);
    for (let r = 0; r < rounds; r++) {
      for (const q of QUERIES) {
        const t0 = performance.now();
        await encoder.embedTexts([q]);
        ours.push(performance.now() - t0);
      }
    }
  } finally {
    await encoder.close();
  }
  const file = (role: 'text' | 'tokenizer'): string =>
    join(installed.dir, installed.model.files.find((f) => f.role === role)!.path);
  const tokenizer = ClipTokenizer.fromFile(file('tokenizer'));
  const ready = QUERIES.map((q) => tokenizer.encodeBatch([q], 77));
  const { session } = await openSession({ path: file('text'), provider: 'cpu', threads: THREADS });
  const raw: number[] = [];
  try {
    await runText(session, ready[0]!.inputIds, ready[0]!.attentionMask, 1, 77);
    for (let r = 0; r < rounds; r++) {
      for (const t of ready) {
        const t0 = performance.now();
        await runText(session, t.inputIds, t.attentionMask, 1, 77);
        raw.push(performance.now() - t0);
      }
    }
  } finally {
    await session.release();
  }
  return { ours: median(ours), raw: median(raw) };
}

/** Peak (VmHWM) and current (VmRSS) memory of `eidos serve` after it answered one search and sat idle for a few seconds. */
async function idleServeRss(home: string): Promise<{ peak: number; idle: number }> {
  const child = spawn(process.execPath, [join(REPO, 'bin/eidos.js'), 'serve', '--json'], {
    env: { ...process.env, EIDOS_HOME: home },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const line = await new Promise<string>((done, fail) => {
      child.stdout.once('data', (data: Buffer) => done(data.toString()));
      child.once('exit', (code) => fail(new Error(`eidos serve exited (${code})`)));
    });
    const { url, port } = JSON.parse(line) as { url: string; port: number };
    const token = new URL(url).searchParams.get('token');
    const answer = await fetch(`http://127.0.0.1:${port}/api/search`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'a photo of a dog' }),
    });
    if (!answer.ok) throw new Error(`search answered ${answer.status}: ${await answer.text()}`);
    await new Promise((done) => setTimeout(done, 3000));
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    const kB = (field: string): number => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1]) * 1024;
    return { peak: kB('VmHWM'), idle: kB('VmRSS') };
  } finally {
    child.kill('SIGTERM');
  }
}

/** Whole `eidos search` processes (median of 3) and the matrix read they contain (median of 3). */
function searchTimes(home: string): { processMs: number; matrixMs: number; photos: number } {
  eidos(home, ['search', 'warm-up', '--json']); // compile caches and page cache, as on a used machine
  const times = [0, 1, 2].map(() => {
    const t0 = performance.now();
    eidos(home, ['search', 'a photo of a dog', '--top', '10', '--json']);
    return performance.now() - t0;
  });
  const db = new Database(join(home, 'index.sqlite'), { readonly: true });
  try {
    const photos = (db.prepare('SELECT COUNT(*) AS n FROM files').get() as { n: number }).n;
    // One vector per photo (copies share theirs through the content hash), as the search reads them.
    const matrix = db
      .prepare('SELECT f.rowid, e.vector FROM files f JOIN embeddings e ON e.content_hash = f.content_hash')
      .raw();
    const reads = [0, 1, 2].map(() => {
      const t0 = performance.now();
      matrix.all();
      return performance.now() - t0;
    });
    return { processMs: median(times), matrixMs: median(reads), photos };
  } finally {
    db.close();
  }
}

async function main(): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), 'eidos-bench-twin-'));
  try {
    const modelsDir = join(scratch, 'models');
    await fetchModel(ID, { generate: copyCachedTwin('int8') }, { modelsDir });
    const installed: InstalledModel = { model: resolveStore({ modelsDir }).model(ID), dir: join(modelsDir, ID) };
    const home = join(scratch, 'home');
    mkdirSync(home);
    symlinkSync(modelsDir, join(home, 'models'));
    const files = readdirSync(IMAGENET_DIR)
      .sort()
      .map((name) => join(IMAGENET_DIR, name));

    const index = indexChild(home, IMAGENET_DIR);
    const limit = await imageRate(installed, index.batchSize, 'worker');
    const plain = await transformersLoopRate(modelsDir, files, index.batchSize);
    const text = await textP50(installed);
    const serveRss = await idleServeRss(home);
    const small = searchTimes(home);
    const big = join(scratch, 'ten-thousand');
    for (let copy = 0; copy < 20; copy++) {
      mkdirSync(join(big, `copy-${copy}`), { recursive: true });
      for (const file of files) linkSync(file, join(big, `copy-${copy}`, file.split('/').at(-1) as string));
    }
    const bigIndex = indexChild(home, big);
    const large = searchTimes(home);

    const rate = perSecond(index);
    console.log(`${ID}, cpu, ${THREADS} threads, pipeline batch ${index.batchSize}`);
    console.log(
      `${'what'.padEnd(52)} ${'ours'.padStart(12)} ${'comparator'.padStart(12)} ${'ratio'.padStart(7)}  limit`,
    );
    const row = (what: string, ours: string, comparator: string, ratio: string, limitText: string): void =>
      console.log(
        `${what.padEnd(52)} ${ours.padStart(12)} ${comparator.padStart(12)} ${ratio.padStart(7)}  ${limitText}`,
      );
    row(
      'index 500 imagenet-dev, photos/s vs raw encoder',
      rate.toFixed(2),
      limit.toFixed(2),
      (rate / limit).toFixed(2),
      `≥ 0.85  ${verdict(rate >= 0.85 * limit)}`,
    );
    row(
      'index 500 imagenet-dev, photos/s vs transformers.js',
      rate.toFixed(2),
      plain.toFixed(2),
      (rate / plain).toFixed(2),
      `≥ 2     ${verdict(rate >= 2 * plain)}`,
    );
    row(
      'text query p50 ms vs raw text session',
      text.ours.toFixed(1),
      text.raw.toFixed(1),
      (text.ours / text.raw).toFixed(2),
      `≤ 1.2   ${verdict(text.ours <= 1.2 * text.raw)}`,
    );
    row(
      'peak RSS of eidos index (500 photos)',
      mb(index.maxRssBytes),
      '',
      '',
      `≤ 1.0 GB ${verdict(index.maxRssBytes <= GB)}`,
    );
    row(
      'peak RSS of idle eidos serve, model loaded',
      mb(serveRss.peak),
      '',
      '',
      `≤ 0.6 GB ${verdict(serveRss.peak <= 0.6 * GB)}`,
    );
    row(
      'RSS of idle eidos serve, model loaded (now)',
      mb(serveRss.idle),
      '',
      '',
      `≤ 0.6 GB ${verdict(serveRss.idle <= 0.6 * GB)}`,
    );
    row(
      `eidos search process ms, ${small.photos} photos (matrix read)`,
      small.processMs.toFixed(0),
      small.matrixMs.toFixed(1),
      '',
      'report',
    );
    row(
      `eidos search process ms, ${large.photos} photos (matrix read)`,
      large.processMs.toFixed(0),
      large.matrixMs.toFixed(1),
      '',
      'report',
    );
    console.log(
      `growth 500 → ${large.photos}: search process +${(large.processMs - small.processMs).toFixed(0)} ms, matrix read +${(large.matrixMs - small.matrixMs).toFixed(1)} ms; 10,000-photo index encoded ${bigIndex.summary.encoded} new photos in ${bigIndex.summary.seconds.toFixed(1)} s, peak RSS ${mb(bigIndex.maxRssBytes)}`,
    );
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

await main();
