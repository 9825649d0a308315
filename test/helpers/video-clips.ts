/**
 * Clips with scenes at known times, written by Debian's ffmpeg (scripts/test-prerequisites.sh): each scene
 * is a still photo held for its seconds, so the truth of "what is on screen at t" is the list the test
 * wrote, independent of Eidos's decoder and sampler.
 */
import { execFile } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface Scene {
  image: string;
  seconds: number;
}

export interface ClipOptions {
  codec: 'h264' | 'hevc' | 'vp9';
  width: number;
  height: number;
  /** Key-frame interval in frames (phones use about one a second); the encoder's default when absent. */
  gop?: number;
  fps?: number;
  /** Degrees a player turns the picture clockwise (MP4/QuickTime display matrix), as a phone filming upright writes 90. */
  rotate?: 90 | 180 | 270;
  /** Filters for every frame after scaling, e.g. film grain (`noise=alls=12:allf=t`) so no frame repeats the last. */
  filters?: string[];
  /** Encoder arguments in place of the codec's quick defaults (a bench's preset and bit rate, as a phone writes). */
  encoder?: string[];
  /** How long ffmpeg may take (ms); 5 minutes when absent. */
  timeoutMs?: number;
}

/** Scene start times (s), in order. */
export const sceneStarts = (scenes: readonly Scene[]): number[] =>
  scenes.map((_, k) => scenes.slice(0, k).reduce((sum, scene) => sum + scene.seconds, 0));

export async function writeSceneClip(out: string, scenes: readonly Scene[], options: ClipOptions): Promise<void> {
  const list = `${out}.txt`;
  // The concat demuxer's `duration` holds each still; the last file is listed twice so its duration counts.
  const lines = scenes.flatMap((scene) => [
    `file '${scene.image.replaceAll("'", "'\\''")}'`,
    `duration ${scene.seconds}`,
  ]);
  writeFileSync(list, [...lines, `file '${scenes.at(-1)!.image.replaceAll("'", "'\\''")}'`, ''].join('\n'));
  const total = scenes.reduce((sum, scene) => sum + scene.seconds, 0);
  const quick = {
    h264: ['-c:v', 'libx264', '-preset', 'ultrafast'],
    hevc: ['-c:v', 'libx265', '-preset', 'ultrafast', '-tag:v', 'hvc1', '-x265-params', 'log-level=error'],
    vp9: ['-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '1M'],
  }[options.codec];
  const codec = options.encoder ?? quick;
  const filters = [
    `fps=${options.fps ?? 30}`,
    `scale=${options.width}:${options.height}`,
    ...(options.filters ?? []),
    'format=yuv420p',
  ];
  await run(
    'ffmpeg',
    [
      '-nostdin',
      '-v',
      'error',
      '-y',
      '-f',
      'concat',
      '-safe',
      '0',
      '-i',
      list,
      '-vf',
      filters.join(','),
      '-t',
      String(total),
      ...codec,
      ...(options.gop ? ['-g', String(options.gop)] : []),
      options.rotate !== undefined ? `${out}.upright${extname(out)}` : out,
    ],
    { timeout: options.timeoutMs ?? 300_000 },
  );
  if (options.rotate === undefined) return;
  // ffmpeg 5.1 writes a display matrix only when remuxing, from the `rotate` tag, which counts degrees
  // counter-clockwise (ffprobe then reads `rotation` equal to it): a clockwise turn of r is 360 − r.
  await run('ffmpeg', [
    '-nostdin',
    '-v',
    'error',
    '-y',
    '-i',
    `${out}.upright${extname(out)}`,
    '-c',
    'copy',
    '-metadata:s:v:0',
    `rotate=${(360 - options.rotate) % 360}`,
    out,
  ]);
  rmSync(`${out}.upright${extname(out)}`);
}
