/**
 * "This index equals a clean run's": what an index holds that any run over the same photos must
 * reproduce exactly (folders, every file row but its id and timestamps, every vector bit for bit),
 * a clean reference to compare against, and a fingerprint of the photos to prove nothing touched them.
 *
 * Vectors are compared bit for bit, not within a tolerance: the same photos through the same
 * deterministic model give the same f16 vectors whatever the batches (a resumed, rebuilt or
 * concurrent run included), so any difference is a wrong or stale vector.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { indexPath } from '../../app/paths.ts';
import type { PhotoRow } from '../../app/store/types.ts';
import { copyImagenet, indexFolder, makeHome } from './eidos-cli.ts';
import { integrityCheck, readIndex } from '../integration/index/probe.ts';

/** One row of `files` with its folder's path in place of ids, and without the run's timestamps. */
export interface FileRow extends Omit<PhotoRow, 'id' | 'contentHash'> {
  /** null for a skipped file that could not be read. */
  contentHash: string | null;
  status: 'indexed' | 'skipped';
  skipCode: string | null;
  skipReason: string | null;
}

export interface IndexContent {
  folders: string[];
  /** Sorted by path. */
  files: FileRow[];
  /** Raw f16 bits of every stored vector, keyed by `<model id> <content hash>`. */
  vectors: Map<string, Uint16Array>;
}

export function indexContent(home: string): IndexContent {
  return readIndex(home, (db) => {
    const vectors = new Map<string, Uint16Array>();
    for (const row of db.prepare('SELECT model_id, content_hash, vector FROM embeddings').all() as Array<{
      model_id: string;
      content_hash: string;
      vector: Buffer;
    }>) {
      const bytes = row.vector.buffer.slice(row.vector.byteOffset, row.vector.byteOffset + row.vector.byteLength);
      vectors.set(`${row.model_id} ${row.content_hash}`, new Uint16Array(bytes));
    }
    return {
      folders: db.prepare('SELECT path FROM folders ORDER BY path').pluck().all() as string[],
      files: db
        .prepare(
          `SELECT f.path, d.path AS folder, f.size, f.mtime_ms AS mtimeMs, f.content_hash AS contentHash, f.format, f.status,
                  f.skip_code AS skipCode, f.skip_reason AS skipReason, f.taken_at AS takenAt, f.lat, f.lon, f.make, f.model,
                  f.lens, f.width, f.height
             FROM files f JOIN folders d ON d.id = f.folder_id ORDER BY f.path`,
        )
        .all() as FileRow[],
      vectors,
    };
  });
}

/** The index in `home` is sound and holds exactly what `reference` holds. */
export function expectSameIndex(home: string, reference: IndexContent, where: string): void {
  expect(integrityCheck(home), `${where}: integrity_check`).toEqual(['ok']);
  const actual = indexContent(home);
  expect(actual.folders, `${where}: folders`).toEqual(reference.folders);
  expect(actual.files, `${where}: file rows (paths, content hashes, metadata, skipped files and reasons)`).toEqual(
    reference.files,
  );
  const differing = [...reference.vectors]
    .filter(([key, vector]) => !sameBits(vector, actual.vectors.get(key)))
    .map(([key]) => key);
  expect(differing, `${where}: vectors missing or differing from the reference's in any bit`).toEqual([]);
  expect(actual.vectors.size, `${where}: vectors`).toBe(reference.vectors.size);
}

function sameBits(a: Uint16Array, b: Uint16Array | undefined): boolean {
  return (
    b !== undefined &&
    Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength))
  );
}

/** sha256 of every file under `dir` (recursively), keyed by relative path. */
export function fingerprint(dir: string): Map<string, string> {
  const sums = new Map<string, string>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    sums.set(path.slice(dir.length + 1), createHash('sha256').update(readFileSync(path)).digest('hex'));
  }
  return sums;
}

/** A data folder that indexed a library of real photos once, cleanly: what other runs must equal. */
export interface CleanReference extends Awaited<ReturnType<typeof makeHome>> {
  library: string;
  /** The photos' fingerprint before anything ran on them. */
  photos: Map<string, string>;
  content: IndexContent;
}

/** The first `count` imagenet-dev photos in `<scratch>/library`, indexed by `eidos index` in a fresh home. */
export async function cleanReference(count: number): Promise<CleanReference> {
  const home = await makeHome();
  const library = join(home.scratch, 'library');
  copyImagenet(library, count);
  const photos = fingerprint(library);
  expect((await indexFolder(home.home, library)).encoded, 'the clean run embeds every photo').toBe(count);
  // The CLI closed its connection, so the WAL was checkpointed: the main file is the whole index
  // (a copy of it damaged on purpose is damaged for real).
  expect(existsSync(`${indexPath(home.home)}-wal`)).toBe(false);
  expect(integrityCheck(home.home)).toEqual(['ok']);
  return { ...home, library, photos, content: indexContent(home.home) };
}

/** The index in `home` equals the clean one, and the clean reference's photos are untouched. */
export function expectLikeClean(home: string, clean: CleanReference, where: string): void {
  expectSameIndex(home, clean.content, where);
  expect(fingerprint(clean.library), `${where}: the photos, byte for byte`).toEqual(clean.photos);
}
