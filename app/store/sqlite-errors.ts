import { describeError, EidosError } from '../contract/errors.ts';

/** What to tell the user when the index file is damaged: it is only a cache of the photos. */
export function corruptMessage(file: string, detail: string): string {
  return (
    `The index ${file} is damaged (${detail}). Your photos are not affected: the index only caches ` +
    `what Eidos read from them. Run 'eidos index --rebuild': it moves this file (and its -wal/-shm) aside ` +
    `as ${file}.damaged-<time>, keeps it, and re-indexes the same folders into a fresh index.`
  );
}

/** Turns a SQLite failure into the engine's error, naming the index file; other errors pass through. */
export function translateSqliteError(error: unknown, file: string): unknown {
  if (error instanceof EidosError) return error;
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return error;
  const detail = describeError(error);
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') {
    return new EidosError('INDEX_CORRUPT', corruptMessage(file, detail), { file, cause: error });
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new EidosError(
      'INDEX_LOCKED',
      `The index ${file} stayed busy: another process held a write transaction for too long (${detail}). Try again when it has finished.`,
      { file, cause: error },
    );
  }
  if (code === 'SQLITE_FULL') {
    return new EidosError(
      'DISK_FULL',
      `The disk holding ${file} is full. Free some space and run the command again; the index keeps every batch written so far.`,
      { file, cause: error },
    );
  }
  if (
    code.startsWith('SQLITE_CANTOPEN') ||
    code.startsWith('SQLITE_READONLY') ||
    code.startsWith('SQLITE_PERM') ||
    code.startsWith('SQLITE_IOERR')
  ) {
    return new EidosError(
      'UNREADABLE',
      `Cannot read or write the index ${file} (${detail}). Check that the folder exists and is writable.`,
      { file, cause: error },
    );
  }
  return error;
}

/** Runs `fn`, translating SQLite errors (see translateSqliteError). */
export function guarded<T>(file: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw translateSqliteError(error, file);
  }
}
