import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isEidosError } from '../../../app/contract/errors.ts';
import { setAsideForRebuild } from '../../../app/service/rebuild.ts';
import { indexPath } from '../../../app/paths.ts';
import { openIndex } from '../../../app/store/open.ts';
import { salvageIndex, setIndexAside } from '../../../app/store/set-aside.ts';
import { thrownError } from '../../helpers/errors.ts';
import { indexedItem } from '../../helpers/store-rows.ts';
import { tempDir } from '../../helpers/temp-dir.ts';
import { holdLock } from '../../helpers/hold-lock.ts';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir('eidos-aside-')));
afterEach(() => cleanup());

/** An index with two library folders and a vector under model 'm'. */
function smallIndex(file: string): string[] {
  const roots = [join(dir, 'photos-a'), join(dir, 'photos-b')];
  const store = openIndex(file);
  const folder = store.addFolder(roots[0] as string);
  store.addFolder(roots[1] as string);
  store.writeBatch({ modelId: 'm', items: [indexedItem(folder.id, join(roots[0] as string, 'a.jpg'), 'h1', 1)] });
  store.close();
  return roots;
}

describe('salvageIndex', () => {
  it('reads the folders and models of an intact index without changing its bytes', () => {
    const file = join(dir, 'index.sqlite');
    const roots = smallIndex(file);
    const before = readFileSync(file);
    const salvage = salvageIndex(file);
    expect(salvage.folders).toEqual(roots);
    expect(salvage.models).toEqual(['m']);
    expect(salvage.writer).toBeUndefined();
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('returns nothing (and does not throw) for a file that is not a database, or no file', () => {
    const file = join(dir, 'index.sqlite');
    writeFileSync(file, 'not sqlite at all '.repeat(300));
    expect(salvageIndex(file)).toEqual({ folders: [], models: [], writer: undefined });
    expect(salvageIndex(join(dir, 'missing.sqlite'))).toEqual({ folders: [], models: [], writer: undefined });
  });
});

describe('setIndexAside', () => {
  it('renames the index with its -wal and -shm under one damaged-<time> name, deleting nothing', () => {
    const file = join(dir, 'index.sqlite');
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE t (x); INSERT INTO t VALUES (42);');
    // While this connection is open the WAL and shared-memory files exist beside the index.
    const contents = new Map(['', '-wal', '-shm'].map((suffix) => [suffix, readFileSync(`${file}${suffix}`)]));
    const moved = setIndexAside(file, new Date('2030-01-02T03:04:05.678Z'));
    db.close();
    const base = join(dir, 'index.sqlite.damaged-2030-01-02T03-04-05-678Z');
    expect(moved).toEqual([`${base}-wal`, `${base}-shm`, base]);
    for (const [suffix, bytes] of contents) expect(readFileSync(`${base}${suffix}`).equals(bytes), suffix).toBe(true);
    expect(readdirSync(dir).filter((name) => name.startsWith('index.sqlite') && !name.includes('damaged'))).toEqual([]);
    // The set aside is still one database: its WAL holds the row written above.
    const aside = new Database(base, { readonly: true });
    expect(aside.prepare('SELECT x FROM t').pluck().get()).toBe(42);
    aside.close();
  });

  it('never overwrites an earlier damaged copy taken at the same moment', () => {
    const file = join(dir, 'index.sqlite');
    const at = new Date('2030-01-02T03:04:05.678Z');
    writeFileSync(file, 'first');
    const [first] = setIndexAside(file, at);
    writeFileSync(file, 'second');
    const [second] = setIndexAside(file, at);
    expect(second).not.toBe(first);
    expect(readFileSync(first as string, 'utf8')).toBe('first');
    expect(readFileSync(second as string, 'utf8')).toBe('second');
  });
});

describe('setAsideForRebuild', () => {
  it('refuses while a live process holds the writer lock, and moves nothing', async () => {
    const home = join(dir, 'home');
    mkdirSync(home);
    const file = indexPath(home);
    const store = openIndex(file);
    store.addFolder(join(dir, 'photos'));
    store.close();
    const holder = await holdLock(file);
    try {
      const error = thrownError(() => setAsideForRebuild(home));
      expect(isEidosError(error, 'INDEX_LOCKED')).toBe(true);
      expect((error as Error).message).toContain(`pid ${holder.pid}`);
      expect(readdirSync(home).some((name) => name.includes('damaged'))).toBe(false);
    } finally {
      await holder.kill();
    }
    // The holder is gone (the kernel dropped its lock; its row stays behind): now the index moves aside and its folder is kept.
    const start = setAsideForRebuild(home);
    expect(start.folders).toEqual([join(dir, 'photos')]);
    expect(existsSync(file)).toBe(false);
    expect(start.aside.at(-1)).toMatch(/index\.sqlite\.damaged-[0-9T-]+Z$/);
  });

  it('without readable folders and none given, says to name them and moves nothing', () => {
    const home = join(dir, 'home');
    mkdirSync(home);
    writeFileSync(indexPath(home), 'garbage '.repeat(1000));
    const error = thrownError(() => setAsideForRebuild(home));
    expect(isEidosError(error, 'BAD_ARGUMENT')).toBe(true);
    expect((error as Error).message).toMatch(/eidos index --rebuild <folder>/);
    // Nothing moved: beside the index only the writer lock's file, which stays there for good.
    expect(readdirSync(home).sort()).toEqual(['index.sqlite', 'index.sqlite.lock']);
    const start = setAsideForRebuild(home, [join(dir, 'photos')]);
    expect(start.folders).toEqual([join(dir, 'photos')]);
    expect(start.models).toEqual([]);
  });

  it('leaves out a library folder an older Eidos accepted that is now refused (the data folder itself)', () => {
    const home = join(dir, 'home');
    mkdirSync(home);
    mkdirSync(join(dir, 'photos'));
    const store = openIndex(indexPath(home));
    store.addFolder(home);
    store.addFolder(join(dir, 'photos'));
    store.close();
    const start = setAsideForRebuild(home);
    expect(start.folders).toEqual([join(dir, 'photos')]);
  });
});
