import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type Database from 'better-sqlite3';
import { EidosError } from '../contract/errors.ts';
import { processAlive } from '../util/process-alive.ts';

/**
 * One writer per index. SQLite serialises transactions but would happily let two indexers
 * interleave batches, so the writer records itself in `writer_lock` (pid, host, a random token)
 * inside an IMMEDIATE transaction, which makes check-and-take atomic across processes. A row left by
 * a process that died (kill -9, power loss) is stale when that pid is gone on this host; a row from
 * another host cannot be checked and counts as held. Readers never take the lock.
 */
export interface WriterLock {
  release(): void;
}

interface LockRow {
  pid: number;
  host: string;
  token: string;
  acquired_at: string;
}

/** Tokens this process holds: a second connection in the same process is also a second writer. */
const heldTokens = new Set<string>();

/** True when the writer this row records may still be running (a rebuild must not pull the index from under it). */
export function isHeld(row: LockRow): boolean {
  if (row.host !== hostname()) return true;
  if (row.pid === process.pid) return heldTokens.has(row.token);
  return processAlive(row.pid);
}

export function acquireWriterLock(db: Database.Database, file: string): WriterLock {
  const token = randomUUID();
  const take = db.transaction(() => {
    const row = db.prepare('SELECT pid, host, token, acquired_at FROM writer_lock WHERE id = 1').get() as
      LockRow | undefined;
    if (row && isHeld(row)) {
      const where = row.host === hostname() ? `pid ${row.pid}` : `pid ${row.pid} on ${row.host}`;
      throw new EidosError(
        'INDEX_LOCKED',
        `Another Eidos process (${where}, since ${row.acquired_at}) is writing to the index ${file}. ` +
          `Wait for it to finish or close it, then try again; searching still works meanwhile.` +
          (row.host === hostname()
            ? ''
            : ` If that machine no longer runs Eidos, delete the row in writer_lock or remove the index to rebuild it.`),
        { file },
      );
    }
    db.prepare('INSERT OR REPLACE INTO writer_lock (id, pid, host, token, acquired_at) VALUES (1, ?, ?, ?, ?)').run(
      process.pid,
      hostname(),
      token,
      new Date().toISOString(),
    );
  });
  take.immediate();
  heldTokens.add(token);
  return {
    release() {
      if (!heldTokens.delete(token)) return;
      db.prepare('DELETE FROM writer_lock WHERE token = ?').run(token);
    },
  };
}
