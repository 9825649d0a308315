/**
 * Taking a damaged index out of the way for a rebuild. Nothing here deletes a file: the index and
 * its -wal/-shm are renamed next to themselves as `<index>.damaged-<time>` (+ `-wal`, `-shm`), so the
 * set stays one database SQLite can still open for a closer look. Before that, whatever can still be
 * read from it (the library folders, the models, the writer lock) is read read-only, as best effort.
 */
import { existsSync, renameSync } from 'node:fs';
import Database from 'better-sqlite3';
import { EidosError } from '../contract/errors.ts';

export interface Salvage {
  /** Library folders the index names; empty when the folders table cannot be read. */
  folders: string[];
  /** Models the index holds vectors for; empty when unreadable. */
  models: string[];
  /** The writer the index records, when that row can be read. */
  writer: { pid: number; host: string; token: string; acquired_at: string } | undefined;
}

/** Each read on its own: a damaged page under one table must not hide what another still holds. */
function attempt<T>(read: () => T, fallback: T): T {
  try {
    return read();
  } catch {
    return fallback;
  }
}

/** Reads what it can from the index at `file` without writing to it; never throws. */
export function salvageIndex(file: string): Salvage {
  const nothing: Salvage = { folders: [], models: [], writer: undefined };
  if (!existsSync(file)) return nothing;
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    // SQLite refuses a file shorter than its header says (a truncated index) unless writable_schema
    // is on, which better-sqlite3's defensive mode forbids; on a read-only connection both are harmless.
    db.unsafeMode(true);
    db.pragma('writable_schema = ON');
  } catch {
    return nothing;
  }
  try {
    return {
      folders: attempt(
        () =>
          (db.prepare('SELECT path FROM folders ORDER BY path').pluck().all() as unknown[]).filter(
            (p): p is string => typeof p === 'string',
          ),
        [],
      ),
      models: attempt(
        () =>
          (db.prepare('SELECT DISTINCT model_id FROM embeddings').pluck().all() as unknown[]).filter(
            (m): m is string => typeof m === 'string',
          ),
        [],
      ),
      writer: attempt(
        () =>
          db.prepare('SELECT pid, host, token, acquired_at FROM writer_lock WHERE id = 1').get() as Salvage['writer'],
        undefined,
      ),
    };
  } finally {
    db.close();
  }
}

/** `2025-01-31T12-00-00-000Z`: sortable, and legal in file names on every platform. */
const stamp = (at: Date): string => at.toISOString().replace(/[:.]/g, '-');

/**
 * Renames the index and its -wal/-shm to `<file>.damaged-<time>…`; returns the new paths. The
 * journal files go first: a fresh index created at `file` must never find the old -wal beside it,
 * since SQLite would replay that journal into the new database.
 */
export function setIndexAside(file: string, at: Date = new Date()): string[] {
  let base = `${file}.damaged-${stamp(at)}`;
  for (let n = 2; [base, `${base}-wal`, `${base}-shm`].some((p) => existsSync(p)); n++)
    base = `${file}.damaged-${stamp(at)}-${n}`;
  const moved: string[] = [];
  for (const suffix of ['-wal', '-shm', '']) {
    const from = `${file}${suffix}`;
    if (!existsSync(from)) continue;
    try {
      renameSync(from, `${base}${suffix}`);
    } catch (error) {
      throw new EidosError(
        'UNREADABLE',
        `Could not move ${from} aside to ${base}${suffix} (${(error as Error).message}). Nothing was deleted; check that the folder is writable.`,
        { file: from, cause: error },
      );
    }
    moved.push(`${base}${suffix}`);
  }
  return moved;
}
