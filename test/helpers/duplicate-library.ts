/**
 * A library of real photos (imagenet-dev) with duplicates made on purpose, and the groups that
 * construction says a duplicates finder must report, no more: one exact copy, six near-duplicates
 * (resize, JPEG quality, crop, rotation, colour edit, HEIC round trip through heif-enc), one burst of
 * three frames (the view drifting and something moving, taken one second apart by one camera: alike
 * pixels, but different moments, so not copies of one photo), and two different photos taken one
 * second apart by that camera (not a burst).
 */
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { writeEdit, type EditKind } from '../../app/evaluation/near-duplicate-edits.ts';
import { mulberry32 } from '../../app/util/mulberry32.ts';
import { IMAGENET_DIR } from './eidos-cli.ts';

export interface ExpectedGroups {
  exact: string[][];
  near: string[][];
  burst: string[][];
  /** Every photo of the library. */
  all: string[];
}

const NEAR_KINDS: EditKind[] = ['resize', 'jpeg', 'crop', 'rotate', 'colour', 'heic'];

const withCapture = (image: Sharp, second: number) =>
  image.withExif({
    IFD0: { Make: 'Canon', Model: 'EOS 90D' },
    IFD2: { DateTimeOriginal: `2024:05:01 10:00:${String(second).padStart(2, '0')}` },
  });

export async function writeDuplicateLibrary(dir: string, originals = 20): Promise<ExpectedGroups> {
  // Colour photos of at least 300 px, in name order: the same ones every run.
  const names = readdirSync(IMAGENET_DIR).sort();
  const chosen: string[] = [];
  for (const name of names) {
    if (chosen.length === originals + 3) break;
    const meta = await sharp(join(IMAGENET_DIR, name)).metadata();
    if ((meta.channels ?? 0) >= 3 && Math.min(meta.width ?? 0, meta.height ?? 0) >= 300) chosen.push(name);
  }
  const photos = join(dir, 'photos');
  const copies = join(dir, 'copies');
  mkdirSync(photos, { recursive: true });
  mkdirSync(copies, { recursive: true });
  const all: string[] = [];
  const originalsPaths = chosen.slice(0, originals).map((name) => {
    const path = join(photos, name);
    copyFileSync(join(IMAGENET_DIR, name), path);
    all.push(path);
    return path;
  });

  const exactCopy = join(copies, 'same-bytes.jpg');
  copyFileSync(originalsPaths[0]!, exactCopy);
  all.push(exactCopy);

  const random = mulberry32(24);
  const near: string[][] = [];
  for (const [i, kind] of NEAR_KINDS.entries()) {
    const { file } = await writeEdit(originalsPaths[i + 1]!, kind, copies, `near-${kind}`, random);
    near.push([originalsPaths[i + 1]!, file]);
    all.push(file);
  }

  // The burst: three frames of a scene that is not itself in the library, as a hand-held camera takes
  // them: the view drifts by 3 % of the width between frames and something in it moves (a dark square).
  const scene = join(IMAGENET_DIR, chosen[originals]!);
  const { width, height } = await sharp(scene)
    .rotate()
    .toBuffer({ resolveWithObject: true })
    .then((r) => r.info);
  const frameWidth = Math.floor(width * 0.9);
  const side = Math.floor(height * 0.1);
  const square = await sharp({ create: { width: side, height: side, channels: 3, background: '#202020' } })
    .png()
    .toBuffer();
  const burst: string[] = [];
  for (let frame = 0; frame < 3; frame++) {
    const file = join(photos, `burst-${frame}.jpg`);
    const window = await sharp(scene)
      .rotate()
      .extract({ left: Math.floor(width * 0.03 * frame), top: 0, width: frameWidth, height })
      .composite([{ input: square, left: Math.floor(frameWidth * (0.3 + 0.1 * frame)), top: Math.floor(height * 0.4) }])
      .toBuffer();
    await withCapture(sharp(window), frame).jpeg({ quality: 92 }).toFile(file);
    burst.push(file);
    all.push(file);
  }
  // Two different photos one second apart: time alone does not make a burst.
  for (const [k, name] of chosen.slice(originals + 1, originals + 3).entries()) {
    const file = join(photos, `same-second-${k}.jpg`);
    await withCapture(sharp(join(IMAGENET_DIR, name)), 30 + k)
      .jpeg({ quality: 92 })
      .toFile(file);
    all.push(file);
  }
  return { exact: [[originalsPaths[0]!, exactCopy]], near, burst: [burst], all };
}
