/**
 * A full read of the index before trusting it: SQLite's quick_check visits every page, so a damaged
 * table is found even where the counts a status shows come from an intact index beside it.
 */
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { EidosError } from '../contract/errors.ts';
import { corruptMessage, guarded } from './sqlite-errors.ts';

/**
 * Throws INDEX_CORRUPT (naming the file and the rebuild command) when any page of the index at
 * `file` is damaged; a missing index passes. Read-only; linear in the file's size.
 */
export function assertIndexSound(file: string): void {
  if (!existsSync(file)) return;
  const db = guarded(file, () => new Database(file, { readonly: true, fileMustExist: true }));
  try {
    const problems = guarded(file, () => db.prepare('PRAGMA quick_check').pluck().all() as string[]);
    if (problems.join() !== 'ok')
      throw new EidosError('INDEX_CORRUPT', corruptMessage(file, problems.slice(0, 3).join('; ')), { file });
  } finally {
    db.close();
  }
}
