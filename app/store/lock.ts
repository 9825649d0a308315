import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { constants, hostname } from 'node:os';
import { dirname } from 'node:path';
import type Database from 'better-sqlite3';
import { EidosError } from '../contract/errors.ts';
import { fileLocks } from '../kernels/index.ts';

/**
 * One writer per index. SQLite serialises transactions but would happily let two indexers interleave
 * batches, so a writer first takes an exclusive lock the operating system holds: `<index>.lock` beside the
 * index, locked with flock (LockFileEx on Windows) through the native addon and kept open while it writes.
 * The kernel drops that lock when the writer's descriptors close, however it ends: a clean exit, a crash,
 * SIGKILL, even a killed process its parent has not reaped yet. So a dead writer never blocks the next one,
 * and a recorded pid that a later, unrelated program reuses means nothing. The lock belongs to the open
 * file, not the process: a second writer in the same process is refused too.
 *
 * The `writer_lock` row only says who holds the lock (pid, host, since), for the message a refused writer
 * prints; it never decides. Readers take neither.
 */
export interface WriterLock {
  release(): void;
}

export interface LockRow {
  pid: number;
  host: string;
  token: string;
  acquired_at: string;
}

/** The lock file of the index at `file`: beside it, in the data folder, private to this user (0600). */
export const lockFilePath = (file: string): string => `${file}.lock`;

/**
 * Takes the OS lock of the index at `file`, or throws INDEX_LOCKED naming the holder `whoHolds` reports
 * (undefined: the holder has not recorded itself yet, or its record cannot be read). `action` ends the
 * message: what to do instead.
 */
export function takeIndexLock(
  file: string,
  whoHolds: () => LockRow | undefined,
  action: string,
): { release: () => void } {
  const path = lockFilePath(file);
  const locks = fileLocks();
  let id: number | undefined;
  try {
    mkdirSync(dirname(path), { recursive: true });
    id = locks.tryLock(path);
  } catch (error) {
    throw lockFileError(path, error);
  }
  if (id === undefined) {
    const row = whoHolds();
    const holder = row === undefined ? 'Another Eidos process' : `Another Eidos process (${describeHolder(row)})`;
    throw new EidosError('INDEX_LOCKED', `${holder} is writing to the index ${file}. ${action}`, { file });
  }
  const held = id;
  return { release: () => void locks.release(held) };
}

function describeHolder(row: LockRow): string {
  const where = row.host === hostname() ? `pid ${row.pid}` : `pid ${row.pid} on ${row.host}`;
  return `${where}, since ${row.acquired_at}`;
}

/** Why the lock file could not be opened or locked, naming it (the errno's name from the addon's number). */
function lockFileError(path: string, error: unknown): EidosError {
  const detail = error instanceof Error ? error.message : String(error);
  const errno = (error as { errno?: unknown }).errno;
  const name = Object.entries(constants.errno).find(([, value]) => value === errno)?.[0];
  const message =
    name === 'ENOLCK' || name === 'EOPNOTSUPP' || name === 'ENOTSUP'
      ? `The file system holding ${path} does not support file locks (${name}), which Eidos and SQLite need to ` +
        `keep the index whole: move the data folder (EIDOS_HOME) to a local disk.`
      : `Cannot take the index's writer lock ${path} (${detail}${name ? `, ${name}` : ''}). ` +
        `Check that the data folder is yours and writable, and that ${path} is a regular file.`;
  return new EidosError('UNREADABLE', message, { file: path, cause: error });
}

const readHolder = (db: Database.Database) => (): LockRow | undefined =>
  db.prepare('SELECT pid, host, token, acquired_at FROM writer_lock WHERE id = 1').get() as LockRow | undefined;

/** Takes the writer lock of the index open as `db` at `file`, and records this process as its holder. */
export function acquireWriterLock(db: Database.Database, file: string): WriterLock {
  const osLock = takeIndexLock(
    file,
    readHolder(db),
    'Wait for it to finish or close it, then try again; searching still works meanwhile.',
  );
  const token = randomUUID();
  try {
    db.prepare('INSERT OR REPLACE INTO writer_lock (id, pid, host, token, acquired_at) VALUES (1, ?, ?, ?, ?)').run(
      process.pid,
      hostname(),
      token,
      new Date().toISOString(),
    );
  } catch (error) {
    osLock.release();
    throw error;
  }
  let held = true;
  return {
    release() {
      if (!held) return;
      held = false;
      try {
        db.prepare('DELETE FROM writer_lock WHERE token = ?').run(token);
      } finally {
        osLock.release();
      }
    },
  };
}
