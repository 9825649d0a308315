/**
 * What a minute of 1080p video costs to index, against the same machine's photo rate, in one run:
 *   limit: a minute of 1080p costs at most what 30 photos cost (issue 26).
 * The video: 60 s of H.264 1080p at 30 fps with one-second key frames, as phones write it, twelve scenes
 * of 5 s from imagenet-dev photos with film grain on every frame (so no frame is a copy of the last).
 * The photos: 40 phone-sized 12 MP JPEGs (imagenet-dev upscaled, quality 90: a minute of 1080p is a phone's
 * output, so is a 12 MP photo) with grain like the video's, so their files weigh what a phone's do; the same
 * without grain (as test/bench/index.ts makes them, a third of the bytes); and imagenet-dev's small
 * photos (about 0.2 MP) as the harder comparator. Each run is a fresh index in a child process under GNU time, whose CPU
 * figures include the ffmpeg and ffprobe children; a run over one photo measures what every run pays
 * (start, model load, scan), which is taken off both sides. A photo's cost includes its text pass (the
 * words read by PP-OCR, app/indexer/text-pass.ts), as indexing a photo does; a video's moments have no text
 * pass, so the grainy photos are also indexed without it, like for like.
 * Run: flock /tmp/eidos-bench.lock node bin/run-ts.js test/bench/video.ts
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import sharp from 'sharp';
import { syntheticModel } from './encoders.ts';
import type { ChildReport } from './index.ts';
import { writeSceneClip, type Scene } from '../helpers/video-clips.ts';

const REPO = resolve(import.meta.dirname, '../..');
const IMAGENET_DIR = resolve(REPO, '../shared/photos/imagenet-dev/images');

interface Measured {
  report: ChildReport;
  wallS: number;
  /** User + system CPU of the child and every process it waited for (ffmpeg, ffprobe). */
  cpuS: number;
}

function indexUnderTime(modelsDir: string, scratch: string, folder: string, readText = true): Measured {
  const home = mkdtempSync(join(scratch, 'home-'));
  symlinkSync(modelsDir, join(home, 'models'));
  const timeFile = join(scratch, 'time.txt');
  const out = execFileSync(
    '/usr/bin/time',
    [
      '-f',
      '%e %U %S',
      '-o',
      timeFile,
      process.execPath,
      join(REPO, 'bin/run-ts.js'),
      join(REPO, 'test/bench/index.ts'),
      '--child',
      home,
      folder,
      ...(readText ? [] : ['--no-text']),
    ],
    { encoding: 'utf8', maxBuffer: 1 << 24 },
  );
  rmSync(home, { recursive: true, force: true });
  const [wall, user, system] = execFileSync('tail', ['-1', timeFile], { encoding: 'utf8' })
    .trim()
    .split(' ')
    .map(Number);
  return {
    report: JSON.parse(out.trim().split('\n').at(-1) as string) as ChildReport,
    wallS: wall!,
    cpuS: user! + system!,
  };
}

async function writeMinuteOf1080p(photos: string[], out: string): Promise<void> {
  // Every scene the same size first: imagenet's photos differ, and a size change mid-stream makes ffmpeg
  // rebuild its filters, which drops the frames held so far (the clip then starts at 45 s, with no key
  // frame before: a clip no phone writes, decoded at the sparse-key-frame rate).
  const sceneDir = `${dirname(out)}-scenes`; // outside the indexed folder
  mkdirSync(sceneDir);
  const scenes: Scene[] = [];
  for (const [i, photo] of photos.slice(0, 12).entries()) {
    const image = join(sceneDir, `${i}.jpg`);
    await sharp(photo).resize({ width: 1920, height: 1080, fit: 'fill' }).jpeg({ quality: 95 }).toFile(image);
    scenes.push({ image, seconds: 5 });
  }
  await writeSceneClip(out, scenes, {
    codec: 'h264',
    width: 1920,
    height: 1080,
    fps: 30,
    gop: 30,
    // Film grain on every frame, and a phone's bit rate: the key frames weigh what a phone's do.
    filters: ['noise=alls=12:allf=t'],
    encoder: ['-c:v', 'libx264', '-preset', 'veryfast', '-b:v', '16M'],
    timeoutMs: 1_200_000,
  });
}

/**
 * 12 MP JPEGs at quality 90. Upscaled imagenet photos are smooth and come out at about 1.2 MB, a third
 * of what a phone writes (3 to 4 MB: sensor noise is detail to JPEG, and its entropy decoding costs by the
 * byte), so a `grain` run overlays Gaussian grain as the video's frames have (about 3.1 MB a photo).
 */
async function makeLargeJpegs(sources: string[], dir: string, grain: boolean): Promise<number> {
  mkdirSync(dir);
  const size = { width: 4000, height: 3000 };
  const noise = grain
    ? await sharp({
        create: {
          ...size,
          channels: 3,
          background: { r: 0, g: 0, b: 0 },
          noise: { type: 'gaussian', mean: 128, sigma: 12 },
        },
      })
        .raw()
        .toBuffer()
    : undefined;
  let bytes = 0;
  for (const [i, file] of sources.entries()) {
    let image = sharp(file).resize({ ...size, fit: 'fill' });
    if (noise)
      image = sharp(await image.raw().toBuffer(), { raw: { ...size, channels: 3 } }).composite([
        { input: noise, raw: { ...size, channels: 3 }, blend: 'overlay' },
      ]);
    const info = await image.jpeg({ quality: 90 }).toFile(join(dir, `large-${i}.jpg`));
    bytes += info.size;
  }
  return bytes / sources.length;
}

async function main(): Promise<void> {
  const imagenet = readdirSync(IMAGENET_DIR)
    .sort()
    .map((name) => join(IMAGENET_DIR, name));
  const scratch = mkdtempSync(join(tmpdir(), 'eidos-bench-video-'));
  const synthetic = await syntheticModel();
  try {
    const modelsDir = resolve(synthetic.dir, '..');
    const videoDir = join(scratch, 'video');
    mkdirSync(videoDir);
    await writeMinuteOf1080p(imagenet, join(videoDir, 'minute-1080p.mp4'));
    const oneDir = join(scratch, 'one');
    mkdirSync(oneDir);
    copyFileSync(imagenet[0]!, join(oneDir, 'one.jpg'));

    const grainyDir = join(scratch, 'grainy');
    const grainyBytes = await makeLargeJpegs(imagenet.slice(0, 40), grainyDir, true);
    const largeDir = join(scratch, 'large');
    const largeBytes = await makeLargeJpegs(imagenet.slice(0, 40), largeDir, false);

    const base = indexUnderTime(modelsDir, scratch, oneDir);
    const video = indexUnderTime(modelsDir, scratch, videoDir);
    const grainy = indexUnderTime(modelsDir, scratch, grainyDir);
    // The same photos without the text pass: a video's moments have none, so this is like for like.
    const baseNoText = indexUnderTime(modelsDir, scratch, oneDir, false);
    const grainyNoText = indexUnderTime(modelsDir, scratch, grainyDir, false);
    const large = indexUnderTime(modelsDir, scratch, largeDir);
    const small = indexUnderTime(modelsDir, scratch, IMAGENET_DIR);
    const perPhoto = (m: Measured, fixed = base) => {
      const n = m.report.summary.encoded;
      return { n, wall: (m.wallS - fixed.wallS) / (n - 1), cpu: (m.cpuS - fixed.cpuS) / (n - 1) };
    };
    const perMinute = { wall: video.wallS - base.wallS, cpu: video.cpuS - base.cpuS };
    const duration = Number(
      execFileSync(
        'ffprobe',
        ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', join(videoDir, 'minute-1080p.mp4')],
        { encoding: 'utf8' },
      ).trim(),
    );
    console.log(`synthetic-tiny; one ${duration.toFixed(1)} s H.264 1920×1080 clip (30 fps, key frame every 1 s)`);
    console.log(
      `fixed cost of a run (one photo): ${base.wallS.toFixed(2)} s wall, ${base.cpuS.toFixed(2)} s CPU (taken off every run)`,
    );
    console.log(`${''.padEnd(42)} ${'wall s'.padStart(8)} ${'CPU s'.padStart(8)} ${'video ÷ it'.padStart(20)}`);
    console.log(
      `${'a minute of 1080p video'.padEnd(42)} ${perMinute.wall.toFixed(3).padStart(8)} ${perMinute.cpu.toFixed(3).padStart(8)}`,
    );
    let met = true;
    let metNoText = true;
    for (const [label, m, fixed] of [
      [`30 × 12 MP JPEG, grain ${(grainyBytes / 1e6).toFixed(1)} MB`, grainy, base],
      [`  the same, words not read`, grainyNoText, baseNoText],
      [`30 × 12 MP JPEG, smooth ${(largeBytes / 1e6).toFixed(1)} MB`, large, base],
      ['30 × imagenet-dev (0.2 MP)', small, base],
    ] as const) {
      const p = perPhoto(m, fixed);
      const ratioWall = perMinute.wall / (30 * p.wall);
      const ratioCpu = perMinute.cpu / (30 * p.cpu);
      if (m === grainy) met = ratioWall <= 1 && ratioCpu <= 1;
      if (m === grainyNoText) metNoText = ratioWall <= 1 && ratioCpu <= 1;
      console.log(
        `${`${label} (of ${p.n})`.padEnd(42)} ${(30 * p.wall).toFixed(3).padStart(8)} ${(30 * p.cpu).toFixed(3).padStart(8)} ${`wall ${ratioWall.toFixed(2)}, CPU ${ratioCpu.toFixed(2)}`.padStart(20)}`,
      );
    }
    console.log(`limit: a minute of 1080p ≤ 30 phone photos (12 MP, with grain)  ${met ? 'met' : 'MISSED'}`);
    console.log(`        the same against photos whose words are not read  ${metNoText ? 'met' : 'MISSED'}`);
    console.log(
      `peak RSS: video ${(video.report.maxRssBytes / 2 ** 20).toFixed(0)} MB, 12 MP photos ${(grainy.report.maxRssBytes / 2 ** 20).toFixed(0)} MB`,
    );
  } finally {
    synthetic.dispose();
    rmSync(scratch, { recursive: true, force: true });
  }
}

await main();
