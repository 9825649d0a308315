import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPhotoFile } from '../../../app/image/formats.ts';
import type { IndexSummary } from '../../../app/indexer/pipeline.ts';
import { hashesByPath, indexFolder, makeHome, PHOTOS, status, type Status } from '../../helpers/eidos-cli.ts';

// The camera/phone edge cases: HEIC, every orientation, broken or odd EXIF, a corrupted JPEG. Each
// photo must end up indexed or skipped with a specific reason; none may silently disappear.
const EDGE_DIR = join(PHOTOS, 'exif-edge/files');
const LABELS = join(PHOTOS, 'exif-edge/labels.csv');

let env: Awaited<ReturnType<typeof makeHome>>;
let summary: IndexSummary;
let after: Status;
let indexed: Map<string, string>;

const photosOnDisk = (readdirSync(EDGE_DIR, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
  .filter((entry) => entry.isFile() && isPhotoFile(entry.name))
  .map((entry) => join(entry.parentPath, entry.name));

beforeAll(async () => {
  env = await makeHome();
  summary = await indexFolder(env.home, EDGE_DIR);
  after = await status(env.home);
  indexed = hashesByPath(env.home);
});
afterAll(() => env?.dispose());

describe('indexing exif-edge (real camera and phone files)', () => {
  it('accounts for every photo on disk: indexed with a vector, or skipped with a reason', () => {
    expect(photosOnDisk.length).toBeGreaterThan(90);
    const skipped = new Map(after.skippedFiles.map((s) => [s.path, s]));
    for (const file of photosOnDisk) expect(indexed.has(file) !== skipped.has(file), file).toBe(true);
    expect(after.indexed + after.skipped.total).toBe(photosOnDisk.length);
    expect(summary.encoded + summary.skipped).toBe(photosOnDisk.length);
    expect(summary.problems).toEqual([]);
  });

  it('gives each skipped file a specific code and a reason that names it', () => {
    for (const s of after.skippedFiles) {
      expect(s.code).toMatch(/^[A-Z_]+$/);
      expect(s.code).not.toBe('INTERNAL');
      expect(s.reason).toContain(s.path.split('/').at(-1));
    }
  });

  it('loses none of the files labelled as broken', () => {
    const broken = readFileSync(LABELS, 'utf8')
      .split('\n')
      .filter((line) => /,(invalid_or_broken_exif|corrupted_exif),/.test(line))
      .map((line) => join(PHOTOS, 'exif-edge', line.split(',')[0] as string));
    expect(broken.length).toBeGreaterThanOrEqual(8);
    const skipped = new Set(after.skippedFiles.map((s) => s.path));
    for (const file of broken) expect(indexed.has(file) || skipped.has(file), file).toBe(true);
  });

  it('indexes every HEIC/HEIF photo', () => {
    const heif = photosOnDisk.filter((file) => /\.hei[cf]$/i.test(file));
    expect(heif.length).toBe(5);
    for (const file of heif) expect(indexed.has(file), file).toBe(true);
  });
});
