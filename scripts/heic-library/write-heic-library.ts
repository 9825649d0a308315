/**
 * Writes a HEIC library the way phones write one, from the real photos in ../shared/photos, with
 * Debian's heif-enc (libheif-examples, x265): a large primary image, a thumbnail item (320 × 240, as
 * iPhones store), EXIF with the orientation, and the cases a reader must survive: no thumbnail, a
 * thumbnail smaller than the model needs, a damaged thumbnail with a valid primary image, a rotated
 * primary image (`irot`) whose thumbnail inherits the rotation, and one where both carry it (iPhone).
 * heif-enc 1.15 cannot write tiled (grid) primaries; the files carry a single coded image instead.
 * Each photo is also written as a JPEG of the same displayed picture (for speed comparisons).
 *
 *   node bin/run-ts.js scripts/heic-library/write-heic-library.ts <out-dir> [--count N] [--size WxH]
 *
 * Generated files are test data: write them to a temporary or cache folder, never into the repository.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { readHeifLayout } from '../../app/image/heif-boxes.ts';
import { addRotation, addThumbnailReference, damageItem } from './heif-edit.ts';

const run = promisify(execFile);
/** heif-enc quality for the primary image and the thumbnail (iPhones store both at high quality). */
const QUALITY = process.env.HEIC_QUALITY ?? '80';

export const HEIC_KINDS = [
  'thumbnail',
  'rotated-primary',
  'rotated-both',
  'no-thumbnail',
  'small-thumbnail',
  'damaged-thumbnail',
] as const;
export type HeicKind = (typeof HEIC_KINDS)[number];

export interface HeicLibraryOptions {
  /** Photos to write; kinds cycle in `kinds` order. */
  count: number;
  /** Default: every kind (HEIC_KINDS); a phone's own library is `['thumbnail', 'rotated-both']`. */
  kinds?: readonly HeicKind[];
  width: number;
  height: number;
  /** Folder of real photos (`images/` inside it is used when present). */
  source?: string;
}

export interface HeicLibraryFile {
  heic: string;
  jpeg: string;
  kind: HeicKind;
  /** The real photo it was made from. */
  from: string;
}

const DEFAULT_SOURCE = resolve(import.meta.dirname, '../../../shared/photos/imagenet-dev');

/** EXIF orientation that shows the same turn as `irot` (anticlockwise quarter turns). */
const EXIF_FOR_IROT: Record<number, number> = { 0: 1, 1: 8, 2: 3, 3: 6 };

export async function writeHeicLibrary(outDir: string, options: HeicLibraryOptions): Promise<HeicLibraryFile[]> {
  const sourceRoot = options.source ?? DEFAULT_SOURCE;
  const imagesDir = existsSync(join(sourceRoot, 'images')) ? join(sourceRoot, 'images') : sourceRoot;
  const photos = (await readdir(imagesDir))
    .filter((name) => /\.(jpe?g|png)$/i.test(name))
    .sort()
    .slice(0, options.count);
  if (photos.length < options.count)
    throw new Error(`${imagesDir} holds ${photos.length} photos, fewer than the ${options.count} asked for`);
  await mkdir(join(outDir, 'heic'), { recursive: true });
  await mkdir(join(outDir, 'jpeg'), { recursive: true });
  const files: HeicLibraryFile[] = [];
  for (const [i, name] of photos.entries()) {
    const kinds = options.kinds ?? HEIC_KINDS;
    const kind = kinds[i % kinds.length]!;
    const stem = `${String(i).padStart(3, '0')}-${kind}`;
    const from = join(imagesDir, name);
    const turns = kind === 'rotated-primary' ? 1 : kind === 'rotated-both' ? 3 : 0;
    const jpeg = join(outDir, 'jpeg', `${stem}.jpg`);
    // Stored pixels at the phone's sensor size, with the EXIF orientation phones write beside `irot`.
    await sharp(from)
      .resize(options.width, options.height, { fit: 'cover' })
      .withMetadata({ orientation: EXIF_FOR_IROT[turns]! })
      .jpeg({ quality: 92 })
      .toFile(jpeg);
    const heic = join(outDir, 'heic', `${stem}.heic`);
    // The thumbnail: a filtered downscale (as phones make), encoded as a second image, then referenced.
    const edge = kind === 'small-thumbnail' ? 160 : 320;
    const thumbnailJpeg = join(outDir, `${stem}.thumbnail.jpg`);
    const withThumbnail = kind !== 'no-thumbnail';
    if (withThumbnail)
      await sharp(jpeg).resize(edge, edge, { fit: 'inside' }).jpeg({ quality: 95 }).toFile(thumbnailJpeg);
    await run('heif-enc', [
      '-q',
      QUALITY,
      '-p',
      'preset=ultrafast',
      '-o',
      heic,
      jpeg,
      ...(withThumbnail ? [thumbnailJpeg] : []),
    ]);
    if (withThumbnail) await rm(thumbnailJpeg);
    let bytes: Uint8Array = await readFile(heic);
    const written = readHeifLayout(bytes);
    const primary = written.primaryId!;
    const thumbnail = [...written.items.values()].find((item) => item.type === 'hvc1' && item.id !== primary)?.id;
    if (withThumbnail) {
      if (thumbnail === undefined) throw new Error(`heif-enc wrote no second image into ${heic}`);
      bytes = addThumbnailReference(bytes, thumbnail, primary);
    }
    if (turns > 0)
      bytes = addRotation(
        bytes,
        kind === 'rotated-both' && thumbnail !== undefined ? [primary, thumbnail] : [primary],
        turns,
      );
    if (kind === 'damaged-thumbnail' && thumbnail !== undefined) bytes = damageItem(bytes, thumbnail);
    await writeFile(heic, bytes);
    files.push({ heic, jpeg, kind, from });
  }
  return files;
}

/**
 * The library for `options`, written once into the system's temporary folder and reused by later
 * calls (tests and benches share it). A `files.json` written last marks a complete library.
 */
export async function cachedHeicLibrary(options: HeicLibraryOptions): Promise<HeicLibraryFile[]> {
  const kinds = (options.kinds ?? HEIC_KINDS).join('+');
  const source = options.source ? `-${options.source.replace(/[^a-z0-9]+/gi, '_')}` : '';
  const dir = join(
    tmpdir(),
    'eidos-heic-library',
    `${options.count}-${options.width}x${options.height}-${kinds}${source}-v2`,
  );
  const index = join(dir, 'files.json');
  if (existsSync(index)) return JSON.parse(await readFile(index, 'utf8')) as HeicLibraryFile[];
  const building = `${dir}.${process.pid}.tmp`;
  await rm(building, { recursive: true, force: true });
  const written = await writeHeicLibrary(building, options);
  const files = written.map((file) => ({
    ...file,
    heic: file.heic.replace(building, dir),
    jpeg: file.jpeg.replace(building, dir),
  }));
  await writeFile(join(building, 'files.json'), JSON.stringify(files, null, 1));
  await rm(dir, { recursive: true, force: true });
  await rename(building, dir);
  return files;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { count: { type: 'string' }, size: { type: 'string' } },
  });
  const out = positionals[0];
  if (!out) throw new Error('usage: write-heic-library.ts <out-dir> [--count N] [--size WxH]');
  const [width, height] = (values.size ?? '4032x3024').split('x').map(Number) as [number, number];
  const files = await writeHeicLibrary(out, { count: Number(values.count ?? 12), width, height });
  for (const file of files) console.log(`${file.kind.padEnd(18)} ${file.heic}`);
}
