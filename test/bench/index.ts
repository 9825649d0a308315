/**
 * Whole-pipeline indexing speed and memory, measured in one run against
 *   (a) the limit: the encoder alone on ready tensors at the pipeline's batch size (worker route), and
 *   (b) the comparator: the straightforward loop a JS developer would write with transformers.js
 *       (one photo at a time: RawImage.read → CLIPImageProcessor → one session.run, same ONNX file).
 * Photo sets: ../shared/photos/imagenet-dev, ~40 12-megapixel JPEGs upscaled from it (quality 90), and
 * 1000 photos (imagenet-dev twice) for peak RSS. Each pipeline run is a fresh index in a child process
 * (`--child`), which reports its own summary and max RSS.
 * Run: node bin/run-ts.js test/bench/index.ts [count12mp=40]
 */
import { execFileSync } from 'node:child_process';
import {
  appendFileSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CLIPImageProcessor, RawImage } from '@huggingface/transformers';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { Engine } from '../../app/service/engine.ts';
import type { IndexSummary } from '../../app/indexer/pipeline.ts';
import { imageRate, syntheticModel, type InstalledModel } from './encoders.ts';

const REPO = resolve(import.meta.dirname, '../..');
const IMAGENET_DIR = resolve(REPO, '../shared/photos/imagenet-dev/images');
const GIGABYTE = 1024 ** 3;

export interface ChildReport {
  summary: IndexSummary;
  batchSize: number;
  maxRssBytes: number;
  /** User + system CPU of the whole child (all threads), in ms: steadier than wall time on a shared machine. */
  cpuMs: number;
}

/**
 * This process's own peak resident memory. On Linux that is VmHWM: getrusage's maxRSS of a spawned child
 * also counts its parent's resident memory at the spawn (the kernel keeps the larger of the pre-exec and
 * the new peak), so a bench parent holding a model's files or sessions inflated it (a parent of 800 MB
 * made a child whose VmHWM was 39 MB report 803 MB). Elsewhere (no /proc) getrusage's, in kilobytes.
 */
function peakRssBytes(maxRssKilobytes: number): number {
  if (!existsSync('/proc/self/status')) return maxRssKilobytes * 1024;
  const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return hwm ? Number(hwm[1]) * 1024 : maxRssKilobytes * 1024;
}

/**
 * Child mode: index one folder into a fresh home and print what the parent measures. `readText` false: the
 * run leaves out the text pass (a comparator without it, e.g. test/bench/video.ts).
 */
async function runChild(home: string, folder: string, readText = true): Promise<void> {
  const engine = Engine.open({ home, readText });
  try {
    engine.addFolders([folder]);
    const { batchSize } = await engine.tower('vision');
    // As `eidos index` runs it (app/cli/commands/index-command.ts): one shot, the vision tower released before the prior.
    const summary = await engine.index({ oneShot: true });
    // CPU times in microseconds (libuv's getrusage).
    const usage = process.resourceUsage();
    const report: ChildReport = {
      summary,
      batchSize,
      maxRssBytes: peakRssBytes(usage.maxRSS),
      cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000,
    };
    console.log(JSON.stringify(report));
  } finally {
    await engine.close();
  }
}

/** `eidos index` of `folder` as a one-shot run in a fresh home, in a child process, without reading text (perSecond). */
export function indexInChild(modelsDir: string, scratch: string, folder: string): ChildReport {
  const home = mkdtempSync(join(scratch, 'home-'));
  symlinkSync(modelsDir, join(home, 'models'));
  const out = execFileSync(
    process.execPath,
    [join(REPO, 'bin/run-ts.js'), join(REPO, 'test/bench/index.ts'), '--child', home, folder, '--no-text'],
    { encoding: 'utf8', maxBuffer: 1 << 24 },
  );
  rmSync(home, { recursive: true, force: true });
  return JSON.parse(out.trim().split('\n').at(-1) as string) as ChildReport;
}

/** The comparator: one photo at a time through transformers.js's reader and processor, then ONNX. */
async function straightforwardRate(installed: InstalledModel, files: string[]): Promise<number> {
  const processor = new CLIPImageProcessor(
    JSON.parse(readFileSync(join(installed.dir, 'preprocessor_config.json'), 'utf8')),
  );
  const session = await ort.InferenceSession.create(join(installed.dir, 'onnx/vision_model.onnx'));
  const embed = async (file: string): Promise<void> => {
    const { pixel_values } = await processor(await RawImage.read(file));
    await session.run({
      pixel_values: new ort.Tensor('float32', pixel_values.data as Float32Array, pixel_values.dims as number[]),
    });
  };
  try {
    await embed(files[0] as string); // warm-up
    const start = performance.now();
    for (const file of files) await embed(file);
    return files.length / ((performance.now() - start) / 1000);
  } finally {
    await session.release();
  }
}

async function makeLargeJpegs(sources: string[], dir: string): Promise<void> {
  mkdirSync(dir);
  for (const [i, file] of sources.entries()) {
    await sharp(file)
      .resize({ width: 4000, height: 3000, fit: 'fill' })
      .jpeg({ quality: 90 })
      .toFile(join(dir, `large-${i}.jpg`));
  }
}

/** imagenet-dev twice; the second copy gets a trailing byte after the JPEG end marker, so its content
 *  hash differs and all 1000 photos are decoded and embedded (identical copies would reuse vectors). */
function makeThousand(sources: string[], dir: string): void {
  for (const copy of ['a', 'b']) {
    mkdirSync(join(dir, copy), { recursive: true });
    for (const file of sources) {
      const target = join(dir, copy, basename(file));
      copyFileSync(file, target);
      if (copy === 'b') appendFileSync(target, Buffer.from([0]));
    }
  }
}

/**
 * Photos/s of the image work (scan, decode, hash, thumbnails, embed, write) of a run that reads no text
 * (indexInChild): the encoder limit and the comparator read none either, and a run that reads text looks
 * for it inside its image pass (issue 23, app/ocr/text-gate.ts), so its text work cannot be taken out afterwards.
 */
export const perSecond = (r: ChildReport): number => r.summary.encoded / r.summary.seconds;
const mb = (bytes: number): string => `${(bytes / 1024 ** 2).toFixed(0)} MB`;
const verdict = (ok: boolean): string => (ok ? 'met' : 'MISSED');

async function main(): Promise<void> {
  const count12mp = Number(process.argv[2] ?? 40);
  const imagenet = readdirSync(IMAGENET_DIR)
    .sort()
    .map((name) => join(IMAGENET_DIR, name));
  const scratch = mkdtempSync(join(tmpdir(), 'eidos-bench-index-'));
  const synthetic = await syntheticModel();
  try {
    const largeDir = join(scratch, 'large');
    await makeLargeJpegs(imagenet.slice(0, count12mp), largeDir);
    const large = readdirSync(largeDir)
      .sort()
      .map((name) => join(largeDir, name));
    const thousandDir = join(scratch, 'thousand');
    makeThousand(imagenet, thousandDir);
    const modelsDir = resolve(synthetic.dir, '..');

    const onImagenet = indexInChild(modelsDir, scratch, IMAGENET_DIR);
    const onLarge = indexInChild(modelsDir, scratch, largeDir);
    const onThousand = indexInChild(modelsDir, scratch, thousandDir);
    const limit = await imageRate(synthetic, onImagenet.batchSize, 'worker');
    const plainImagenet = await straightforwardRate(synthetic, imagenet);
    const plainLarge = await straightforwardRate(synthetic, large);

    console.log(
      `synthetic-tiny, pipeline batch ${onImagenet.batchSize}, UV_THREADPOOL_SIZE ${process.env.UV_THREADPOOL_SIZE ?? 'default'}, sharp concurrency ${sharp.concurrency()}`,
    );
    console.log(
      `limit: encoder alone on ready tensors (worker, batch ${onImagenet.batchSize})  ${limit.toFixed(1)} img/s`,
    );
    const rows: Array<[string, ChildReport, number | undefined]> = [
      [`imagenet-dev (${imagenet.length})`, onImagenet, plainImagenet],
      [`12 MP JPEG (${large.length})`, onLarge, plainLarge],
      [`imagenet-dev ×2 (1000)`, onThousand, undefined],
    ];
    console.log(
      `${'photos'.padEnd(22)} ${'pipeline img/s'.padStart(15)} ${'÷ limit'.padStart(8)} ${'straightforward'.padStart(16)} ${'ours ÷ it'.padStart(10)} ${'peak RSS'.padStart(9)} ${'CPU ms/photo'.padStart(13)}  encoded/skipped`,
    );
    for (const [label, r, plain] of rows) {
      const rateText = perSecond(r).toFixed(1);
      console.log(
        `${label.padEnd(22)} ${rateText.padStart(15)} ${(perSecond(r) / limit).toFixed(2).padStart(8)} ${(plain === undefined ? '–' : plain.toFixed(1)).padStart(16)} ${(plain === undefined ? '–' : `${(perSecond(r) / plain).toFixed(2)}×`).padStart(10)} ${mb(r.maxRssBytes).padStart(9)} ${(r.cpuMs / r.summary.encoded).toFixed(1).padStart(13)}  ${r.summary.encoded}/${r.summary.skipped}`,
      );
    }
    console.log('targets:');
    console.log(
      `  pipeline ≥ 0.85 × encoder limit (imagenet-dev)   ${(perSecond(onImagenet) / limit).toFixed(2)}  ${verdict(perSecond(onImagenet) >= 0.85 * limit)}`,
    );
    console.log(
      `  pipeline ≥ 2 × straightforward on 12 MP JPEGs    ${(perSecond(onLarge) / plainLarge).toFixed(2)}  ${verdict(perSecond(onLarge) >= 2 * plainLarge)}`,
    );
    console.log(
      `  peak RSS < 1 GB for 1000 photos                  ${mb(onThousand.maxRssBytes)}  ${verdict(onThousand.maxRssBytes < GIGABYTE)}`,
    );
  } finally {
    synthetic.dispose();
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  if (process.argv[2] === '--child')
    await runChild(process.argv[3] as string, process.argv[4] as string, process.argv[5] !== '--no-text');
  else await main();
}
