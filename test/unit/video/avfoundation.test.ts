import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nativeVideoFrames } from '../../../app/kernels/index.ts';
import { avFoundationDecoder } from '../../../app/video/avfoundation-decoder.ts';
import { FfmpegDecoder, findFfmpeg } from '../../../app/video/ffmpeg-decoder.ts';
import { colourLayout, layoutChange } from '../../../app/video/moment-sampler.ts';
import type { VideoDecoder, VideoFrame } from '../../../app/video/video-decoder.ts';
import { sceneStarts, writeSceneClip, type Scene } from '../../helpers/video-clips.ts';

// macOS (the macos workflow): AVFoundation's reading of a clip against the portable reference, ffmpeg, on
// clips ffmpeg writes with scenes at known times: the same duration, rotation and displayed size, and at
// each scene's middle a frame whose colour layout matches ffmpeg's. Elsewhere there is nothing to compare.
const available = process.platform === 'darwin' && nativeVideoFrames() !== undefined && findFfmpeg() !== undefined;

let dir: string;
let scenes: Scene[];
const colours = ['#d02020', '#20a040', '#2040d0', '#e0c020'];

beforeAll(async () => {
  if (!available) return;
  dir = mkdtempSync(join(tmpdir(), 'eidos-avf-'));
  scenes = [];
  for (const [k, colour] of colours.entries()) {
    const image = join(dir, `scene-${k}.png`);
    await sharp({ create: { width: 640, height: 360, channels: 3, background: colour } })
      .composite([
        { input: { create: { width: 160, height: 90, channels: 3, background: '#ffffff' } }, left: 40 * k, top: 20 },
      ])
      .png()
      .toFile(image);
    scenes.push({ image, seconds: 2 });
  }
  await writeSceneClip(join(dir, 'upright.mp4'), scenes, { codec: 'h264', width: 640, height: 360, gop: 30 });
  await writeSceneClip(join(dir, 'turned.mov'), scenes, {
    codec: 'hevc',
    width: 640,
    height: 360,
    gop: 30,
    rotate: 90,
  });
}, 120_000);
afterAll(() => dir && rmSync(dir, { recursive: true, force: true }));

async function frameNear(decoder: VideoDecoder, file: string, seconds: number): Promise<VideoFrame> {
  const info = await decoder.probe(file);
  let best: VideoFrame | undefined;
  for await (const frame of decoder.frames(file, info, { selection: { kind: 'rate', perSecond: 2 }, shortEdge: 224 }))
    if (!best || Math.abs(frame.timeSeconds - seconds) < Math.abs(best.timeSeconds - seconds)) best = frame;
  return best!;
}

describe.skipIf(!available)('AVFoundation reads videos as the portable ffmpeg path does', () => {
  for (const name of ['upright.mp4', 'turned.mov']) {
    it(`${name}: duration, rotation, size and the picture of every scene`, async () => {
      const avf = avFoundationDecoder()!;
      const ffmpeg = new FfmpegDecoder(findFfmpeg()!);
      const file = join(dir, name);
      const [a, b] = [await avf.probe(file), await ffmpeg.probe(file)];
      expect(a.rotation).toBe(b.rotation);
      expect([a.width, a.height]).toEqual([b.width, b.height]);
      expect(Math.abs(a.durationSeconds - b.durationSeconds)).toBeLessThan(0.05);
      for (const start of sceneStarts(scenes)) {
        const [x, y] = [await frameNear(avf, file, start + 1), await frameNear(ffmpeg, file, start + 1)];
        expect([x.width, x.height]).toEqual([y.width, y.height]);
        expect(
          layoutChange(colourLayout(x.data, x.width, x.height), colourLayout(y.data, y.width, y.height)),
        ).toBeLessThan(0.05);
      }
    }, 120_000);
  }
});
