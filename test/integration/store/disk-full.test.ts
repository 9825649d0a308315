import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indexPath, modelsDir, thumbnailsDir } from '../../../app/paths.ts';
import { copyImagenet, indexFolder, makeHome } from '../index/harness.ts';
import { eidos, fingerprint, jsonError, readIndex, worstVectorDifference, type IndexContent } from './store-faults.ts';

// A disk that fills up while `eidos index` writes. The disk is a small tmpfs (the tests run as root,
// as CI does; mount needs CAP_SYS_ADMIN): once holding the index, once holding the thumbnails.
// The run must stop with DISK_FULL, leave a sound database whose every committed row is whole,
// mark no photo as bad, and after room is made the next run must finish equal to a clean run.
const COUNT = 120;
const DIM = 64; // the synthetic model's embedding width, stored as f16

let clean: Awaited<ReturnType<typeof makeHome>>;
let library: string;
let photosBefore: Map<string, string>;
let expected: IndexContent;
const mounts: string[] = [];

function mountTmpfs(dir: string, size: string): void {
  mkdirSync(dir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (error) {
    throw new Error(`These tests need to mount a small tmpfs (root with CAP_SYS_ADMIN): ${(error as { stderr?: Buffer }).stderr?.toString() ?? String(error)}`);
  }
  mounts.push(dir);
}

const growTmpfs = (dir: string, size: string): void => void execFileSync('mount', ['-o', `remount,size=${size}`, dir]);

beforeAll(async () => {
  clean = await makeHome();
  library = join(clean.scratch, 'library');
  copyImagenet(library, COUNT);
  photosBefore = fingerprint(library);
  expect((await indexFolder(clean.home, library)).encoded).toBe(COUNT);
  expected = readIndex(indexPath(clean.home));
});
afterAll(() => {
  for (const dir of mounts.reverse()) execFileSync('umount', [dir]);
  clean?.dispose();
});

/** Every committed file row is whole: an indexed photo has its vector, and every vector has the model's width. */
function incompleteRows(file: string): { indexedWithoutVector: number; badVectors: number; indexed: number } {
  const db = new Database(file, { readonly: true });
  try {
    const count = (sql: string): number => db.prepare(sql).pluck().get() as number;
    return {
      indexed: count("SELECT count(*) FROM files WHERE status = 'indexed'"),
      indexedWithoutVector: count("SELECT count(*) FROM files f WHERE f.status = 'indexed' AND NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.content_hash = f.content_hash)"),
      badVectors: count(`SELECT count(*) FROM embeddings WHERE length(vector) <> ${DIM * 2}`),
    };
  } finally {
    db.close();
  }
}

/** After room is made: the next run resumes (embeds only what is missing) and ends equal to a clean run. */
async function resumesToCleanIndex(home: string, committed: number): Promise<void> {
  const resumed = await eidos(home, ['index', '--json']);
  expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
  const summary = JSON.parse(resumed.stdout) as { encoded: number; unchanged: number; skipped: number };
  expect(summary.skipped).toBe(0);
  expect(summary.unchanged).toBe(committed);
  expect(summary.encoded).toBe(COUNT - committed);
  const actual = readIndex(indexPath(home));
  expect(actual.integrity).toEqual(['ok']);
  expect(actual.files).toEqual(expected.files);
  expect(worstVectorDifference(actual.vectors, expected.vectors)).toBeLessThan(1e-3);
  expect(fingerprint(library)).toEqual(photosBefore);
}

describe('the disk holding the index fills up', () => {
  let home: string;
  let committed: number;
  beforeAll(() => {
    home = join(clean.scratch, 'home-index-full');
    // The index alone on the small disk; the model and the thumbnails live elsewhere.
    mountTmpfs(home, '320k');
    symlinkSync(modelsDir(clean.home), modelsDir(home));
    mkdirSync(join(clean.scratch, 'thumbs-a'));
    symlinkSync(join(clean.scratch, 'thumbs-a'), thumbnailsDir(home));
  });

  it('eidos index stops with DISK_FULL naming the index; the database is sound and every committed row whole', async () => {
    const result = await eidos(home, ['index', library, '--json']);
    expect(result.code, result.stdout + result.stderr).toBe(1);
    const error = jsonError(result);
    expect(error.code, error.message).toBe('DISK_FULL');
    expect(error.message).toContain(indexPath(home));
    expect(error.message).toMatch(/Free some space/);
    const file = indexPath(home);
    const db = new Database(file, { readonly: true });
    expect(db.prepare('PRAGMA integrity_check').pluck().all()).toEqual(['ok']);
    db.close();
    const rows = incompleteRows(file);
    expect(rows.indexedWithoutVector).toBe(0);
    expect(rows.badVectors).toBe(0);
    // The disk filled mid-run: some batches made it, not all.
    expect(rows.indexed).toBeGreaterThan(0);
    expect(rows.indexed).toBeLessThan(COUNT);
    committed = rows.indexed;
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
    const result = await eidos(home, ['index', library, '--json']);
    expect(result.code, result.stdout + result.stderr).toBe(1);
    const error = jsonError(result);
    expect(error.code, error.message).toBe('DISK_FULL');
    expect(error.message).toContain(thumbnailsDir(home));
    expect(error.message).toMatch(/Free some space/);
    const file = indexPath(home);
    const db = new Database(file, { readonly: true });
    expect(db.prepare('PRAGMA integrity_check').pluck().all()).toEqual(['ok']);
    // The point of this case: a thumbnail that could not be written is not the photo's fault.
    expect(db.prepare("SELECT count(*) FROM files WHERE status = 'skipped'").pluck().get()).toBe(0);
    // Every photo the index took has its thumbnail; no half-written temporary file is left.
    const hashes = db.prepare("SELECT content_hash FROM files WHERE status = 'indexed'").pluck().all() as string[];
    db.close();
    for (const hash of hashes) expect(existsSync(join(thumbs, 'grid', hash.slice(0, 2), `${hash}.webp`)), hash).toBe(true);
    const leftovers = readdirSync(thumbs, { recursive: true }).filter((name) => String(name).endsWith('.tmp'));
    expect(leftovers).toEqual([]);
    const rows = incompleteRows(file);
    expect(rows.indexedWithoutVector).toBe(0);
    expect(rows.badVectors).toBe(0);
    expect(rows.indexed).toBeLessThan(COUNT);
    committed = rows.indexed;
  });

  it('after the disk grows, the next run resumes and ends equal to a clean run', async () => {
    growTmpfs(thumbs, '16m');
    await resumesToCleanIndex(home, committed);
  });
});
