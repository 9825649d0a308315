// Eidos's own trash (app/service/trash.ts) on real files and a real index: photos are moved, never
// deleted, into a 0700 batch folder and out of the index; restoring never writes over a file that took
// a photo's name (that photo stays in the trash, and the answer says why), and a name that is not a
// batch is refused before any path is built from it.
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { restoreTrash, trashDir, trashPhotos } from '../../../app/service/trash.ts';
import { indexedItem } from '../../helpers/store-rows.ts';
import { useTempStore } from '../../helpers/temp-store.ts';

const fixture = useTempStore();

function library(): { ids: string[]; paths: string[]; home: string } {
  const home = join(fixture.dir, 'home');
  mkdirSync(join(fixture.dir, 'photos'), { recursive: true });
  const paths = ['a.jpg', 'b.jpg'].map((name) => fixture.photo(name));
  paths.forEach((path, i) => writeFileSync(path, `photo ${i}`));
  fixture.store.writeBatch({
    modelId: 'clip',
    items: paths.map((path, i) => indexedItem(fixture.folderId, path, `h${i}`, i)),
  });
  const ids = fixture.store.photoRows([1, 2]).map((row) => String(row.id));
  return { ids, paths, home };
}

describe("Eidos's trash", () => {
  it('moves photos into a 0700 batch folder and out of the index, and restores the same bytes', async () => {
    const { ids, paths, home } = library();
    const result = await trashPhotos(home, fixture.store, ids);
    expect(result.moved.map((m) => m.path)).toEqual(paths);
    for (const path of paths) expect(existsSync(path)).toBe(false);
    expect(statSync(trashDir(home)).mode & 0o777).toBe(0o700);
    expect(statSync(result.folder!).mode & 0o777).toBe(0o700);
    expect(fixture.store.status().indexed).toBe(0);

    const restored = await restoreTrash(home, result.batch);
    expect(restored).toEqual({ batch: result.batch, restored: paths, kept: [] });
    paths.forEach((path, i) => expect(readFileSync(path, 'utf8')).toBe(`photo ${i}`));
    expect(existsSync(result.folder!)).toBe(false);
  });

  it('never writes over a file that took the name: that photo stays in the trash, with the reason', async () => {
    const { ids, paths, home } = library();
    const result = await trashPhotos(home, fixture.store, ids);
    writeFileSync(paths[0]!, 'a new file');
    const restored = await restoreTrash(home, result.batch);
    expect(restored.restored).toEqual([paths[1]]);
    expect(restored.kept).toEqual([{ path: paths[0], reason: expect.stringContaining('is there now') }]);
    expect(readFileSync(paths[0]!, 'utf8')).toBe('a new file');
    // The trashed photo is still there, and the manifest names only it: a second restore after the
    // name is free again brings it back.
    const manifest = JSON.parse(readFileSync(join(result.folder!, 'manifest.json'), 'utf8')) as { entries: unknown[] };
    expect(manifest.entries).toHaveLength(1);
    rmSync(paths[0]!);
    expect((await restoreTrash(home, result.batch)).restored).toEqual([paths[0]]);
    expect(readFileSync(paths[0]!, 'utf8')).toBe('photo 0');
  });

  it('refuses a batch name that is not one, and an empty or unknown list of photos', async () => {
    const { home } = library();
    await expect(restoreTrash(home, '../..')).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
    await expect(restoreTrash(home, '20260101T000000Z-0000abcd')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(trashPhotos(home, fixture.store, [])).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
    await expect(trashPhotos(home, fixture.store, ['999'])).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(existsSync(trashDir(home))).toBe(false);
  });
});
