import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indexPath, modelsDir, thumbnailsDir } from '../../../app/paths.ts';
import { jsonError, runEidos } from '../../helpers/eidos-cli.ts';
import { filesWithoutVector, readIndex } from '../index/probe.ts';
import { cleanReference, expectLikeClean, type CleanReference } from '../../helpers/same-index.ts';

// A disk that fills up while `eidos index` writes. The disk is a small tmpfs (the tests run as root,
// as CI does; mount needs CAP_SYS_ADMIN): once holding the index, once holding the thumbnails.
// The run must stop with DISK_FULL, leave a sound database whose every committed row is whole,
// mark no photo as bad, and after room is made the next run must finish equal to a clean run.
const COUNT = 120;
const DIM = 64; // the synthetic model's embedding width, stored as f16

let clean: CleanReference;
const mounts: string[] = [];

function mountTmpfs(dir: string, size: string): void {
  mkdirSync(dir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (error) {
    throw new Error(
      `These tests need to mount a small tmpfs (root with CAP_SYS_ADMIN): ${(error as { stderr?: Buffer }).stderr?.toString() ?? String(error)}`,
    );
  }
  mounts.push(dir);
}

const growTmpfs = (dir: string, size: string): void => void execFileSync('mount', ['-o', `remount,size=${size}`, dir]);

beforeAll(async () => {
  clean = await cleanReference(COUNT);
});
afterAll(() => {
  for (const dir of mounts.reverse()) execFileSync('umount', [dir]);
  clean?.dispose();
});

/**
 * `eidos index` on the library stops with DISK_FULL naming `full` (the index or the thumbnail
 * folder), and leaves a sound index in which every committed row is whole (an indexed photo has
 * its vector, every vector has the model's width) and no photo is marked as bad, since a write that
 * failed is not the photo's fault. Returns how many photos it committed (fewer than all).
 */
async function indexUntilDiskFull(home: string, full: string): Promise<number> {
  const result = await runEidos(home, ['index', clean.library, '--json']);
  expect(result.code, result.stdout + result.stderr).toBe(1);
  const error = jsonError(result);
  expect(error.code, error.message).toBe('DISK_FULL');
  expect(error.message).toContain(full);
  expect(error.message).toMatch(/Free some space/);
  const rows = readIndex(home, (db) => {
    const count = (sql: string): number => db.prepare(sql).pluck().get() as number;
    return {
      integrity: db.prepare('PRAGMA integrity_check').pluck().all() as string[],
      indexed: count("SELECT count(*) FROM files WHERE status = 'indexed'"),
      skipped: count("SELECT count(*) FROM files WHERE status = 'skipped'"),
      indexedWithoutVector: filesWithoutVector(db),
      badVectors: count(`SELECT count(*) FROM embeddings WHERE length(vector) <> ${DIM * 2}`),
    };
  });
  expect(rows.integrity).toEqual(['ok']);
  expect(rows.indexedWithoutVector).toBe(0);
  expect(rows.badVectors).toBe(0);
  expect(rows.skipped).toBe(0);
  expect(rows.indexed).toBeLessThan(COUNT);
  return rows.indexed;
}

/** After room is made: the next run resumes (embeds only what is missing) and ends equal to a clean run. */
async function resumesToCleanIndex(home: string, committed: number): Promise<void> {
  const resumed = await runEidos(home, ['index', '--json']);
  expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
  const summary = JSON.parse(resumed.stdout) as { encoded: number; unchanged: number; skipped: number };
  expect(summary.skipped).toBe(0);
  expect(summary.unchanged).toBe(committed);
  expect(summary.encoded).toBe(COUNT - committed);
  expectLikeClean(home, clean, 'resumed');
}

describe('the disk holding the index fills up', () => {
  let home: string;
  let committed: number;
  beforeAll(() => {
    home = join(clean.scratch, 'home-index-full');
    // The index alone on the small disk (room for its schema and a few batches: each photo's row, vector
    // and pixel fingerprint), the model and the thumbnails elsewhere.
    mountTmpfs(home, '480k');
    symlinkSync(modelsDir(clean.home), modelsDir(home));
    mkdirSync(join(clean.scratch, 'thumbs-a'));
    symlinkSync(join(clean.scratch, 'thumbs-a'), thumbnailsDir(home));
  });

  it('eidos index stops with DISK_FULL naming the index; the database is sound and every committed row whole', async () => {
    committed = await indexUntilDiskFull(home, indexPath(home));
    // The disk filled mid-run: some batches made it, not all.
    expect(committed).toBeGreaterThan(0);
  });

  it('after the disk grows, the next run resumes and ends equal to a clean run', async () => {
    growTmpfs(home, '16m');
    await resumesToCleanIndex(home, committed);
  });
});

describe('the disk holding the thumbnails fills up', () => {
  let home: string;
  let thumbs: string;
  let committed: number;
  beforeAll(() => {
    home = join(clean.scratch, 'home-thumbnails-full');
    mkdirSync(home);
    symlinkSync(modelsDir(clean.home), modelsDir(home));
    thumbs = join(clean.scratch, 'thumbs-b');
    mountTmpfs(thumbs, '160k');
    symlinkSync(thumbs, thumbnailsDir(home));
  });

  it('eidos index stops with DISK_FULL naming the thumbnail, and marks no photo as bad', async () => {
    committed = await indexUntilDiskFull(home, thumbnailsDir(home));
    // Every photo the index took has its thumbnail; no half-written temporary file is left.
    const hashes = readIndex(
      home,
      (db) => db.prepare("SELECT content_hash FROM files WHERE status = 'indexed'").pluck().all() as string[],
    );
    for (const hash of hashes)
      expect(existsSync(join(thumbs, 'grid', hash.slice(0, 2), `${hash}.webp`)), hash).toBe(true);
    const leftovers = readdirSync(thumbs, { recursive: true }).filter((name) => String(name).endsWith('.tmp'));
    expect(leftovers).toEqual([]);
  });

  it('after the disk grows, the next run resumes and ends equal to a clean run', async () => {
    growTmpfs(thumbs, '16m');
    await resumesToCleanIndex(home, committed);
  });
});
