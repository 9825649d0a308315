/**
 * Where the portable text reader spends its time (issue 23, part 2): per photo, the decode (read, EXIF,
 * shrink, the gate's resize), the detector's run, the classifier's runs, the recogniser's runs, and
 * the rest (the detector's resize when it looks at full size, probability map → boxes, line crops, CTC
 * decoding), each in wall and CPU milliseconds (CPU of the whole process, so onnxruntime's own threads
 * count). The reader runs in this thread, with the worker's settings and all the cores, one stage at a
 * time, so each stage's CPU is its own.
 * Run: node bin/run-ts.js test/bench/text-profile.ts [text-dev|text-test|flickr] [photos] [key=value settings…]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as ort from 'onnxruntime-node';
import { pixelsForReading } from '../../app/ocr/photo-pixels.ts';
import { PpOcrReader, type ReaderFiles } from '../../app/ocr/ppocr-reader.ts';
import { loadReaderFiles } from '../../app/ocr/reader-files.ts';
import { setResourceRoot } from '../../app/resources.ts';
import { labelledPhotos, settingsFrom, TEXT_SET } from './text-reading.ts';

const REPO = resolve(import.meta.dirname, '../..');
const FLICKR = resolve(REPO, '../shared/photos/flickr8k-1k/images');

type Stage = 'decode' | 'detection' | 'classifier' | 'recognition' | 'other';
const STAGES: Stage[] = ['decode', 'detection', 'classifier', 'recognition', 'other'];

interface Tally {
  wallMs: number;
  cpuMs: number;
  runs: number;
}

const tallies = new Map<Stage, Tally>(STAGES.map((s) => [s, { wallMs: 0, cpuMs: 0, runs: 0 }]));

const cpuNow = (): number => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

async function timed<T>(stage: Stage, work: () => Promise<T>): Promise<T> {
  const wall = performance.now();
  const cpu = cpuNow();
  try {
    return await work();
  } finally {
    const tally = tallies.get(stage)!;
    tally.wallMs += performance.now() - wall;
    tally.cpuMs += cpuNow() - cpu;
    tally.runs++;
  }
}

/**
 * Each session the reader opens timed under its stage, told by the model file it is made from (the
 * recogniser and the classifier load on first use, in whichever order the photos need them).
 */
function timeSessions(files: ReaderFiles): void {
  const stageOf = new Map<unknown, Stage>([
    [files.detection, 'detection'],
    [files.recognition, 'recognition'],
    [files.classifier, 'classifier'],
  ]);
  const create = ort.InferenceSession.create.bind(ort.InferenceSession) as (
    ...args: unknown[]
  ) => Promise<ort.InferenceSession>;
  (ort.InferenceSession as unknown as { create: typeof create }).create = (...args: unknown[]) => {
    const stage = stageOf.get(args[0]) ?? 'other';
    return create(...args).then((session) => {
      const run = session.run.bind(session) as (...a: unknown[]) => Promise<ort.InferenceSession.ReturnType>;
      (session as unknown as { run: typeof run }).run = (...a: unknown[]) => timed(stage, () => run(...a));
      return session;
    });
  };
}

function photosOf(set: string, count: number): string[] {
  if (set === 'flickr')
    return readdirSync(FLICKR)
      .sort()
      .slice(0, count)
      .map((name) => join(FLICKR, name));
  const split = set === 'text-test' ? 'test' : 'dev';
  return labelledPhotos(split)
    .slice(0, count)
    .map((photo) => join(TEXT_SET, photo.file));
}

async function main(): Promise<void> {
  setResourceRoot(REPO);
  const set = process.argv[2] ?? 'text-dev';
  const count = Number(process.argv[3] ?? 40);
  const args = process.argv.slice(4);
  // threads=N: onnxruntime's intra-op threads (default: all the cores, as the one text worker has).
  const threads = Number(args.find((a) => a.startsWith('threads='))?.slice(8) ?? availableParallelism());
  const settings = settingsFrom(args.filter((a) => !a.startsWith('threads=')));
  const files = await loadReaderFiles();
  timeSessions(files);
  const reader = await PpOcrReader.open(files, threads, settings);
  const photos = photosOf(set, count);
  let lines = 0;
  let detected = 0;
  let withBoxes = 0;
  // The first photo warms the sessions up and is not counted.
  for (const [i, file] of photos.entries()) {
    if (i === 1) for (const tally of tallies.values()) Object.assign(tally, { wallMs: 0, cpuMs: 0, runs: 0 });
    const bytes = readFileSync(file);
    const pixels = await timed('decode', () =>
      pixelsForReading(file, bytes, settings.detectorLimit, settings.gateScale),
    );
    const wall = performance.now();
    const cpu = cpuNow();
    const before = STAGES.map((s) => ({ ...tallies.get(s)! }));
    const read = await reader.read(pixels.image, pixels.displayedWidth, pixels.displayedHeight, pixels.gate);
    // What the sessions did not take of the read is the reader's own JavaScript.
    const other = tallies.get('other')!;
    const sessionsWall = STAGES.reduce((sum, s, k) => sum + tallies.get(s)!.wallMs - before[k]!.wallMs, 0);
    const sessionsCpu = STAGES.reduce((sum, s, k) => sum + tallies.get(s)!.cpuMs - before[k]!.cpuMs, 0);
    other.wallMs += performance.now() - wall - sessionsWall;
    other.cpuMs += cpuNow() - cpu - sessionsCpu;
    other.runs++;
    if (i > 0) {
      lines += read.lines.length;
      detected += read.detected;
      if (read.detected > 0) withBoxes++;
    }
  }
  await reader.release();
  const counted = photos.length - 1;
  console.log(
    `text reader profile: ${set}, ${counted} photos (after one to warm up), ${threads} threads on ${availableParallelism()} cores; ` +
      `${withBoxes} with boxes, ${(detected / counted).toFixed(1)} boxes and ${(lines / counted).toFixed(1)} lines read a photo`,
  );
  console.log('  stage          wall ms/photo   CPU ms/photo   runs/photo   CPU ms/run');
  let wallTotal = 0;
  let cpuTotal = 0;
  for (const stage of STAGES) {
    const t = tallies.get(stage)!;
    wallTotal += t.wallMs;
    cpuTotal += t.cpuMs;
    console.log(
      `  ${stage.padEnd(12)} ${(t.wallMs / counted).toFixed(1).padStart(12)} ${(t.cpuMs / counted).toFixed(1).padStart(14)} ` +
        `${(t.runs / counted).toFixed(1).padStart(12)} ${(t.runs ? t.cpuMs / t.runs : 0).toFixed(1).padStart(12)}`,
    );
  }
  console.log(
    `  ${'total'.padEnd(12)} ${(wallTotal / counted).toFixed(1).padStart(12)} ${(cpuTotal / counted).toFixed(1).padStart(14)}`,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
