/**
 * The cost of reading the words in photos while indexing (issue 23, part 2), measured in one run with the
 * CLIP ViT-B/32 int8 architecture twin (the default model's size):
 *   - `eidos index` of ../shared/photos/flickr8k-1k (1000 photos, few with text) into a fresh index, with
 *     text reading and without (Engine option readText), each in a child process and one-shot as `eidos index`
 *     runs it (each model released once its part is done; the vision tower before the text pass): with ≤ 1.25 × without,
 *     compared by wall time and by CPU time (steadier on a shared machine); peak RSS of each ≤ 1 GB;
 *   - the text pass alone on text-in-photos (160 photos, all with text): ms per photo, wall and CPU, against
 *     400 ms on 2 cores.
 * Run (alone on the machine): flock /tmp/eidos-bench.lock node bin/run-ts.js test/bench/text-index.ts [flickr photos=1000] [text photos=160]
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { fetchModel } from '../../app/models/store.ts';
import { Engine } from '../../app/service/engine.ts';
import { copyCachedTwin } from '../../models/clip-twin/twin-cache.ts';
import type { ChildReport } from './index.ts';

const REPO = resolve(import.meta.dirname, '../..');
const FLICKR = resolve(REPO, '../shared/photos/flickr8k-1k/images');
const TEXT_SET = resolve(REPO, '../shared/photos/text-in-photos/images');
const ID = 'clip-vit-b32-int8-twin';
const GB = 1e9;

interface TextChildReport extends ChildReport {
  textSeconds?: number;
  /** CPU time of the text pass, all threads of the process (steadier than wall on a shared machine). */
  textCpuMs?: number;
  /** Wall and CPU time of the image pass (from the first photo to the last vector written; with text, the gate's looks too). */
  imageSeconds?: number;
  imageCpuMs?: number;
}

const cpuMsNow = (): number => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

/** Child mode: index one folder into a fresh home, with or without reading text, and print what the parent measures. */
async function runChild(home: string, folder: string, readText: boolean): Promise<void> {
  const engine = Engine.open({ home, model: ID, readText });
  try {
    engine.addFolders([folder]);
    const { batchSize } = await engine.tower('vision');
    let textStarted: number | undefined;
    let textEnded: number | undefined;
    let textCpuStarted = 0;
    let textCpuMs: number | undefined;
    let imageStarted: number | undefined;
    let imageCpuStarted = 0;
    let imageSeconds: number | undefined;
    let imageCpuMs: number | undefined;
    // As `eidos index` runs it (without --watch): each model released once its part is done.
    const summary = await engine.index({
      oneShot: true,
      onProgress: (p) => {
        if (p.phase === 'indexing' && imageStarted === undefined) {
          imageStarted = performance.now();
          imageCpuStarted = cpuMsNow();
        }
        if (
          p.phase !== 'indexing' &&
          p.phase !== 'scanning' &&
          imageStarted !== undefined &&
          imageSeconds === undefined
        ) {
          imageSeconds = (performance.now() - imageStarted) / 1000;
          imageCpuMs = cpuMsNow() - imageCpuStarted;
        }
        if (p.phase === 'reading-text' && textStarted === undefined) {
          textStarted = performance.now();
          textCpuStarted = cpuMsNow();
        }
        // The pass ends where the run finishes (before the engine computes the concept prompts and the prior).
        if (p.phase === 'finishing' && textEnded === undefined) {
          textEnded = performance.now();
          if (textStarted !== undefined) textCpuMs = cpuMsNow() - textCpuStarted;
        }
      },
    });
    const textSeconds =
      textStarted === undefined || textEnded === undefined ? undefined : (textEnded - textStarted) / 1000;
    const usage = process.resourceUsage();
    const report: TextChildReport = {
      summary,
      batchSize,
      maxRssBytes: usage.maxRSS * 1024,
      cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000,
      ...(textSeconds === undefined ? {} : { textSeconds }),
      ...(textCpuMs === undefined ? {} : { textCpuMs }),
      ...(imageSeconds === undefined ? {} : { imageSeconds }),
      ...(imageCpuMs === undefined ? {} : { imageCpuMs }),
    };
    console.log(JSON.stringify(report));
  } finally {
    await engine.close();
  }
}

function indexInChild(modelsDir: string, scratch: string, folder: string, readText: boolean): TextChildReport {
  const home = mkdtempSync(join(scratch, 'home-'));
  symlinkSync(modelsDir, join(home, 'models'));
  const out = execFileSync(
    process.execPath,
    [join(REPO, 'bin/run-ts.js'), join(REPO, 'test/bench/text-index.ts'), '--child', home, folder, String(readText)],
    { encoding: 'utf8', maxBuffer: 1 << 24 },
  );
  rmSync(home, { recursive: true, force: true });
  return JSON.parse(out.trim().split('\n').at(-1) as string) as TextChildReport;
}

const verdict = (ok: boolean): string => (ok ? 'met' : 'MISSED');
const mb = (bytes: number): string => `${(bytes / 1024 ** 2).toFixed(0)} MB`;

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 1000);
  // Photos of text-in-photos read (half receipts, half scenes).
  const textCount = Number(process.argv[3] ?? 160);
  const scratch = mkdtempSync(join(tmpdir(), 'eidos-bench-text-'));
  try {
    const modelsDir = join(scratch, 'models');
    await fetchModel(ID, { generate: copyCachedTwin('int8') }, { modelsDir });
    const library = join(scratch, 'flickr');
    mkdirSync(library);
    // Copies: the scan never follows a link out of the library.
    for (const name of readdirSync(FLICKR).sort().slice(0, count))
      copyFileSync(join(FLICKR, name), join(library, name));

    // Alternated, so a change in the machine's load falls on both.
    const without = indexInChild(modelsDir, scratch, library, false);
    const withText = indexInChild(modelsDir, scratch, library, true);
    const wallRatio = withText.summary.seconds / without.summary.seconds;
    const cpuRatio = withText.cpuMs / without.cpuMs;
    console.log(`flickr8k-1k, ${withText.summary.encoded} photos, ${ID}, ${availableParallelism()} cores`);
    console.log(
      `  eidos index without text: ${without.summary.seconds.toFixed(1)} s wall, ${(without.cpuMs / 1000).toFixed(1)} s CPU, peak RSS ${mb(without.maxRssBytes)}`,
    );
    console.log(
      `  eidos index with text:    ${withText.summary.seconds.toFixed(1)} s wall (text pass ${withText.textSeconds?.toFixed(1)} s, ${((withText.textCpuMs ?? 0) / 1000).toFixed(1)} s CPU), ${(withText.cpuMs / 1000).toFixed(1)} s CPU, peak RSS ${mb(withText.maxRssBytes)}; ` +
        `${withText.summary.text?.read} photos read, ${withText.summary.text?.failed} failed`,
    );
    const imagePass = (report: TextChildReport): string =>
      `${report.imageSeconds?.toFixed(1)} s wall, ${((report.imageCpuMs ?? 0) / 1000).toFixed(1)} s CPU`;
    console.log(`  the image pass: ${imagePass(without)} without text; ${imagePass(withText)} with (the gate's looks)`);
    console.log(
      `  with / without: ${wallRatio.toFixed(2)} × wall, ${cpuRatio.toFixed(2)} × CPU  (target ≤ 1.25 ×: ${verdict(wallRatio <= 1.25)} by wall, ${verdict(cpuRatio <= 1.25)} by CPU)`,
    );
    console.log(
      `  peak RSS with text ${mb(withText.maxRssBytes)}  (target ≤ 1 GB: ${verdict(withText.maxRssBytes <= GB)})`,
    );

    const textLibrary = join(scratch, 'texts');
    mkdirSync(textLibrary);
    for (const kind of ['receipt', 'scene'])
      for (const name of readdirSync(join(TEXT_SET, kind))
        .sort()
        .slice(0, textCount / 2))
        copyFileSync(join(TEXT_SET, kind, name), join(textLibrary, `${kind}-${name}`));
    const texts = indexInChild(modelsDir, scratch, textLibrary, true);
    const photos = texts.summary.encoded;
    const perPhotoWall = ((texts.textSeconds ?? 0) * 1000) / photos;
    const cores = availableParallelism();
    const perPhotoCpu = (texts.textCpuMs ?? 0) / photos;
    console.log(
      `text-in-photos, ${photos} photos with text: the text pass ${perPhotoWall.toFixed(0)} ms per photo (wall, ${cores} cores)  (target ≤ 400 ms: ${verdict(perPhotoWall <= 400)}); peak RSS ${mb(texts.maxRssBytes)}`,
    );
    console.log(
      `  its CPU: ${perPhotoCpu.toFixed(0)} ms per photo, i.e. ${(perPhotoCpu / cores).toFixed(0)} ms on ${cores} cores fully used  (against 400 ms: ${verdict(perPhotoCpu / cores <= 400)})`,
    );
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  if (process.argv[2] === '--child')
    await runChild(process.argv[3] as string, process.argv[4] as string, process.argv[5] === 'true');
  else await main();
}
