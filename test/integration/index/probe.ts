/**
 * Looks at an index from outside while another process may be writing it, the way a second process
 * would: read-only connections that never wait (a busy or half-created file reads as "nothing yet")
 * and never write (no checkpoint, no recovery that would hide what a killed writer left behind).
 */
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { indexPath } from '../../../app/paths.ts';

/** `read` on a fresh read-only connection that waits at most `timeoutMs` for a lock. */
export function readIndex<T>(home: string, read: (db: Database.Database) => T, timeoutMs = 5000): T {
  const db = new Database(indexPath(home), { readonly: true, fileMustExist: true, timeout: timeoutMs });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

/** Like readIndex, but never waits: undefined while the file or its schema does not exist yet, or it is busy. */
export function peek<T>(home: string, read: (db: Database.Database) => T): T | undefined {
  if (!existsSync(indexPath(home))) return undefined;
  try {
    return readIndex(home, read, 0);
  } catch {
    return undefined;
  }
}

/** SQLite's structural check of the file as it is on disk now (WAL included); ['ok'] when sound. */
export const integrityCheck = (home: string): string[] =>
  readIndex(home, (db) => db.prepare('PRAGMA integrity_check').pluck().all() as string[]);

/** One row of `files` as committed. */
export interface CommittedFile {
  id: number;
  path: string;
  contentHash: string | null;
  status: 'indexed' | 'skipped';
  skipCode: string | null;
  skipReason: string | null;
  generation: number;
}

export function committedFiles(db: Database.Database): Map<string, CommittedFile> {
  const rows = db
    .prepare(
      'SELECT id, path, content_hash AS contentHash, status, skip_code AS skipCode, skip_reason AS skipReason, generation FROM files',
    )
    .all() as CommittedFile[];
  return new Map(rows.map((row) => [row.path, row]));
}

export const fileCount = (db: Database.Database): number =>
  db.prepare('SELECT count(*) FROM files').pluck().get() as number;

/** Pid in the writer lock row, if a writer holds (or a killed writer left) it. */
export const lockPid = (db: Database.Database): number | undefined =>
  db.prepare('SELECT pid FROM writer_lock WHERE id = 1').pluck().get() as number | undefined;

/** Indexed files whose content has no vector: a batch written in half, which must never happen. */
export const filesWithoutVector = (db: Database.Database): number =>
  db
    .prepare(
      "SELECT count(*) FROM files f WHERE f.status = 'indexed' AND NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.content_hash = f.content_hash)",
    )
    .pluck()
    .get() as number;
