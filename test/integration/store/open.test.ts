import { closeSync, openSync, readFileSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isEidosError } from '../../../app/contract/errors.ts';
import { migrations, schemaVersion } from '../../../app/store/migrations.ts';
import { openIndex } from '../../../app/store/open.ts';
import { thrownError } from '../../helpers/errors.ts';
import { indexedItem } from '../../helpers/store-rows.ts';
import { tempDir } from '../../helpers/temp-dir.ts';
import { holdLock } from '../../helpers/hold-lock.ts';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

describe('openIndex: schema and versions', () => {
  it('creates a fresh index at the current schema, in WAL mode with foreign keys on', () => {
    const file = join(dir, 'sub', 'index.sqlite');
    openIndex(file).close();
    const db = new Database(file, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
    const store = openIndex(file);
    expect(store.status().schemaVersion).toBe(schemaVersion);
    // Foreign keys are on: a file row must point at a folder.
    expect(() => store.writeBatch({ modelId: 'm', items: [indexedItem(42, '/nowhere/a.jpg', 'h', 1)] })).toThrow(
      /FOREIGN KEY/,
    );
    store.close();
  });

  it('migrates a version-0 database (an empty SQLite file) and keeps what was in it', () => {
    const file = join(dir, 'index.sqlite');
    const db = new Database(file);
    db.exec('CREATE TABLE unrelated (x INTEGER); INSERT INTO unrelated VALUES (7);');
    expect(db.pragma('user_version', { simple: true })).toBe(0);
    db.close();
    const store = openIndex(file);
    store.addFolder(dir);
    store.close();
    const after = new Database(file, { readonly: true });
    expect(after.pragma('user_version', { simple: true })).toBe(schemaVersion);
    expect(after.prepare('SELECT x FROM unrelated').pluck().get()).toBe(7);
    after.close();
  });

  it('refuses an index written by a newer Eidos and leaves the file as it was', () => {
    const file = join(dir, 'index.sqlite');
    const db = new Database(file);
    db.pragma(`user_version = ${schemaVersion + 1}`);
    db.close();
    const before = readFileSync(file);
    const error = thrownError(() => openIndex(file));
    expect(isEidosError(error, 'INDEX_NEWER')).toBe(true);
    expect((error as Error).message).toContain(file);
    expect((error as Error).message).toMatch(/newer Eidos/);
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('refuses a read-only open of an older schema with a way to upgrade', () => {
    const file = join(dir, 'index.sqlite');
    new Database(file).close();
    const error = thrownError(() => openIndex(file, { readonly: true }));
    expect(isEidosError(error, 'INDEX_OUTDATED')).toBe(true);
    expect((error as Error).message).toMatch(/eidos index/);
  });

  it('a read-only open of a missing index says there is none yet', () => {
    expect(
      isEidosError(
        thrownError(() => openIndex(join(dir, 'none.sqlite'), { readonly: true })),
        'NOT_FOUND',
      ),
    ).toBe(true);
  });
});

describe('openIndex: damaged files', () => {
  it('reports a file that is not a database as INDEX_CORRUPT, saying how to rebuild', () => {
    const file = join(dir, 'index.sqlite');
    writeFileSync(file, 'this is not a database, just some text '.repeat(200));
    const error = thrownError(() => openIndex(file));
    expect(isEidosError(error, 'INDEX_CORRUPT')).toBe(true);
    expect((error as Error).message).toContain(file);
    expect((error as Error).message).toMatch(/photos are not affected/);
    expect((error as Error).message).toMatch(/rebuild/);
  });

  it('reports damaged pages inside a valid header as INDEX_CORRUPT when they are read', () => {
    const file = join(dir, 'index.sqlite');
    const store = openIndex(file);
    const folder = store.addFolder(dir);
    store.writeBatch({
      modelId: 'm',
      items: Array.from({ length: 200 }, (_, i) => indexedItem(folder.id, join(dir, `p${i}.jpg`), `h${i}`, i, 64)),
    });
    store.close(); // checkpoints the WAL into the main file
    const pageSize = 4096;
    const pages = statSync(file).size / pageSize;
    const fd = openSync(file, 'r+');
    // Scribble over every page but the first (the header and schema survive, the b-trees do not).
    for (let page = 1; page < pages; page++) writeSync(fd, Buffer.alloc(pageSize, 0xa5), 0, pageSize, page * pageSize);
    closeSync(fd);
    let error: unknown;
    try {
      const damaged = openIndex(file);
      try {
        damaged.loadMatrix('m');
      } finally {
        damaged.close();
      }
    } catch (caught) {
      error = caught;
    }
    expect(isEidosError(error, 'INDEX_CORRUPT')).toBe(true);
    expect((error as Error).message).toMatch(/rebuild/);
  });
});

describe('openIndex: one writer', () => {
  it('refuses a second writer in the same process and allows readers; the lock is released on close', () => {
    const file = join(dir, 'index.sqlite');
    const writer = openIndex(file);
    const error = thrownError(() => openIndex(file));
    expect(isEidosError(error, 'INDEX_LOCKED')).toBe(true);
    expect((error as Error).message).toContain(`pid ${process.pid}`);
    expect((error as Error).message).toMatch(/searching still works/);
    const reader = openIndex(file, { readonly: true });
    expect(reader.listFolders()).toEqual([]);
    reader.close();
    writer.close();
    openIndex(file).close();
  });

  it('refuses a writer while another live process holds the lock, and takes over once it is killed', async () => {
    const file = join(dir, 'index.sqlite');
    openIndex(file).close();
    const holder = await holdLock(file);
    const error = thrownError(() => openIndex(file));
    expect(isEidosError(error, 'INDEX_LOCKED')).toBe(true);
    expect((error as Error).message).toContain(`pid ${holder.pid}`);
    // kill -9 leaves the lock row behind; the dead pid makes it stale.
    await holder.kill();
    const store = openIndex(file);
    store.close();
  });
});
