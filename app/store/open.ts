import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { EidosError } from '../contract/errors.ts';
import { IndexStore } from './index-store.ts';
import { acquireWriterLock, type WriterLock } from './lock.ts';
import { migrations, schemaVersion } from './migrations.ts';
import { guarded } from './sqlite-errors.ts';
import { ensurePrivateDir, narrowFile } from '../util/private-fs.ts';

/** The index and the files SQLite keeps beside it. */
const INDEX_FILE_SUFFIXES = ['', '-wal', '-shm', '-journal'] as const;

export interface OpenOptions {
  /** Open for reading only (search while another process indexes): no migration, no writer lock. */
  readonly?: boolean;
  /** How long a statement waits for another connection's transaction, in ms. */
  busyTimeoutMs?: number;
}

/**
 * Opens (creating when writable) the index at `file`: WAL journal, foreign keys, the schema
 * migrated to this version, and for a writer the single-writer lock. Throws INDEX_NEWER,
 * INDEX_OUTDATED (read-only open of an older schema), INDEX_CORRUPT or INDEX_LOCKED.
 */
export function openIndex(file: string, options: OpenOptions = {}): IndexStore {
  const readonly = options.readonly ?? false;
  if (readonly && !existsSync(file)) {
    throw new EidosError('NOT_FOUND', `There is no index at ${file} yet. Add a folder and run 'eidos index' first.`, {
      file,
    });
  }
  if (!readonly) ensurePrivateDir(dirname(file), { what: 'The folder of the index', allowLink: true });
  const db = guarded(file, () => new Database(file, { readonly, fileMustExist: readonly }));
  // SQLite creates the index with the process's umask and gives its -wal and -shm the index's own mode,
  // so narrowing the index before the first write keeps all three 0600 (and narrows an older index's).
  if (!readonly) for (const suffix of INDEX_FILE_SUFFIXES) narrowFile(`${file}${suffix}`);
  let lock: WriterLock | undefined;
  try {
    guarded(file, () => {
      db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
      // Reading the schema is the first access to the file: a non-database or a damaged header fails here.
      db.prepare('SELECT count(*) FROM sqlite_master').get();
      // Before anything writes (even the journal mode is in the header): a newer index stays untouched.
      checkVersion(db, file, readonly);
      if (!readonly) {
        db.pragma('journal_mode = WAL');
        // In WAL mode NORMAL survives a killed process (a committed transaction is in the WAL);
        // only a power loss may drop the last transactions, never corrupt the file.
        db.pragma('synchronous = NORMAL');
      }
      db.pragma('foreign_keys = ON');
      if (!readonly) migrate(db);
      if (!readonly) lock = acquireWriterLock(db, file);
    });
    return new IndexStore(db, file, lock);
  } catch (error) {
    db.close();
    throw error;
  }
}

function userVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function checkVersion(db: Database.Database, file: string, readonly: boolean): void {
  const version = userVersion(db);
  if (version > schemaVersion) {
    throw new EidosError(
      'INDEX_NEWER',
      `The index ${file} was written by a newer Eidos (schema ${version}; this one knows up to ${schemaVersion}). ` +
        `Update Eidos, or point EIDOS_HOME elsewhere to keep a separate index.`,
      { file },
    );
  }
  if (readonly && version < schemaVersion) {
    throw new EidosError(
      'INDEX_OUTDATED',
      `The index ${file} uses an older schema (${version}; this Eidos needs ${schemaVersion}) and was opened read-only. ` +
        `Run 'eidos index' once to upgrade it.`,
      { file },
    );
  }
}

/** Applies the missing steps in one IMMEDIATE transaction, so two openers cannot both migrate. */
function migrate(db: Database.Database): void {
  const run = db.transaction(() => {
    for (let version = userVersion(db); version < schemaVersion; version++) {
      db.exec(migrations[version] as string);
      db.pragma(`user_version = ${version + 1}`);
    }
  });
  if (userVersion(db) < schemaVersion) run.immediate();
}
