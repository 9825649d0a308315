import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isEidosError } from '../../../app/contract/errors.ts';
import { watchLibrary, type LibraryChange, type LibraryWatcher } from '../../../app/library/watch.ts';
import { tempDir } from '../../helpers/temp-dir.ts';
import { protectedFolders } from '../../../app/library/protected-folders.ts';

let root: string;
let cleanup: () => void;
let watcher: LibraryWatcher | undefined;
let batches: LibraryChange[][];
beforeEach(() => {
  ({ dir: root, cleanup } = tempDir('eidos-watch-'));
  batches = [];
});
afterEach(async () => {
  await watcher?.close();
  watcher = undefined;
  cleanup();
});

/** Waits (polling, no timing assertion) until the callback has delivered `count` batches. */
async function batchesArrive(count: number, limitMs = 20_000): Promise<void> {
  const start = Date.now();
  while (batches.length < count) {
    if (Date.now() - start > limitMs) throw new Error(`only ${batches.length} of ${count} change batches arrived`);
    await new Promise((wait) => setTimeout(wait, 50));
  }
}
/** Longer than the first test's debounce: a second batch, had there been one, would have arrived. */
const settle = () => new Promise((wait) => setTimeout(wait, 2000));

describe('watchLibrary', () => {
  it('reports photo changes as one debounced batch, ignoring non-photos and hidden or system folders', async () => {
    mkdirSync(join(root, '.thumbnails'));
    mkdirSync(join(root, 'node_modules'));
    // A debounce well above the OS's delivery delay on a loaded machine (one clean-clone run saw B.HEIC's
    // event arrive after a 300 ms window had closed on a.jpg's): the batching is what is tested here.
    watcher = await watchLibrary([root], (changes) => batches.push(changes), { debounceMs: 1500 });
    writeFileSync(join(root, 'a.jpg'), 'one');
    writeFileSync(join(root, 'a.jpg'), 'one, then more');
    writeFileSync(join(root, 'B.HEIC'), 'two');
    writeFileSync(join(root, 'notes.txt'), 'not a photo');
    writeFileSync(join(root, '.thumbnails', 'x.jpg'), 'cache');
    writeFileSync(join(root, 'node_modules', 'logo.png'), 'tool');
    await batchesArrive(1);
    await settle();
    expect(batches).toHaveLength(1);
    expect(batches[0]?.map((c) => [c.path, c.type]).sort()).toEqual([
      [join(root, 'B.HEIC'), 'create'],
      [join(root, 'a.jpg'), 'create'],
    ]);
  });

  it('reports deletions and renames, and a folder moved in as a folder to rescan', async () => {
    writeFileSync(join(root, 'old.png'), 'x');
    const outside = tempDir('eidos-watch-outside-');
    try {
      mkdirSync(join(outside.dir, 'trip'));
      writeFileSync(join(outside.dir, 'trip', 'beach.jpg'), 'y');
      // As above: a window well above a loaded machine's event delay (and the folder's stat before it is added).
      watcher = await watchLibrary([root], (changes) => batches.push(changes), { debounceMs: 1500 });
      renameSync(join(root, 'old.png'), join(root, 'new.png'));
      renameSync(join(outside.dir, 'trip'), join(root, 'trip'));
      await batchesArrive(1);
      rmSync(join(root, 'new.png'));
      await batchesArrive(2);
      const all = batches.flat().map((c) => [c.path, c.type, c.isDirectory]);
      expect(all).toContainEqual([join(root, 'old.png'), 'delete', false]);
      expect(all).toContainEqual([join(root, 'trip'), 'create', true]);
      expect(batches[1]).toEqual([{ path: join(root, 'new.png'), type: 'delete', isDirectory: false }]);
    } finally {
      outside.cleanup();
    }
  });

  it('delivers nothing after close', async () => {
    watcher = await watchLibrary([root], (changes) => batches.push(changes), { debounceMs: 200 });
    writeFileSync(join(root, 'pending.jpg'), 'x');
    await watcher.close();
    watcher = undefined;
    writeFileSync(join(root, 'later.jpg'), 'y');
    await new Promise((wait) => setTimeout(wait, 800));
    expect(batches).toEqual([]);
  });

  it('refuses a root that does not exist with a clear error', async () => {
    let error: unknown;
    try {
      watcher = await watchLibrary([join(root, 'missing')], () => undefined);
    } catch (caught) {
      error = caught;
    }
    expect(isEidosError(error, 'NOT_FOUND')).toBe(true);
    expect((error as Error).message).toMatch(/exists and is mounted/);
  });

  it('ignores Eidos writing its own thumbnails inside a watched home folder, and refuses to watch the data folder itself', async () => {
    const data = join(root, 'eidos-data');
    mkdirSync(join(data, 'thumbnails'), { recursive: true });
    const guard = protectedFolders(data);
    watcher = await watchLibrary([root], (changes) => batches.push(changes), { debounceMs: 1500, protected: guard });
    // What an indexing run writes: thumbnails (a new subfolder too) and the index, all before the user's photo.
    mkdirSync(join(data, 'thumbnails', 'ab'));
    writeFileSync(join(data, 'thumbnails', 'ab', '0001.webp'), 'thumb');
    writeFileSync(join(data, 'thumbnails', '0002.jpg'), 'thumb');
    writeFileSync(join(data, 'index.sqlite'), 'db');
    writeFileSync(join(root, 'photo.jpg'), 'the user’s');
    // Events arrive in order, so the batch holding the photo would hold the thumbnails had they been reported.
    await batchesArrive(1);
    expect(batches[0]).toEqual([{ path: join(root, 'photo.jpg'), type: 'create', isDirectory: false }]);

    let error: unknown;
    try {
      await watchLibrary([join(data, 'thumbnails')], () => undefined, { protected: guard });
    } catch (caught) {
      error = caught;
    }
    expect(isEidosError(error, 'BAD_ARGUMENT')).toBe(true);
    expect((error as Error).message).toMatch(
      /^not watched: .*thumbnails is inside .*eidos-data, Eidos's own data folder/,
    );
  });
});
