import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, symlinkSync, type Dirent } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { indexPath } from '../../../app/paths.ts';
import { isVideoFile } from '../../../app/video/video-formats.ts';
import { EIDOS, indexFolder, makeHome, PHOTOS, status, type Status } from '../../helpers/eidos-cli.ts';

// The real clips of ../shared/photos/video-edge (phones and cameras as they write them) and its damaged
// files. The truth per file is its row in video-edge/SOURCE.md (ffprobe 5.1.9 and exiftool, independent
// of Eidos): the container's duration, and the rotation a player applies, so the stored picture is
// portrait exactly for the clips filmed upright (HTC's rotation in the MKV track name included, which
// ffprobe does not read).
const CORPUS = join(PHOTOS, 'video-edge');
const run = promisify(execFile);

/** file → [duration s, displayed width, displayed height] from SOURCE.md. */
const GOOD: Record<string, [number, number, number]> = {
  'iphone/iphone6_h264_rot90_gps.mov': [4.0, 320, 568],
  'iphone/iphone6s_livephoto_h264.mov': [1.23, 1440, 1080],
  'iphone/iphone14pro_hevc10_dolbyvision_rot90.MOV': [0.11, 720, 1280],
  'iphone/iphone12promax_hevc10_hlg_rot90_qt-brand.mp4': [0.3, 1080, 1920],
  'iphone/ipadmini_hevc_rot90.mov': [1.17, 720, 1280],
  'android/android6_h264_1080p_gps.mp4': [0.17, 1920, 1080],
  'android/android_hevc_1080p_rot90_metatrack.mp4': [0.1, 1080, 1920],
  'android/samsung_sef_slowmo_240fps.mp4': [2.15, 320, 240],
  'android/pixel_PXL_20231006_063909898.LS_vp9.mp4': [3.09, 1440, 1080],
  'camera/gopro_max_heromode_gpmf.mp4': [10.52, 848, 480],
  'camera/sony_a7m3_avchd.mts': [0.54, 1920, 1080],
  'camera/vtech_kidizoom_100_0306_mjpeg.AVI': [2.73, 320, 240],
  'containers/bear_vp9.webm': [2.7, 320, 240],
  'containers/roadtrip_vp9_profile2_10bit.webm': [3.0, 426, 240],
  'containers/sample_av1.mp4': [1.09, 1080, 720],
  'containers/htc_rotation_trackname_h264_ac3.mkv': [1.07, 720, 1080],
  'containers/sample_mpeg4_amrnb.3gp': [4.93, 176, 144],
  // ffmpeg tolerates an mdat box that runs past the end (all 30 frames decode).
  'broken/mdat_size_past_eof.mp4': [1.02, 1080, 720],
};
/** file → what the reason must say. */
const DAMAGED: Record<string, RegExp> = {
  'broken/empty_0_bytes.mp4': /empty \(0 bytes\)/,
  'broken/ftyp_only_no_moov.mov': /not a readable video.*moov atom not found/,
  'broken/iphone6_truncated_64KiB_no_moov.mov': /not a readable video.*moov atom not found/,
  'broken/pixel_vp9_truncated_192KiB_mid_mdat.mp4': /truncated/,
  'broken/sony_a7_xavc_moov_only_no_mdat.MP4': /no frame .* decodes/,
  'broken/vp9_invalid_bitstream.webm': /no frame .* decodes.*damaged/,
  'broken/audio_only_aac.mp4': /no picture to index \(only audio\)/,
};

let env: Awaited<ReturnType<typeof makeHome>>;
let after: Status;

const files = (readdirSync(CORPUS, { recursive: true, withFileTypes: true }) as Dirent[])
  .filter((entry) => entry.isFile() && entry.name !== 'SOURCE.md')
  .map((entry) => join(entry.parentPath, entry.name).slice(CORPUS.length + 1));

interface VideoRow {
  path: string;
  durationMs: number;
  width: number;
  height: number;
  rotation: number;
  moments: number;
}

function videoRows(home: string): Map<string, VideoRow> {
  const db = new Database(indexPath(home), { readonly: true });
  try {
    const rows = db
      .prepare(
        `SELECT f.path, v.duration_ms AS durationMs, f.width, f.height, v.rotation,
                (SELECT count(*) FROM video_moments m WHERE m.content_hash = f.content_hash) AS moments
           FROM files f JOIN videos v ON v.content_hash = f.content_hash WHERE f.status = 'indexed'`,
      )
      .all() as VideoRow[];
    return new Map(rows.map((row) => [row.path.slice(CORPUS.length + 1), row]));
  } finally {
    db.close();
  }
}

beforeAll(async () => {
  env = await makeHome();
  await indexFolder(env.home, CORPUS);
  after = await status(env.home);
}, 300_000);
afterAll(() => env?.dispose());

describe('indexing video-edge (real phone and camera clips, and damaged files)', () => {
  it('scans all 25 files as videos', () => {
    expect(files.length).toBe(25);
    for (const file of files) expect(isVideoFile(file), file).toBe(true);
    expect(after.indexed + after.skipped.total).toBe(25);
  });

  it('indexes every readable clip with its duration and the orientation a player shows', () => {
    const rows = videoRows(env.home);
    expect([...rows.keys()].sort()).toEqual(Object.keys(GOOD).sort());
    for (const [file, [seconds, width, height]] of Object.entries(GOOD)) {
      const row = rows.get(file)!;
      expect(Math.abs(row.durationMs / 1000 - seconds), file).toBeLessThanOrEqual(0.01);
      expect([row.width, row.height], file).toEqual([width, height]);
      expect(row.moments, file).toBeGreaterThanOrEqual(1);
      // At most one moment per 2 s, and the first frame always.
      expect(row.moments, file).toBeLessThanOrEqual(Math.floor(seconds / 2) + 1);
    }
  });

  it('skips each damaged, truncated or audio-only file with a reason naming it, and nothing else', () => {
    const skipped = new Map(after.skippedFiles.map((s) => [s.path.slice(CORPUS.length + 1), s]));
    expect([...skipped.keys()].sort()).toEqual(Object.keys(DAMAGED).sort());
    for (const [file, reason] of Object.entries(DAMAGED)) {
      expect(skipped.get(file)!.reason, file).toContain(join(CORPUS, file));
      expect(skipped.get(file)!.reason, file).toMatch(reason);
    }
  });
});

describe('a machine without a video decoder', () => {
  let home: Awaited<ReturnType<typeof makeHome>>;
  beforeAll(async () => {
    home = await makeHome();
    // Two clips and a photo; PATH holds only node, so no ffmpeg is found.
    const library = join(home.scratch, 'lib');
    mkdirSync(library);
    cpSync(join(CORPUS, 'containers/bear_vp9.webm'), join(library, 'bear.webm'));
    cpSync(join(CORPUS, 'iphone/ipadmini_hevc_rot90.mov'), join(library, 'ipad.mov'));
    cpSync(
      join(PHOTOS, 'imagenet-dev/images', readdirSync(join(PHOTOS, 'imagenet-dev/images'))[0]!),
      join(library, 'photo.jpg'),
    );
    const bin = join(home.scratch, 'bin');
    mkdirSync(bin);
    symlinkSync(process.execPath, join(bin, 'node'));
    await run(process.execPath, [EIDOS, 'index', library, '--json'], {
      env: { ...process.env, EIDOS_HOME: home.home, PATH: bin },
      timeout: 120_000,
    });
  }, 180_000);
  afterAll(() => home?.dispose());

  it('lists the videos as skipped with the reason and how to enable them, and indexes the photo', async () => {
    const state = await status(home.home);
    expect(state.indexed).toBe(1);
    expect(state.skipped.byCode).toEqual({ NO_VIDEO_DECODER: 2 });
    for (const skipped of state.skippedFiles) expect(skipped.reason).toMatch(/no video decoder.*install ffmpeg/i);
  });

  it('indexes them on the next run once ffmpeg is there', async () => {
    const again = await indexFolder(home.home);
    expect(again.encoded).toBe(2);
    expect((await status(home.home)).indexed).toBe(3);
  }, 120_000);
});
