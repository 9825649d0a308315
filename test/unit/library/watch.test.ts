import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { setTimeout as realSleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isEidosError } from '../../../app/contract/errors.ts';
import { watchLibrary, type LibraryChange, type LibraryWatcher } from '../../../app/library/watch.ts';
import { tempDir } from '../../helpers/temp-dir.ts';
import { protectedFolders } from '../../../app/library/protected-folders.ts';

/**
 * The native watcher's events arrive whenever the OS delivers them (late, on a loaded machine), so no
 * assertion here depends on a window catching them. The debounce clock is held instead (vitest's fake
 * setTimeout and Date): a batch is reported only when the test moves the clock, after the watcher has
 * said (`pending`) that it heard every change the test made.
 *
 * @parcel/watcher can drop an event that arrives while it hands the batch before it to JavaScript (its
 * debounce thread copies the list and clears it under two separate locks; the first change after a quiet
 * spell is handed over at once: parcel-bundler/watcher#183). The product does not depend on single events
 * (any batch starts a whole incremental indexing run), but these tests name paths, so every change a test
 * must hear is the first one after a settled watcher (see `settle`) or a single event of its own.
 */
const DEBOUNCE_MS = 1000;
const MAX_WAIT_MS = 2500;

let root: string;
let cleanup: () => void;
/** A folder beside the library on the same file system: a file moved in from it is one event (IN_MOVED_TO). */
let outside: ReturnType<typeof tempDir>;
let sentinels = 0;
let watchers: LibraryWatcher[];
let batches: LibraryChange[][];
beforeEach(() => {
  ({ dir: root, cleanup } = tempDir('eidos-watch-'));
  outside = tempDir('eidos-watch-outside-');
  batches = [];
  watchers = [];
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
});
afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(watchers.map((watcher) => watcher.close()));
  cleanup();
  outside.cleanup();
});

async function watch(into: LibraryChange[][] = batches): Promise<LibraryWatcher> {
  const watcher = await watchLibrary([root], (changes) => into.push(changes), {
    debounceMs: DEBOUNCE_MS,
    maxWaitMs: MAX_WAIT_MS,
  });
  watchers.push(watcher);
  return watcher;
}

const isSentinel = (path: string) => basename(path).startsWith('settled-');
/** A batch as sorted [path, type, isDirectory] rows, without the tests' own sentinels. */
const entries = (changes: readonly LibraryChange[]) =>
  changes
    .filter((c) => !isSentinel(c.path))
    .map((c) => [c.path, c.type, c.isDirectory])
    .sort();

/** Moves a new file into the library: one native event, so nothing of it is left to arrive later. */
function moveIn(name: string, content = name): string {
  const from = join(outside.dir, name);
  writeFileSync(from, content);
  renameSync(from, join(root, name));
  return join(root, name);
}

/**
 * Returns once every change made before it has been handled: a sentinel photo moved in (one event) and
 * heard. The native list is then empty, so the next change cannot fall into a hand-over. A sentinel that
 * is itself dropped in a hand-over is never heard; another follows it.
 */
async function settle(watcher: LibraryWatcher): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const sentinel = moveIn(`settled-${++sentinels}.jpg`);
    try {
      await heard(watcher, [sentinel], 3000);
      return;
    } catch (error) {
      if (attempt === 8) throw error;
    }
  }
}

/** Waits (in real time, the debounce clock held) until the watcher has heard a change of each of `paths`. */
async function heard(watcher: LibraryWatcher, paths: string[], limitMs = 20_000): Promise<void> {
  const start = performance.now();
  for (;;) {
    const pending = new Set(watcher.pending().map((change) => change.path));
    if (paths.every((path) => pending.has(path))) return;
    if (performance.now() - start > limitMs)
      throw new Error(`within ${limitMs} ms the watcher heard only ${[...pending].join(', ') || 'nothing'}`);
    await realSleep(20);
  }
}

describe('watchLibrary', () => {
  it('reports photo changes as one batch once the folder is quiet for the debounce, ignoring non-photos and hidden or system folders', async () => {
    mkdirSync(join(root, '.thumbnails'));
    mkdirSync(join(root, 'node_modules'));
    const watcher = await watch();
    writeFileSync(join(root, 'a.jpg'), 'one');
    writeFileSync(join(root, 'a.jpg'), 'one, then more');
    await settle(watcher);
    writeFileSync(join(root, 'B.HEIC'), 'two');
    await settle(watcher);
    // Each ignored change is settled too, so it has reached the watcher before the clock moves.
    for (const ignoredFile of ['notes.txt', join('.thumbnails', 'x.jpg'), join('node_modules', 'logo.png')]) {
      writeFileSync(join(root, ignoredFile), 'not a library photo');
      await settle(watcher);
    }
    writeFileSync(join(root, 'last.png'), 'three');
    await heard(watcher, [join(root, 'a.jpg'), join(root, 'B.HEIC'), join(root, 'last.png')]);

    vi.advanceTimersByTime(DEBOUNCE_MS - 1);
    expect(batches).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(batches.map(entries)).toEqual([
      [
        [join(root, 'B.HEIC'), 'create', false],
        // Created, then written: still new.
        [join(root, 'a.jpg'), 'create', false],
        [join(root, 'last.png'), 'create', false],
      ],
    ]);
    expect(watcher.pending()).toEqual([]);
  });

  it('a steady stream of changes is reported no later than the longest wait after its first', async () => {
    const watcher = await watch();
    const step = 800; // below the debounce: the folder is never quiet long enough
    const names = ['1.jpg', '2.jpg', '3.jpg', '4.jpg'];
    for (const [i, name] of names.entries()) {
      moveIn(name);
      await heard(watcher, [join(root, name)]);
      if (i < names.length - 1) vi.advanceTimersByTime(step);
    }
    expect(batches).toEqual([]);
    // 3 × 800 ms have passed since the first change; the longest wait ends 100 ms later.
    vi.advanceTimersByTime(MAX_WAIT_MS - 3 * step - 1);
    expect(batches).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(batches.map(entries)).toEqual([names.map((name) => [join(root, name), 'create', false])]);
  });

  it('reports deletions and renames, and a folder moved in as a folder to rescan', async () => {
    writeFileSync(join(root, 'old.png'), 'x');
    mkdirSync(join(outside.dir, 'trip'));
    writeFileSync(join(outside.dir, 'trip', 'beach.jpg'), 'y');
    const watcher = await watch();
    // One rename is one pair of events, read together.
    renameSync(join(root, 'old.png'), join(root, 'new.png'));
    await settle(watcher);
    renameSync(join(outside.dir, 'trip'), join(root, 'trip'));
    await heard(watcher, [join(root, 'old.png'), join(root, 'new.png'), join(root, 'trip')]);
    vi.advanceTimersByTime(DEBOUNCE_MS);
    expect(batches.map(entries)).toEqual([
      [
        [join(root, 'new.png'), 'create', false],
        [join(root, 'old.png'), 'delete', false],
        [join(root, 'trip'), 'create', true],
      ],
    ]);

    await settle(watcher);
    rmSync(join(root, 'new.png'));
    await heard(watcher, [join(root, 'new.png')]);
    vi.advanceTimersByTime(DEBOUNCE_MS);
    expect(batches.slice(1).map(entries)).toEqual([[[join(root, 'new.png'), 'delete', false]]]);
  });

  it('delivers nothing after close', async () => {
    const watcher = await watch();
    writeFileSync(join(root, 'pending.jpg'), 'x');
    await heard(watcher, [join(root, 'pending.jpg')]);
    await watcher.close();
    expect(watcher.pending()).toEqual([]);
    // A second watcher on the folder witnesses that the OS delivered the next change to its subscribers.
    const witnessed: LibraryChange[][] = [];
    const witness = await watch(witnessed);
    writeFileSync(join(root, 'later.jpg'), 'y');
    await heard(witness, [join(root, 'later.jpg')]);
    vi.advanceTimersByTime(MAX_WAIT_MS);
    expect(witnessed.map(entries)).toEqual([[[join(root, 'later.jpg'), 'create', false]]]);
    expect(batches).toEqual([]);
  });

  it('refuses a root that does not exist with a clear error', async () => {
    let error: unknown;
    try {
      watchers.push(await watchLibrary([join(root, 'missing')], () => undefined));
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
    const watcher = await watchLibrary([root], (changes) => batches.push(changes), {
      debounceMs: DEBOUNCE_MS,
      maxWaitMs: MAX_WAIT_MS,
      protected: guard,
    });
    watchers.push(watcher);
    // What an indexing run writes: thumbnails (a new subfolder too) and the index, all before the user's photo.
    mkdirSync(join(data, 'thumbnails', 'ab'));
    writeFileSync(join(data, 'thumbnails', 'ab', '0001.webp'), 'thumb');
    writeFileSync(join(data, 'thumbnails', '0002.jpg'), 'thumb');
    writeFileSync(join(data, 'index.sqlite'), 'db');
    // Settled: every event of those writes has reached the watcher before the photo's.
    await settle(watcher);
    writeFileSync(join(root, 'photo.jpg'), 'the user’s');
    await heard(watcher, [join(root, 'photo.jpg')]);
    vi.advanceTimersByTime(DEBOUNCE_MS);
    expect(batches.map(entries)).toEqual([[[join(root, 'photo.jpg'), 'create', false]]]);

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
