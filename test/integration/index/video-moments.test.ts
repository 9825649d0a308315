import { copyFileSync, mkdirSync } from 'node:fs';
import Database from 'better-sqlite3';
import { indexPath } from '../../../app/paths.ts';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SearchResponse } from '../../../app/contract/types.ts';
import { writePhotoSet } from '../../../models/synthetic/photos.ts';
import type { LabelRow } from '../../../models/synthetic/labels.ts';
import { indexFolder, makeHome, runEidos, status, type Status } from '../../helpers/eidos-cli.ts';
import { sceneStarts, writeSceneClip, type Scene } from '../../helpers/video-clips.ts';

// Clips with scenes at known times (each scene one synthetic photo held for its seconds, written by
// ffmpeg), in a library with the rest of the photo set. The synthetic model's world gives the truth: a
// scene's description ranks that scene's photo first in its set (models/synthetic/labels.ts), so it must
// find the clip at the moment that scene starts, within ±1 s. Three clips cover the decoder's two ways
// of choosing frames: H.264 and HEVC with phone-like one-second key frames (the key frames decoded alone,
// HEVC turned 90° as an upright phone films it), and VP9 with the encoder's sparse key frames (two frames
// a second decoded from every frame).
const SECONDS = [3, 4.5, 3.5, 5, 4];
const SCENE_PHOTOS = [0, 1, 2, 3, 4];

let env: Awaited<ReturnType<typeof makeHome>>;
let labels: LabelRow[];
let scenes: Scene[];
let after: Status;
const clips = { h264: 'scenes-h264.mp4', hevc: 'scenes-hevc-rot90.mov', vp9: 'scenes-vp9.webm' } as const;

const search = async (args: string[]): Promise<SearchResponse> => {
  const result = await runEidos(env.home, ['search', ...args, '--json']);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as SearchResponse;
};

beforeAll(async () => {
  env = await makeHome();
  const set = join(env.scratch, '..', 'set');
  labels = await writePhotoSet(set, { count: 30, width: 640, height: 360, seed: 11 });
  scenes = SCENE_PHOTOS.map((k, i) => ({ image: join(set, labels[k]!.relative_path), seconds: SECONDS[i]! }));
  // The library: the clips and every photo of the set that is not a scene.
  labels.forEach((label, k) => {
    if (!SCENE_PHOTOS.includes(k)) copyFileSync(join(set, label.relative_path), join(env.scratch, `photo-${k}.jpg`));
  });
  mkdirSync(join(env.scratch, 'clips'));
  const size = { width: 640, height: 360 };
  await Promise.all([
    writeSceneClip(join(env.scratch, 'clips', clips.h264), scenes, { codec: 'h264', ...size, gop: 30 }),
    writeSceneClip(join(env.scratch, 'clips', clips.hevc), scenes, { codec: 'hevc', ...size, gop: 30, rotate: 90 }),
    writeSceneClip(join(env.scratch, 'clips', clips.vp9), scenes, { codec: 'vp9', ...size }),
  ]);
  await indexFolder(env.home, env.scratch);
  after = await status(env.home);
}, 300_000);
afterAll(() => env?.dispose());

describe('moments in videos, against scenes at known times', () => {
  it('indexes the three clips and the photos, skipping nothing', () => {
    expect(after.skipped.total).toBe(0);
    expect(after.indexed).toBe(labels.length - SCENE_PHOTOS.length + 3);
  });

  it('finds each scene of the H.264 and VP9 clips at the second it starts (±1 s), once per clip', async () => {
    const starts = sceneStarts(scenes);
    for (const [k, photo] of SCENE_PHOTOS.entries()) {
      const response = await search([labels[photo]!.description, '--type', 'video']);
      for (const clip of [clips.h264, clips.vp9]) {
        const hits = response.results.filter((r) => r.path.endsWith(clip));
        expect(hits.length, `${clip} for scene ${k}`).toBe(1);
        expect(Math.abs(hits[0]!.moment!.timeMs / 1000 - starts[k]!), `${clip} scene ${k}`).toBeLessThanOrEqual(1);
        expect(hits[0]!.video?.durationMs).toBeCloseTo(SECONDS.reduce((a, b) => a + b) * 1000, -2);
      }
    }
  }, 120_000);

  it('keeps a moment at each scene of the turned HEVC clip (±1 s), stored upright (portrait)', async () => {
    const db = new Database(indexPath(env.home), { readonly: true });
    const times = (
      db
        .prepare(
          "SELECT m.time_ms FROM files f JOIN video_moments m ON m.content_hash = f.content_hash WHERE f.path LIKE '%' || ? ORDER BY m.time_ms",
        )
        .pluck()
        .all(clips.hevc) as number[]
    ).map((ms) => ms / 1000);
    db.close();
    for (const start of sceneStarts(scenes))
      expect(
        times.some((t) => Math.abs(t - start) <= 1),
        `${start} in ${times}`,
      ).toBe(true);
    // The turned clip's frames are portrait, so the model sees another crop than the scene photo's: its
    // place in a ranking is not the truth here, its size is.
    const response = await search([labels[SCENE_PHOTOS[0]!]!.description, '--type', 'video', '--all']);
    const hit = response.results.find((r) => r.path.endsWith(clips.hevc))!;
    expect([hit.width, hit.height]).toEqual([360, 640]);
  }, 120_000);

  it('ranks the scene photo’s clip first among photos and videos, and prints it as path @ m:ss', async () => {
    const starts = sceneStarts(scenes);
    const k = 3;
    const result = await runEidos(env.home, ['search', labels[SCENE_PHOTOS[k]!]!.description, '--top', '3']);
    expect(result.code, result.stderr).toBe(0);
    const first = result.stdout.split('\n')[0]!;
    const [, path, time] = /bits {2}(.*) @ (\d+:\d\d)$/.exec(first) ?? [];
    expect(
      [clips.h264, clips.vp9, clips.hevc].some((clip) => path?.endsWith(clip)),
      first,
    ).toBe(true);
    const [m, s] = time!.split(':').map(Number);
    expect(Math.abs(m! * 60 + s! - starts[k]!)).toBeLessThanOrEqual(1);
  }, 60_000);

  it('keeps videos out of a photo-only search', async () => {
    const response = await search([labels[SCENE_PHOTOS[1]!]!.description, '--type', 'photo', '--all']);
    expect(response.results.length).toBeGreaterThan(0);
    expect(response.results.every((r) => r.moment === undefined && r.path.endsWith('.jpg'))).toBe(true);
  }, 60_000);

  it('reads the words in the photos, not in the videos', () => {
    const db = new Database(indexPath(env.home), { readonly: true });
    const readIn = (kind: 'video' | 'photo') =>
      db
        .prepare(
          `SELECT count(*) FROM files f JOIN photo_text t ON t.content_hash = f.content_hash
            WHERE ${kind === 'video' ? '' : 'NOT '}EXISTS (SELECT 1 FROM videos v WHERE v.content_hash = f.content_hash)`,
        )
        .pluck()
        .get() as number;
    const [videos, photos] = [readIn('video'), readIn('photo')];
    db.close();
    expect(photos).toBe(labels.length - SCENE_PHOTOS.length);
    expect(videos).toBe(0);
  });

  it('reads nothing again on a second run', async () => {
    const again = await indexFolder(env.home, env.scratch);
    expect(again.encoded).toBe(0);
    expect(again.unchanged).toBe(labels.length - SCENE_PHOTOS.length + 3);
  }, 120_000);
});
