import { readdirSync, type Dirent } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPhotoFile } from '../../../app/image/formats.ts';
import type { IndexSummary } from '../../../app/indexer/pipeline.ts';
import { hashesByPath, indexFolder, makeHome, PHOTOS, status, type Status } from '../../helpers/eidos-cli.ts';

// Every HEIF a camera or phone writes (../shared/photos/heif-edge, see its SOURCE.md): each file is
// indexed, or skipped with a reason that says what the file is. The truth per file comes from the
// corpus description: the three animations are image sequences without a still image (indexed from
// their first frame), the corrupted, empty and truncated files are damaged; every other file holds a
// primary image.
const CORPUS = join(PHOTOS, 'heif-edge');
const ANIMATIONS = ['candle_animation.heic', 'sea1_animation.heic', 'starfield_animation.heic'];
const DAMAGED = ['corrupted.heic', 'corrupted.hif', 'empty.heic', 'truncated.heic'];

let env: Awaited<ReturnType<typeof makeHome>>;
let summary: IndexSummary;
let after: Status;
let indexed: Map<string, string>;

const files = (readdirSync(CORPUS, { recursive: true, withFileTypes: true }) as Dirent[])
  .filter((entry) => entry.isFile() && entry.name !== 'SOURCE.md')
  .map((entry) => join(entry.parentPath, entry.name));
const name = (file: string): string => file.split('/').at(-1)!;

beforeAll(async () => {
  process.env.EIDOS_IMAGEIO = 'off'; // the portable path, on macOS too (the CLI child inherits it)
  env = await makeHome();
  summary = await indexFolder(env.home, CORPUS);
  after = await status(env.home);
  indexed = hashesByPath(env.home);
}, 240_000);
afterAll(() => env?.dispose());

describe('indexing heif-edge (HEIF from phones, cameras and the reference corpus)', () => {
  it('scans every file, Canon .hif included', () => {
    expect(files.length).toBe(65);
    for (const file of files) expect(isPhotoFile(file), file).toBe(true);
    expect(summary.problems).toEqual([]);
    expect(after.indexed + after.skipped.total).toBe(files.length);
  });

  it('indexes every file that is not damaged: stills, bursts from their primary image, animations from their first frame', () => {
    const readable = files.filter((file) => !DAMAGED.includes(name(file)));
    expect(readable.length).toBe(61);
    for (const file of readable) expect(indexed.has(file), file).toBe(true);
    for (const animation of ANIMATIONS) expect(files.some((file) => name(file) === animation)).toBe(true);
  });

  it('skips only the damaged files, saying so', () => {
    const skipped = new Map(after.skippedFiles.map((s) => [name(s.path), s]));
    for (const damaged of DAMAGED) {
      expect(skipped.get(damaged)?.code, damaged).toBe('DECODE_FAILED');
      expect(skipped.get(damaged)?.reason).toMatch(/damaged|truncated|empty/);
    }
    expect(after.skipped.total).toBe(DAMAGED.length);
  });

  it('reads the 200 MP phone photo and the iPhone photos from their thumbnails, and counts the sources', () => {
    expect(indexed.has(join(CORPUS, 'pillow-heif/heif_special/200MP.heic'))).toBe(true);
    // Thumbnails of at least 224 × 256 px: the three iPhone PUGs, arrow.heic (iPhone), 200MP and aux_YCbCr.
    expect(after.decodeSources['embedded-thumbnail']).toBe(6);
    expect(Object.values(after.decodeSources).reduce((a, b) => a + b, 0)).toBe(after.indexed);
  });
});
